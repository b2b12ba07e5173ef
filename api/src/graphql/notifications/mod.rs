//! Notifications in data.all's dialect: `listNotifications`, `countUnreadNotifications`,
//! `markNotificationAsRead` and `markAllNotificationsAsRead`. Every signed-in user reads their
//! own teams' notifications; whether one was read is their own. Core decides.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::{
    notifications::{Notification, NotificationFilter, NotificationType},
    page::PageRequest,
};

use crate::graphql::{GqlResult, actor, core, paged::paged};

/// data.all's field names, snake case included.
#[derive(SimpleObject)]
#[graphql(name = "Notification")]
pub struct NotificationGql {
    #[graphql(name = "notificationUri")]
    notification_uri: String,
    /// `SHARE_OBJECT_SUBMITTED`, `SHARE_OBJECT_APPROVED`, `SHARE_OBJECT_REJECTED`,
    /// `SHARE_OBJECT_PROCESSED`, `SHARE_OBJECT_FAILED` or `SHARE_OBJECT_REVOKED`.
    #[graphql(name = "type")]
    notification_type: Option<String>,
    /// What happened and what to do, in words.
    message: Option<String>,
    /// The team it went to, as data.all's `username` holds the recipient.
    username: String,
    /// `<share uri>|<dataset uri>`, as data.all writes it.
    #[graphql(name = "target_uri")]
    target_uri: String,
    /// Whether you have read it; a teammate's reading leaves it unread for you.
    #[graphql(name = "is_read")]
    is_read: Option<bool>,
    created: Option<String>,
    /// Notifications are never changed: the time it was written.
    updated: Option<String>,
}

impl From<Notification> for NotificationGql {
    fn from(n: Notification) -> Self {
        let created = n.created.to_rfc3339();
        Self {
            notification_uri: n.notification_uri,
            notification_type: Some(n.notification_type),
            message: Some(n.message),
            username: n.recipient_group,
            target_uri: n.target_uri,
            is_read: Some(n.is_read),
            created: Some(created.clone()),
            updated: Some(created),
        }
    }
}

paged!(NotificationSearchResult, NotificationGql);

#[derive(InputObject, Default)]
#[graphql(name = "NotificationFilter")]
pub struct NotificationFilterInput {
    /// Notifications whose message or type holds this, ignoring case.
    term: Option<String>,
    /// Only those you have read.
    read: Option<bool>,
    /// Only those you have not read.
    unread: Option<bool>,
    /// Only archived ones: Sluice archives none, so `true` finds nothing.
    archived: Option<bool>,
    /// One type, spelled as `Notification.type`.
    #[graphql(name = "type")]
    notification_type: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
}

#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// Your teams' notifications, newest first.
    async fn list_notifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<NotificationFilterInput>,
    ) -> async_graphql::Result<NotificationSearchResult> {
        let filter = filter.unwrap_or_default();
        let request = PageRequest::new(filter.page, filter.page_size).gql()?;
        let notification_type =
            filter.notification_type.as_deref().map(NotificationType::parse).transpose().gql()?;
        let filter = NotificationFilter {
            term: filter.term,
            read: filter.read.unwrap_or(false),
            unread: filter.unread.unwrap_or(false),
            archived: filter.archived.unwrap_or(false),
            notification_type,
        };
        let page = core(ctx)?.notifications().list(actor(ctx)?, &filter, request).await.gql()?;
        Ok(NotificationSearchResult(page.map(Into::into)))
    }

    /// How many of your teams' notifications you have not read.
    async fn count_unread_notifications(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let count = core(ctx)?.notifications().count_unread(actor(ctx)?).await.gql()?;
        Ok(Some(i32::try_from(count).unwrap_or(i32::MAX)))
    }
}

#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks one of your teams' notifications read, for you. Another team's is NOT_FOUND.
    async fn mark_notification_as_read(
        &self,
        ctx: &Context<'_>,
        notification_uri: Option<String>,
    ) -> async_graphql::Result<Option<bool>> {
        let uri = notification_uri.unwrap_or_default();
        Ok(Some(core(ctx)?.notifications().mark_read(actor(ctx)?, &uri).await.gql()?))
    }

    /// Marks everything your teams were sent until now read, for you; returns how many were
    /// unread.
    async fn mark_all_notifications_as_read(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let count = core(ctx)?.notifications().mark_all_read(actor(ctx)?).await.gql()?;
        Ok(Some(i32::try_from(count).unwrap_or(i32::MAX)))
    }
}
