//! Resources' labels by URI, for lists that name what each row is about (a task's target, a
//! glossary link's): one query per kind of resource on the page, never one per row. Callers
//! pass only URIs the reader may already see; a label is no secret from someone who may read
//! its resource.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Result;

/// `(uri, label)` of each of `uris` that exists, read from `key` and `label` of `E`.
pub(crate) async fn labels<E: EntityTrait>(
    db: &impl ConnectionTrait,
    uris: Vec<String>,
    key: E::Column,
    label: E::Column,
) -> Result<Vec<(String, String)>> {
    if uris.is_empty() {
        return Ok(vec![]);
    }
    Ok(E::find().select_only().columns([key, label]).filter(key.is_in(uris)).into_tuple().all(db).await?)
}
