//! `catalog.index` and `catalog.reindex`: the search index follows the database. An index task
//! reads the database as it is when it runs, so a redelivered or late task writes the current
//! state, and a deleted dataset's task removes its documents whenever it runs.

use serde_json::json;
use sluice_core::{catalog, datasets, tasks::Task};

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub const ACTION: &str = datasets::INDEX_ACTION;
pub const REINDEX_ACTION: &str = catalog::REINDEX_ACTION;

fn chain(e: sluice_core::Error) -> anyhow::Error {
    anyhow::anyhow!("{}", e.chain())
}

pub struct Index;

#[async_trait::async_trait]
impl TaskHandler for Index {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let indexed = ctx
            .core
            .system("catalog.index")
            .apply_index_task(ctx.search.as_ref(), &task.target_uri, &task.payload)
            .await
            .map_err(chain)?;
        Ok(Outcome::Done(json!(indexed)))
    }
}

/// Rebuilds the whole index in-process, next to the index tasks; the lease heartbeat keeps a
/// long rebuild alive.
pub struct Reindex;

#[async_trait::async_trait]
impl TaskHandler for Reindex {
    async fn handle(&self, ctx: &HandlerContext, _task: &Task) -> anyhow::Result<Outcome> {
        let rebuilt =
            ctx.core.system("catalog.reindex").rebuild_index(ctx.search.as_ref()).await.map_err(chain)?;
        Ok(Outcome::Done(json!(rebuilt)))
    }
}

/// `glossary.reindex-term`: a renamed term's datasets are reindexed a page at a time; each
/// page queues the next.
pub struct ReindexTerm;

pub const REINDEX_TERM_ACTION: &str = sluice_core::glossaries::REINDEX_TERM_ACTION;

#[async_trait::async_trait]
impl TaskHandler for ReindexTerm {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let page = ctx
            .core
            .system("glossary.reindex-term")
            .reindex_term_page(&task.target_uri, &task.payload)
            .await
            .map_err(chain)?;
        Ok(Outcome::Done(json!(page)))
    }
}
