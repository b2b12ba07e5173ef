//! `dataset.start-crawler` (data.all's `startGlueCrawler`): makes the dataset's Glue crawler
//! through the pivot role the first time, points it at the location asked for, and starts it.
//! Every step is safe to repeat: a retry finds the crawler made and the crawl running.

use anyhow::Context;
use serde_json::json;
use sluice_cloud::{
    CrawlerSpec, GlueCrawlers, assume_pivot,
    crawlers::{Ensured, Started},
};
use sluice_core::tasks::Task;

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub struct StartCrawler;

#[async_trait::async_trait]
impl TaskHandler for StartCrawler {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let uri = super::payload(task, "datasetUri")?;
        let prefix = task.payload.get("prefix").and_then(|v| v.as_str());
        let system = ctx.core.system(sluice_core::datasets::CRAWL_ACTION);
        let found = system.crawl_inputs(uri, prefix).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        let Some(inputs) = found else {
            return Ok(Outcome::Done(json!({"status": "SKIPPED", "reason": "the dataset is gone"})));
        };
        let session = assume_pivot(&ctx.aws().await, &inputs.pivot)
            .await
            .context("assuming the dataset account's pivot role")?;
        let crawlers = GlueCrawlers::new(&session);
        let spec = CrawlerSpec {
            name: inputs.crawler_name.clone(),
            role_arn: inputs.role_arn.clone(),
            database_name: inputs.glue_database_name.clone(),
            location: inputs.location.clone(),
            description: inputs.description.clone(),
        };
        let ensured = crawlers.ensure(&spec).await.with_context(|| {
            format!(
                "making the Glue crawler {}; check the pivot role may create it and pass {} to Glue",
                spec.name, spec.role_arn
            )
        })?;
        system.record_crawler(uri, &spec.name).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        let started = crawlers.start(&spec.name).await.with_context(|| format!("starting {}", spec.name))?;
        Ok(Outcome::Done(json!({
            "crawler": spec.name,
            "location": spec.location,
            "roleArn": spec.role_arn,
            "glueDatabase": spec.database_name,
            "crawlerWas": match ensured {
                Ensured::Created => "CREATED",
                Ensured::Updated => "UPDATED",
                Ensured::Unchanged => "UNCHANGED",
            },
            "status": match started {
                Started::Started => "STARTED",
                Started::AlreadyRunning => "ALREADY_RUNNING",
            },
        })))
    }
}
