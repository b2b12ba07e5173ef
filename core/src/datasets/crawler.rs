//! data.all's `startGlueCrawler`: a Glue crawler on the dataset's S3 location (or a prefix under
//! it) that writes the tables it finds to the dataset's Glue database, running as the dataset's
//! admin role.
//!
//! Starting is a task (`dataset.start-crawler`), as data.all's own `glue.crawler.start` is: the
//! API process may hold no AWS credentials, and the worker that runs the task makes the crawler
//! through the account's pivot role the first time (so created and imported datasets alike get
//! one, whenever their stack was deployed), points it at the location asked for, and starts it.
//! The dataset remembers the crawler's name once it exists (`Dataset.GlueCrawlerName`).

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use sluice_entities::{dataset as ds, environment as env};

use super::{Dataset, Datasets, RESOURCE_TYPE, load_dataset};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, dataset as perm, tenant_grants},
    environments::{self, PivotRole},
    tasks::{NewTask, store},
};

/// The task that makes (or re-points) the crawler and starts it.
pub const CRAWL_ACTION: &str = "dataset.start-crawler";

/// What `startGlueCrawler` answers while the start waits in the queue: the task's status.
pub const QUEUED: &str = "PENDING";

/// S3's limit on a key's length, in bytes; a prefix can't be longer.
const MAX_PREFIX_BYTES: usize = 1024;

/// A dataset's crawler: `<resourcePrefix>-<datasetUri>-crawler`. The label is left out (unlike
/// data.all's name) so renaming the dataset never orphans its crawler; the resource prefix comes
/// first because the pivot role may only touch crawlers named with it.
pub fn crawler_name(resource_prefix: &str, dataset_uri: &str) -> String {
    format!("{resource_prefix}-{dataset_uri}-crawler")
}

/// The prefix to crawl, as `a/b/` (empty for the whole bucket), checked so the crawler can only
/// ever read the dataset's own bucket: no `.`/`..` or empty segments, no backslashes, control
/// characters or URLs. Leading and trailing slashes are dropped, as data.all's path join does.
pub fn crawl_prefix(prefix: Option<&str>) -> Result<String> {
    let value = prefix.map(str::trim).unwrap_or_default().trim_matches('/');
    if value.is_empty() {
        return Ok(String::new());
    }
    let refuse = |why: &str| {
        Err(Error::validation(
            "prefix",
            format!("{value:?} {why}; name a folder inside the dataset's bucket"),
        ))
    };
    if value.contains("://") {
        return refuse("is a URL, not a path");
    }
    if value.chars().any(|c| c.is_control() || c == '\\') {
        return refuse("holds a backslash or a control character");
    }
    if value.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return refuse("holds an empty, . or .. segment");
    }
    if value.len() >= MAX_PREFIX_BYTES {
        return refuse("is longer than an S3 key may be");
    }
    Ok(format!("{value}/"))
}

/// The S3 path a crawl of `prefix` (from [`crawl_prefix`]) reads.
pub fn crawl_location(bucket: &str, prefix: &str) -> String {
    format!("s3://{bucket}/{prefix}")
}

/// What `startGlueCrawler` answers: data.all's `GlueCrawler`, plus the task to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCrawl {
    pub name: String,
    /// [`QUEUED`]: the crawler is started by the task, not by the request.
    pub status: &'static str,
    pub task_uri: String,
    /// The S3 path the crawler will read.
    pub location: String,
}

impl Datasets<'_> {
    /// Queues the start of the dataset's Glue crawler on its bucket, or on `prefix` under it.
    /// Needs MANAGE_DATASETS and CRAWL_DATASET (its admin team's), as in data.all.
    pub async fn start_crawler(&self, actor: &Actor, uri: &str, prefix: Option<&str>) -> Result<QueuedCrawl> {
        let target = (uri, RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "startGlueCrawler",
            target,
            self.start_crawler_inner(actor, uri, prefix),
        )
        .await
    }

    async fn start_crawler_inner(
        &self,
        actor: &Actor,
        uri: &str,
        prefix: Option<&str>,
    ) -> Result<QueuedCrawl> {
        authz::authorize_tenant::<tenant_grants::ManageDatasets>(self.db, actor).await?;
        let dataset = authz::authorize::<perm::CrawlDataset>(self.db, actor, uri).await?;
        // Input rules after the check, so a refusal never says what a rule would have.
        let prefix = crawl_prefix(prefix)?;
        let environment = environment_of(self.db, &dataset).await?;
        let name = name_of(&dataset, &environment);
        let location = crawl_location(&dataset.bucket_name, &prefix);
        let txn = crate::db::write_txn(self.db).await?;
        let task = store::enqueue(
            &txn,
            NewTask {
                action: CRAWL_ACTION.into(),
                target_uri: uri.into(),
                target_type: RESOURCE_TYPE.into(),
                payload: json!({"datasetUri": uri, "prefix": prefix}),
            },
        )
        .await?;
        audit::record(
            &txn,
            dataset.actor(),
            "startGlueCrawler",
            uri,
            RESOURCE_TYPE,
            &format!("crawler {name} on {location}: task {}", task.task_uri),
        )
        .await?;
        txn.commit().await?;
        Ok(QueuedCrawl { name, status: QUEUED, task_uri: task.task_uri, location })
    }
}

/// The crawler's name: the one the dataset remembers, or the one its first start makes.
fn name_of(dataset: &Dataset, environment: &env::Model) -> String {
    dataset
        .glue_crawler_name
        .clone()
        .unwrap_or_else(|| crawler_name(&environment.resource_prefix, &dataset.dataset_uri))
}

async fn environment_of(db: &DatabaseConnection, dataset: &Dataset) -> Result<env::Model> {
    env::Entity::find_by_id(dataset.environment_uri.clone()).one(db).await?.ok_or_else(|| Error::NotFound {
        kind: environments::RESOURCE_TYPE,
        uri: dataset.environment_uri.clone(),
    })
}

/// What the crawl task needs, read when it runs.
#[derive(Debug, Clone)]
pub struct CrawlInputs {
    pub pivot: PivotRole,
    pub crawler_name: String,
    /// The role the crawler runs as: the dataset's admin role.
    pub role_arn: String,
    pub glue_database_name: String,
    /// The S3 path to crawl, `s3://<bucket>/<prefix>`.
    pub location: String,
    pub description: String,
}

/// `None` when the dataset is gone. `prefix` is the task's, checked again.
pub(crate) async fn crawl_inputs(
    db: &DatabaseConnection,
    dataset_uri: &str,
    prefix: Option<&str>,
) -> Result<Option<CrawlInputs>> {
    let dataset = match load_dataset(db, dataset_uri).await {
        Ok(d) => d,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let prefix = crawl_prefix(prefix)?;
    let environment = environment_of(db, &dataset).await?;
    let pivot = environments::platform::pivot_of(db, &environment).await?;
    Ok(Some(CrawlInputs {
        crawler_name: name_of(&dataset, &environment),
        role_arn: format!("arn:aws:iam::{}:role/{}", environment.aws_account_id, dataset.admin_role_name),
        location: crawl_location(&dataset.bucket_name, &prefix),
        description: format!("Sluice dataset {} ({})", dataset.label, dataset.dataset_uri),
        glue_database_name: dataset.glue_database_name,
        pivot,
    }))
}

/// Remembers that the dataset's crawler exists. The first name stays: a later one (there is
/// none while names are derived as they are) never replaces it.
pub(crate) async fn record_crawler(db: &DatabaseConnection, dataset_uri: &str, name: &str) -> Result<()> {
    ds::Entity::update_many()
        .col_expr(ds::Column::GlueCrawlerName, Expr::value(name))
        .filter(ds::Column::DatasetUri.eq(dataset_uri))
        .filter(ds::Column::GlueCrawlerName.is_null())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_a_folder_of_the_bucket() {
        assert_eq!(crawl_prefix(None).expect("ok"), "");
        assert_eq!(crawl_prefix(Some(" / ")).expect("ok"), "");
        assert_eq!(crawl_prefix(Some("raw/2026")).expect("ok"), "raw/2026/");
        assert_eq!(crawl_prefix(Some("/raw/2026/")).expect("ok"), "raw/2026/");
        assert_eq!(crawl_location("b", "raw/"), "s3://b/raw/");
        assert_eq!(crawl_location("b", ""), "s3://b/");
    }

    #[test]
    fn a_prefix_that_leaves_the_bucket_is_refused() {
        for bad in ["..", "a/../b", "s3://other/x", "a//b", "a\\b", "a\nb"] {
            assert!(
                matches!(crawl_prefix(Some(bad)), Err(Error::Validation { .. })),
                "{bad:?} must be refused"
            );
        }
        assert!(crawl_prefix(Some(&"x".repeat(2000))).is_err());
    }

    #[test]
    fn a_crawler_is_named_with_the_resource_prefix() {
        assert_eq!(crawler_name("dl", "ab12cd34"), "dl-ab12cd34-crawler");
    }
}
