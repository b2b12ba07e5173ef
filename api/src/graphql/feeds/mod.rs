//! Feeds in data.all's dialect: `getFeed` and `postFeedMessage`, a discussion thread on every
//! dataset, table and folder. Whoever may find the item may read and post; core decides.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::{
    feeds::{Feed, FeedMessage},
    page::PageRequest,
};

use crate::graphql::{GqlResult, actor, core, paged::paged};

#[derive(SimpleObject)]
#[graphql(name = "FeedMessage")]
pub struct FeedMessageGql {
    #[graphql(name = "feedMessageUri")]
    feed_message_uri: String,
    /// Who posted it.
    creator: String,
    content: String,
    created: String,
}

impl From<FeedMessage> for FeedMessageGql {
    fn from(m: FeedMessage) -> Self {
        Self {
            feed_message_uri: m.feed_message_uri,
            creator: m.creator,
            content: m.content,
            created: m.created.to_rfc3339(),
        }
    }
}

paged!(FeedMessages, FeedMessageGql);

#[derive(InputObject, Default)]
pub struct FeedMessageFilter {
    /// Messages that contain this text.
    term: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
}

#[derive(InputObject)]
pub struct FeedMessageInput {
    /// At most 4000 characters; line breaks are kept.
    content: Option<String>,
}

/// An item's thread, for a caller who may find the item.
pub struct FeedGql(Feed);

#[Object(name = "Feed")]
impl FeedGql {
    async fn feed_target_uri(&self) -> &str {
        &self.0.target_uri
    }
    async fn feed_target_type(&self) -> &str {
        self.0.target.as_str()
    }
    /// Newest first.
    async fn messages(
        &self,
        ctx: &Context<'_>,
        filter: Option<FeedMessageFilter>,
    ) -> async_graphql::Result<FeedMessages> {
        let filter = filter.unwrap_or_default();
        let page = PageRequest::new(filter.page, filter.page_size).gql()?;
        let messages = core(ctx)?.feeds().messages(&self.0, filter.term.as_deref(), page).await.gql()?;
        Ok(FeedMessages(messages.map(Into::into)))
    }
}

#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// The thread of a dataset (`targetType: "Dataset"`), table (`DatasetTable`) or folder
    /// (`DatasetStorageLocation`). Needs that you may find the item.
    async fn get_feed(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<FeedGql> {
        let feed = core(ctx)?.feeds().get(actor(ctx)?, &target_type, &target_uri).await.gql()?;
        Ok(FeedGql(feed))
    }
}

#[derive(Default)]
pub struct FeedMutation;

#[Object]
impl FeedMutation {
    /// Posts to the item's thread as you. Needs that you may find the item.
    async fn post_feed_message(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
        input: Option<FeedMessageInput>,
    ) -> async_graphql::Result<FeedMessageGql> {
        let content = input.and_then(|i| i.content);
        let message = core(ctx)?
            .feeds()
            .post(actor(ctx)?, &target_type, &target_uri, content.as_deref())
            .await
            .gql()?;
        Ok(message.into())
    }
}
