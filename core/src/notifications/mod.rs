//! Notifications in data.all's terms (`listNotifications`, `countUnreadNotifications`,
//! `markNotificationAsRead`, `markAllNotificationsAsRead`): what a team should know about a
//! share, written in the transaction of the event itself, so an event is never without its
//! notification nor a notification without its event.
//!
//! - A notification goes to teams; every signed-in user reads their own teams' and no others'.
//!   Another team's notification is answered as missing, so its existence is not revealed.
//! - Whether it was read is each reader's own: a teammate reading it leaves it unread for you.
//! - Nothing is archived or deleted by readers; a notification outlives its share, and its
//!   message says what happened in words, without needing the share.

mod model;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
    sea_query::{OnConflict, Query},
};
use sluice_entities::{notification as n, notification_mark as mark, notification_read as read};

pub use model::{NewNotification, Notification, NotificationFilter, NotificationTarget, NotificationType};

use crate::{
    Actor, Error, Result,
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

pub const RESOURCE_TYPE: &str = "notification";

pub struct Notifications<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

impl Notifications<'_> {
    /// A page of the actor's teams' notifications, newest first.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &NotificationFilter,
        request: PageRequest,
    ) -> Result<Page<Notification>> {
        let read_before = read_before(self.db, actor).await?;
        let mut query = inbox(actor);
        if filter.archived || (filter.read && filter.unread) {
            // Sluice archives nothing, and no notification is both read and unread: a condition
            // no row meets (the key is never null).
            query = query.filter(n::Column::NotificationUri.is_null());
        } else if filter.read {
            query = query.filter(is_read(actor, read_before));
        } else if filter.unread {
            query = query.filter(is_read(actor, read_before).not());
        }
        if let Some(term) = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(
                term,
                [(n::Entity, n::Column::Message), (n::Entity, n::Column::NotificationType)],
            ));
        }
        if let Some(kind) = filter.notification_type {
            query = query.filter(n::Column::NotificationType.eq(kind.as_str()));
        }
        let query = query.order_by_desc(n::Column::Created).order_by_desc(n::Column::NotificationUri);
        let rows = page::fetch(self.db, query, request).await?;
        let (rows, numbers) = rows.take_nodes();
        let uris: Vec<String> = rows.iter().map(|r| r.notification_uri.clone()).collect();
        let read_here: Vec<String> = read::Entity::find()
            .filter(read::Column::Issuer.eq(actor.issuer()))
            .filter(read::Column::Username.eq(actor.username()))
            .filter(read::Column::NotificationUri.is_in(uris))
            .all(self.db)
            .await?
            .into_iter()
            .map(|r| r.notification_uri)
            .collect();
        Ok(numbers.with(
            rows.into_iter()
                .map(|r| Notification {
                    is_read: read_before.is_some_and(|b| r.created < b)
                        || read_here.contains(&r.notification_uri),
                    notification_uri: r.notification_uri,
                    notification_type: r.notification_type,
                    message: r.message,
                    recipient_group: r.recipient_group,
                    target_uri: r.target_uri,
                    target_type: r.target_type,
                    created: r.created,
                })
                .collect(),
        ))
    }

    /// How many of the actor's teams' notifications the actor has not read.
    pub async fn count_unread(&self, actor: &Actor) -> Result<u64> {
        let read_before = read_before(self.db, actor).await?;
        Ok(inbox(actor).filter(is_read(actor, read_before).not()).count(self.db).await?)
    }

    /// Marks one of the actor's teams' notifications read, for the actor; reading it again is
    /// no change. Another team's is NOT_FOUND, as a missing one.
    pub async fn mark_read(&self, actor: &Actor, notification_uri: &str) -> Result<bool> {
        let found = inbox(actor).filter(n::Column::NotificationUri.eq(notification_uri)).one(self.db).await?;
        if found.is_none() {
            return Err(Error::NotFound { kind: RESOURCE_TYPE, uri: notification_uri.to_owned() });
        }
        read::Entity::insert(read::ActiveModel {
            notification_uri: sea_orm::Set(notification_uri.to_owned()),
            issuer: sea_orm::Set(actor.issuer().to_owned()),
            username: sea_orm::Set(actor.username().to_owned()),
            read_at: sea_orm::Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([
                read::Column::NotificationUri,
                read::Column::Issuer,
                read::Column::Username,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(self.db)
        .await?;
        Ok(true)
    }

    /// Marks everything the actor's teams were sent until now read, for the actor, in one
    /// write however many there are; returns how many were unread.
    pub async fn mark_all_read(&self, actor: &Actor) -> Result<u64> {
        let unread = self.count_unread(actor).await?;
        mark::Entity::insert(mark::ActiveModel {
            issuer: sea_orm::Set(actor.issuer().to_owned()),
            username: sea_orm::Set(actor.username().to_owned()),
            read_before: sea_orm::Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([mark::Column::Issuer, mark::Column::Username])
                .update_column(mark::Column::ReadBefore)
                .to_owned(),
        )
        .exec_without_returning(self.db)
        .await?;
        Ok(unread)
    }
}

/// The actor's teams' notifications; nobody else's.
fn inbox(actor: &Actor) -> sea_orm::Select<n::Entity> {
    n::Entity::find().filter(n::Column::RecipientGroup.is_in(actor.groups().to_vec()))
}

/// Before when the actor has read everything, if they ever marked all read.
async fn read_before(db: &impl ConnectionTrait, actor: &Actor) -> Result<Option<DateTime<Utc>>> {
    Ok(mark::Entity::find_by_id((actor.issuer().to_owned(), actor.username().to_owned()))
        .one(db)
        .await?
        .map(|m| m.read_before))
}

/// Read by the actor: before their mark, or read one by one.
fn is_read(actor: &Actor, read_before: Option<DateTime<Utc>>) -> Condition {
    let one_by_one = Query::select()
        .column(read::Column::NotificationUri)
        .from(read::Entity)
        .and_where(read::Column::Issuer.eq(actor.issuer()))
        .and_where(read::Column::Username.eq(actor.username()))
        .to_owned();
    let mut read = Condition::any().add(n::Column::NotificationUri.in_subquery(one_by_one));
    if let Some(before) = read_before {
        read = read.add(n::Column::Created.lt(before));
    }
    read
}

/// Writes `notice` for each of its teams (each once), in the caller's transaction.
pub(crate) async fn notify(db: &impl ConnectionTrait, notice: NewNotification) -> Result<()> {
    let mut recipients = notice.recipients;
    recipients.retain(|r| !r.trim().is_empty());
    recipients.sort();
    recipients.dedup();
    if recipients.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = recipients.into_iter().map(|recipient| n::ActiveModel {
        notification_uri: sea_orm::Set(new_uri()),
        notification_type: sea_orm::Set(notice.notification_type.as_str().to_owned()),
        message: sea_orm::Set(notice.message.clone()),
        recipient_group: sea_orm::Set(recipient),
        target_uri: sea_orm::Set(notice.target_uri.clone()),
        target_type: sea_orm::Set(notice.target.as_str().to_owned()),
        created: sea_orm::Set(now),
    });
    n::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}
