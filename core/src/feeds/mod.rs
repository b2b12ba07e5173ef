//! Feeds in data.all's terms (`getFeed`, `postFeedMessage`): a discussion thread on every
//! dataset, table and folder. Whoever may find the item in the catalog may read its thread and
//! post to it; with restricted visibility a hidden item is refused as a missing one. Messages
//! are never edited, and go with their item.

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{ExprTrait, Query},
};
use sluice_entities::{dataset_location as loc, dataset_table as tbl, feed_message as msg};

use crate::{
    Actor, Error, Result, audit,
    catalog::CatalogVisibility,
    datasets::Datasets,
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 4000;

/// What has a thread, by data.all's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedTarget {
    Dataset,
    Table,
    Folder,
}

impl FeedTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dataset => "Dataset",
            Self::Table => "DatasetTable",
            Self::Folder => "DatasetStorageLocation",
        }
    }

    pub fn parse(value: &str) -> Result<Self> {
        match value.trim() {
            "Dataset" => Ok(Self::Dataset),
            "DatasetTable" => Ok(Self::Table),
            "DatasetStorageLocation" => Ok(Self::Folder),
            other => Err(Error::validation(
                "targetType",
                format!("feeds are on Dataset, DatasetTable and DatasetStorageLocation, not on \"{other}\""),
            )),
        }
    }
}

/// A thread the actor may read: the proof `Feeds::get` gives.
#[derive(Debug, Clone)]
pub struct Feed {
    pub target: FeedTarget,
    pub target_uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMessage {
    pub feed_message_uri: String,
    pub creator: String,
    pub content: String,
    pub created: chrono::DateTime<chrono::Utc>,
}

impl From<msg::Model> for FeedMessage {
    fn from(m: msg::Model) -> Self {
        Self {
            feed_message_uri: m.feed_message_uri,
            creator: m.creator,
            content: m.content,
            created: m.created,
        }
    }
}

pub struct Feeds<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) visibility: CatalogVisibility,
}

impl Feeds<'_> {
    /// The item's thread, if the actor may find the item.
    pub async fn get(&self, actor: &Actor, target_type: &str, uri: &str) -> Result<Feed> {
        let target = FeedTarget::parse(target_type)?;
        let datasets = Datasets { db: self.db, aws: &None, visibility: self.visibility };
        match target {
            FeedTarget::Dataset => datasets.get(actor, uri).await.map(|_| ())?,
            FeedTarget::Table => datasets.get_table(actor, uri).await.map(|_| ())?,
            FeedTarget::Folder => datasets.get_folder(actor, uri).await.map(|_| ())?,
        }
        Ok(Feed { target, target_uri: uri.to_owned() })
    }

    /// A page of the thread, newest first; `term` keeps messages that contain it.
    pub async fn messages(
        &self,
        feed: &Feed,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<FeedMessage>> {
        let mut query = msg::Entity::find()
            .filter(msg::Column::TargetType.eq(feed.target.as_str()))
            .filter(msg::Column::TargetUri.eq(&feed.target_uri));
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(msg::Entity, msg::Column::Content)]));
        }
        let query = query.order_by_desc(msg::Column::Created).order_by_desc(msg::Column::FeedMessageUri);
        Ok(page::fetch(self.db, query, page).await?.map(Into::into))
    }

    /// Posts to the item's thread as the actor.
    pub async fn post(
        &self,
        actor: &Actor,
        target_type: &str,
        uri: &str,
        content: Option<&str>,
    ) -> Result<FeedMessage> {
        let post = self.post_inner(actor, target_type, uri, content);
        audit::audited(self.db, actor, "postFeedMessage", (uri, target_type), post).await
    }

    async fn post_inner(
        &self,
        actor: &Actor,
        target_type: &str,
        uri: &str,
        content: Option<&str>,
    ) -> Result<FeedMessage> {
        let feed = self.get(actor, target_type, uri).await?;
        let content = content.map(str::trim).unwrap_or_default();
        if content.is_empty() {
            return Err(Error::validation("content", "write something to post"));
        }
        if content.chars().count() > MAX_MESSAGE {
            return Err(Error::validation("content", format!("must be at most {MAX_MESSAGE} characters")));
        }
        validate::printable("content", content, true)?;
        let txn = crate::db::write_txn(self.db).await?;
        let row = msg::ActiveModel {
            feed_message_uri: Set(new_uri()),
            target_type: Set(feed.target.as_str().to_owned()),
            target_uri: Set(uri.to_owned()),
            creator: Set(actor.username().to_owned()),
            creator_issuer: Set(actor.issuer().to_owned()),
            content: Set(content.to_owned()),
            created: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
        audit::record(&txn, actor, "postFeedMessage", uri, feed.target.as_str(), "posted").await?;
        txn.commit().await?;
        Ok(row.into())
    }
}

/// Removes the threads of a dataset that is being deleted, and of its tables and folders, in
/// its transaction.
pub(crate) async fn forget_dataset(db: &impl ConnectionTrait, dataset_uri: &str) -> Result<()> {
    let tables = Query::select()
        .column(tbl::Column::TableUri)
        .from(tbl::Entity)
        .and_where(tbl::Column::DatasetUri.eq(dataset_uri))
        .to_owned();
    let folders = Query::select()
        .column(loc::Column::LocationUri)
        .from(loc::Entity)
        .and_where(loc::Column::DatasetUri.eq(dataset_uri))
        .to_owned();
    msg::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(
                    msg::Column::TargetUri
                        .eq(dataset_uri)
                        .and(msg::Column::TargetType.eq(FeedTarget::Dataset.as_str())),
                )
                .add(
                    msg::Column::TargetUri
                        .in_subquery(tables)
                        .and(msg::Column::TargetType.eq(FeedTarget::Table.as_str())),
                )
                .add(
                    msg::Column::TargetUri
                        .in_subquery(folders)
                        .and(msg::Column::TargetType.eq(FeedTarget::Folder.as_str())),
                ),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Removes the thread of one table or folder that is being deleted.
pub(crate) async fn forget(db: &impl ConnectionTrait, target: FeedTarget, uri: &str) -> Result<()> {
    msg::Entity::delete_many()
        .filter(msg::Column::TargetType.eq(target.as_str()))
        .filter(msg::Column::TargetUri.eq(uri))
        .exec(db)
        .await?;
    Ok(())
}
