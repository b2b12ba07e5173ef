//! Pruning the trail: with `SLUICE_AUDIT_RETENTION_DAYS` set, the worker deletes rows older
//! than that, a batch per statement so no transaction grows with the backlog and writers are
//! never held up for long. Only the platform does this (`System::prune_activity`); nothing in
//! the API updates or deletes a row.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sluice_entities::activity;

use crate::Result;

/// Rows deleted per statement.
pub const PRUNE_BATCH: u64 = 1000;

/// Deletes the rows created before `cutoff`, oldest first, `batch` at a time; returns how many.
pub(crate) async fn prune(db: &impl ConnectionTrait, cutoff: DateTime<Utc>, batch: u64) -> Result<u64> {
    crate::db::delete_in_batches(batch, move |batch| async move {
        let keys: Vec<String> = activity::Entity::find()
            .select_only()
            .column(activity::Column::ActivityUri)
            .filter(activity::Column::Created.lt(cutoff))
            .order_by_asc(activity::Column::Created)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        let found = keys.len() as u64;
        if found == 0 {
            return Ok((0, 0));
        }
        let deleted = activity::Entity::delete_many()
            .filter(activity::Column::ActivityUri.is_in(keys))
            .exec(db)
            .await?
            .rows_affected;
        Ok((found, deleted))
    })
    .await
}
