//! data.all's `startGlueCrawler` types.

use async_graphql::{ID, InputObject, SimpleObject};
use sluice_core::datasets::QueuedCrawl;

/// What to crawl: the dataset's whole bucket, or `prefix` (a folder) under it.
#[derive(InputObject, Default)]
pub struct CrawlerInput {
    pub prefix: Option<String>,
}

/// The dataset's Glue crawler, as `startGlueCrawler` answers.
#[derive(SimpleObject)]
pub struct GlueCrawler {
    /// The crawler's name (`<resourcePrefix>-<datasetUri>-crawler`).
    #[graphql(name = "Name")]
    name: Option<ID>,
    /// `PENDING`: Sluice starts the crawler from a task, so this is the start's state, not the
    /// last crawl's (data.all's value); the task's response says how the start went.
    status: Option<String>,
    /// Sluice only: the task that makes and starts the crawler; follow it with `getTask`.
    task_uri: String,
    /// Sluice only: the S3 path the crawler reads.
    location: String,
}

impl From<QueuedCrawl> for GlueCrawler {
    fn from(q: QueuedCrawl) -> Self {
        Self {
            name: Some(ID(q.name)),
            status: Some(q.status.to_owned()),
            task_uri: q.task_uri,
            location: q.location,
        }
    }
}
