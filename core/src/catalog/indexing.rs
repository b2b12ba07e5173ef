//! Keeping the index in step with the database: index tasks (one per change, written in the
//! change's transaction), a full rebuild, and a reconciliation that repairs drift. Each reads
//! the database as it is when it runs, so running one twice, or late, leaves the same index.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;

use super::{
    documents::{Scope, dataset_documents, dataset_page},
    port::{CatalogDocument, SearchIndex},
};
use crate::{Error, Result};

/// Documents sent to the engine per write.
const BATCH: usize = 500;
/// Datasets read per database page in walks over the whole catalog.
const DATASETS_PER_PAGE: u64 = 100;

/// What one index task changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Indexed {
    pub indexed: Vec<String>,
    pub removed: Vec<String>,
    /// The dataset is gone: all its documents were removed.
    pub dataset_removed: bool,
}

fn bad_payload(why: &str) -> Error {
    Error::validation("payload", why.to_owned())
}

/// Applies one `catalog.index` task: `{kind: dataset|folder, uri}`, `{kind: tables, uris}` or
/// `{kind: dataset-entry}` (the dataset's own document only, after a vote), targeted at the
/// dataset. The dataset's own document is rewritten every time, since it lists
/// its tables and folders.
pub(crate) async fn apply_index_task(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    dataset_uri: &str,
    payload: &Value,
) -> Result<Indexed> {
    let kind = payload.get("kind").and_then(Value::as_str).ok_or_else(|| bad_payload("no kind"))?;
    let uri =
        || payload.get("uri").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| bad_payload("no uri"));
    let scope = match kind {
        "dataset" => Scope::Everything,
        "dataset-entry" => Scope::DatasetOnly,
        "folder" => Scope::Items { tables: vec![], folders: vec![uri()?] },
        "tables" => {
            let uris: Vec<String> = payload
                .get("uris")
                .and_then(|u| serde_json::from_value(u.clone()).ok())
                .ok_or_else(|| bad_payload("no uris"))?;
            Scope::Items { tables: uris, folders: vec![] }
        }
        other => return Err(bad_payload(&format!("unknown kind {other:?}"))),
    };
    // Older tasks name their dataset in `uri`; the target is the dataset for every kind.
    let dataset_uri = if kind == "dataset" { uri()? } else { dataset_uri.to_owned() };
    let Some(built) = dataset_documents(db, &dataset_uri, &scope).await? else {
        index.delete_dataset(&dataset_uri).await?;
        return Ok(Indexed { dataset_removed: true, ..Default::default() });
    };
    if !built.absent.is_empty() {
        index.delete(&built.absent).await?;
    }
    for batch in built.documents.chunks(BATCH) {
        index.upsert(batch).await?;
    }
    Ok(Indexed {
        indexed: built.documents.iter().map(|d| d.uri.clone()).collect(),
        removed: built.absent,
        dataset_removed: false,
    })
}

/// Walks every dataset's documents in URI order, a dataset at a time.
async fn for_each_dataset<F, Fut>(db: &impl ConnectionTrait, mut visit: F) -> Result<()>
where
    F: FnMut(Vec<CatalogDocument>) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut after: Option<String> = None;
    loop {
        let page = dataset_page(db, after.as_deref(), DATASETS_PER_PAGE).await?;
        let Some(last) = page.last().cloned() else { return Ok(()) };
        for uri in page {
            // Deleted since the page was read: its index task removes it.
            if let Some(built) = dataset_documents(db, &uri, &Scope::Everything).await? {
                visit(built.documents).await?;
            }
        }
        after = Some(last);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rebuilt {
    pub documents: u64,
}

/// Empties the index and fills it from the database. Searches see a partial catalog until it
/// returns; index tasks that run meanwhile write the same documents it would.
pub(crate) async fn rebuild(db: &impl ConnectionTrait, index: &dyn SearchIndex) -> Result<Rebuilt> {
    index.reset().await?;
    let mut pending: Vec<CatalogDocument> = vec![];
    let mut documents = 0u64;
    for_each_dataset(db, |docs| {
        documents += docs.len() as u64;
        pending.extend(docs);
        let ready = (pending.len() >= BATCH).then(|| std::mem::take(&mut pending));
        async move {
            if let Some(batch) = ready {
                index.upsert(&batch).await?;
            }
            Ok(())
        }
    })
    .await?;
    upsert_all(index, &pending).await?;
    tracing::info!(documents, engine = index.kind(), "catalog index rebuilt");
    Ok(Rebuilt { documents })
}

async fn upsert_all(index: &dyn SearchIndex, docs: &[CatalogDocument]) -> Result<()> {
    for batch in docs.chunks(BATCH) {
        index.upsert(batch).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciled {
    /// Documents the database has and the index had not.
    pub missing: Vec<String>,
    /// Documents the index held in an older state.
    pub stale: Vec<String>,
    /// Documents the index held of nothing the database has.
    pub orphaned: Vec<String>,
    /// Documents the database has, all told.
    pub documents: u64,
}

/// Compares the index with the database and repairs the difference: missing and stale
/// documents are written, orphaned ones removed.
pub(crate) async fn reconcile(db: &impl ConnectionTrait, index: &dyn SearchIndex) -> Result<Reconciled> {
    let mut held: HashMap<String, String> = index.inventory().await?.into_iter().collect();
    let mut report = Reconciled::default();
    let mut repair: Vec<CatalogDocument> = vec![];
    for_each_dataset(db, |docs| {
        for doc in docs {
            report.documents += 1;
            match held.remove(&doc.uri) {
                None => report.missing.push(doc.uri.clone()),
                Some(fingerprint) if fingerprint != doc.fingerprint() => report.stale.push(doc.uri.clone()),
                Some(_) => continue,
            }
            repair.push(doc);
        }
        let ready = (repair.len() >= BATCH).then(|| std::mem::take(&mut repair));
        async move {
            if let Some(batch) = ready {
                index.upsert(&batch).await?;
            }
            Ok(())
        }
    })
    .await?;
    upsert_all(index, &repair).await?;
    let mut orphaned: Vec<String> = held.into_keys().collect();
    orphaned.sort();
    for batch in orphaned.chunks(BATCH) {
        index.delete(batch).await?;
    }
    report.orphaned = orphaned;
    tracing::info!(
        missing = report.missing.len(),
        stale = report.stale.len(),
        orphaned = report.orphaned.len(),
        documents = report.documents,
        "catalog index reconciled"
    );
    Ok(report)
}
