//! `ecs-tasks reconcile-catalog` and `reindex-catalog`: the search index against the database,
//! for a schedule (reconcile) or an operator (reindex). They open the index the same way the
//! API and the worker do (`SLUICE_OPENSEARCH_URL`, else the Tantivy folder).

use anyhow::Context;
use serde_json::{Value, json};
use sluice_core::system::System;
use sluice_core::{catalog, env::Env};

use crate::OrChain;

async fn open() -> anyhow::Result<std::sync::Arc<dyn catalog::SearchIndex>> {
    let settings =
        sluice_search::SearchSettings::from_env(&Env::process()).context("invalid configuration")?;
    sluice_search::open(&settings).await.or_chain().context("opening the search index")
}

/// Missing and stale documents are written, orphaned ones removed; the response lists them.
pub async fn reconcile(system: &System<'_>) -> anyhow::Result<Result<Value, String>> {
    let index = open().await?;
    let report = system.reconcile_index(index.as_ref()).await.or_chain()?;
    Ok(Ok(json!(report)))
}

pub async fn reindex(system: &System<'_>) -> anyhow::Result<Result<Value, String>> {
    let index = open().await?;
    let rebuilt = system.rebuild_index(index.as_ref()).await.or_chain()?;
    Ok(Ok(json!(rebuilt)))
}
