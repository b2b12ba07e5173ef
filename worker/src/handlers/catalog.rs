//! `catalog.index`: until the search index exists (the search issue), the handler builds the
//! document it would index and records it as the task's response, so every change's document
//! can be inspected with getTask and the indexer can start from the same function.

use anyhow::Context;
use serde_json::json;
use sluice_core::{datasets, tasks::Task};

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub const ACTION: &str = datasets::INDEX_ACTION;

pub struct Index;

/// A batch of tables, as one sync page changed them.
async fn tables(ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
    let uris: Vec<String> = task
        .payload
        .get("uris")
        .and_then(|u| serde_json::from_value(u.clone()).ok())
        .context("no uris in the payload")?;
    let documents = datasets::tables::catalog_documents(&ctx.db, &uris)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let (mut indexed, mut removed) = (vec![], vec![]);
    for (uri, document) in documents {
        match document {
            Some(document) => indexed.push(document),
            None => removed.push(json!({"kind": "table", "uri": uri})),
        }
    }
    Ok(Outcome::Done(json!({"indexed": indexed, "removed": removed})))
}

#[async_trait::async_trait]
impl TaskHandler for Index {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let kind = task.payload.get("kind").and_then(|k| k.as_str()).context("no kind in the payload")?;
        if kind == "tables" {
            return tables(ctx, task).await;
        }
        let uri = task.payload.get("uri").and_then(|k| k.as_str()).context("no uri in the payload")?;
        let document = match kind {
            "dataset" => datasets::catalog_document(&ctx.db, uri)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.chain()))?,
            "folder" => {
                datasets::folder_document(&ctx.db, uri).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?
            }
            other => anyhow::bail!("no catalog documents of kind {other} yet"),
        };
        // Index tasks of one resource run in order, so the newest state always wins.
        Ok(Outcome::Done(match document {
            Some(document) => json!({"indexed": document}),
            None => json!({"removed": {"kind": kind, "uri": uri}}),
        }))
    }
}
