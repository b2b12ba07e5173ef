//! A renamed term's new label reaches the catalog documents of what it is linked to: a task
//! per page of datasets, each queuing those datasets' index tasks and the next page, so no
//! transaction grows with the number of links, and a restart resumes where it stopped.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::{Value, json};
use sluice_entities::glossary_term_link as link;

use crate::{
    Result,
    datasets::queue_index,
    tasks::{NewTask, store, targets},
};

/// `{after}`: queue the index tasks of the next page of a term's datasets.
pub const REINDEX_TERM_ACTION: &str = "glossary.reindex-term";
/// Datasets per task.
pub(crate) const DATASETS_PER_PAGE: u64 = 100;

/// What one page did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReindexPage {
    pub queued: u64,
    /// The last dataset of this page, where the next task starts; none on the last page.
    pub next_after: Option<String>,
}

/// Queues the first (or a next) page, in the caller's transaction. Platform admins see these
/// tasks, as they see catalog rebuilds.
pub(super) async fn queue(db: &impl ConnectionTrait, term_uri: &str, after: Option<&str>) -> Result<()> {
    store::enqueue(
        db,
        NewTask {
            action: REINDEX_TERM_ACTION.into(),
            target_uri: term_uri.into(),
            target_type: targets::PLATFORM.into(),
            payload: json!({ "after": after }),
        },
    )
    .await?;
    Ok(())
}

/// Runs one page: queues index tasks for the next datasets after `payload.after` with an
/// approved link to the term, and the task for the page after, in one transaction.
pub(crate) async fn reindex_term_page(
    db: &sea_orm::DatabaseConnection,
    term_uri: &str,
    payload: &Value,
) -> Result<ReindexPage> {
    let after = payload.get("after").and_then(Value::as_str).unwrap_or_default().to_owned();
    let txn = crate::db::write_txn(db).await?;
    let datasets: Vec<String> = link::Entity::find()
        .select_only()
        .column(link::Column::DatasetUri)
        .distinct()
        .filter(link::Column::TermUri.eq(term_uri))
        .filter(link::Column::ApprovedByOwner.eq(true))
        .filter(link::Column::DatasetUri.gt(after))
        .order_by_asc(link::Column::DatasetUri)
        .limit(DATASETS_PER_PAGE)
        .into_tuple()
        .all(&txn)
        .await?;
    for dataset in &datasets {
        queue_index(&txn, dataset, false).await?;
    }
    let full = datasets.len() as u64 == DATASETS_PER_PAGE;
    let next_after = datasets.last().filter(|_| full).cloned();
    if let Some(next) = &next_after {
        queue(&txn, term_uri, Some(next)).await?;
    }
    txn.commit().await?;
    Ok(ReindexPage { queued: datasets.len() as u64, next_after })
}
