//! `ecs-tasks sync-tables`: reads a dataset's Glue database through the pivot role, a page at
//! a time, and applies each page in its own transaction, reporting progress on the task as it
//! goes. A sync that stops half-way keeps what it applied; running it again finishes the job.

use serde_json::{Value, json};
use sluice_cloud::GlueCatalog;
use sluice_core::system::System;

use crate::{OrChain, stack::session};

/// How many tables a dataset keeps at most, by default; `SLUICE_MAX_TABLES_PER_DATASET`.
pub const DEFAULT_CAP: u64 = 10_000;
/// Tables asked of Glue a page; Glue's own maximum.
const PAGE_SIZE: i32 = sluice_cloud::catalog::MAX_PAGE_SIZE;

/// Ok(Err(reason)) is a sync that ran and could not finish.
pub async fn sync(
    system: &System<'_>,
    dataset_uri: &str,
    task_uri: Option<&str>,
    cap: u64,
) -> anyhow::Result<Result<Value, String>> {
    let mut sync = system.start_table_sync(dataset_uri, cap).await.or_chain()?;
    let database = sync.dataset().glue_database_name.clone();
    let glue = GlueCatalog::new(&session(sync.pivot()).await?);
    let mut token = None;
    loop {
        let (tables, next) = match glue.tables(&database, token, PAGE_SIZE).await {
            Ok(page) => page,
            Err(e) => {
                return Ok(Err(format!(
                    "{e}; the tables read before are kept. Check that Glue database {database} exists and the \
                     pivot role may read it, then run syncTables again"
                )));
            }
        };
        sync.apply_page(tables).await.or_chain()?;
        if let Some(task) = task_uri {
            system.task_progress(task, &sync.progress()).await.or_chain()?;
        }
        token = next;
        if token.is_none() {
            break;
        }
        if !sync.wants_more() {
            sync.stop_at_cap();
            break;
        }
    }
    let summary = sync.finish().await.or_chain()?;
    let mut response = json!(summary);
    if summary.truncated {
        response["warning"] = json!(format!(
            "Glue database {database} holds more than {cap} tables; the first {cap} were synced and none were \
             marked deleted. Raise SLUICE_MAX_TABLES_PER_DATASET, or split the database"
        ));
    }
    tracing::info!(dataset = dataset_uri, ?summary, "tables synced");
    Ok(Ok(response))
}
