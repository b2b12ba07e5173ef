//! Events' retention (`SLUICE_EVENT_RETENTION_DAYS`): the delivery log and the events behind it
//! are kept for a while, to look into and redeliver, then deleted by the worker, a batch per
//! statement (`crate::db::delete_in_batches`, as the audit trail's retention).
//!
//! Nothing still owed to anyone goes:
//! - a delivery goes once it is finished (delivered or dead) and untouched since the cutoff;
//!   a pending one stays however old it is, or its retries would lose their event;
//! - an event goes once it was fanned out, is older than the cutoff, and has no delivery left;
//! - with an event bus configured, an event goes only once the relay has put it on the bus.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use sluice_entities::{event, event_delivery as d};

use super::DeliveryStatus;
use crate::Result;

/// Deletes finished deliveries and then events older than `cutoff`, `batch` rows per
/// statement; returns (deliveries, events) deleted. `relayed` is the last event sequence put
/// on the event bus, when there is one: later events stay for the relay.
pub(crate) async fn prune(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    batch: u64,
    relayed: Option<i64>,
) -> Result<(u64, u64)> {
    let deliveries = crate::db::delete_in_batches(batch, move |batch| async move {
        let keys: Vec<String> = d::Entity::find()
            .select_only()
            .column(d::Column::DeliveryUri)
            .filter(d::Column::Status.ne(DeliveryStatus::Pending.as_str()))
            .filter(d::Column::Updated.lt(cutoff))
            .order_by_asc(d::Column::Updated)
            .limit(batch)
            .into_tuple()
            .all(db)
            .await?;
        let found = keys.len() as u64;
        if found == 0 {
            return Ok((0, 0));
        }
        let deleted = d::Entity::delete_many()
            .filter(d::Column::DeliveryUri.is_in(keys))
            .filter(d::Column::Status.ne(DeliveryStatus::Pending.as_str()))
            .exec(db)
            .await?
            .rows_affected;
        Ok((found, deleted))
    })
    .await?;
    let events = crate::db::delete_in_batches(batch, move |batch| async move {
        let delivery = Alias::new("delivery");
        let owed = Query::select()
            .expr(Expr::val(1))
            .from_as(d::Entity, delivery.clone())
            .and_where(Expr::col((delivery, d::Column::EventSeq)).equals((event::Entity, event::Column::Seq)))
            .to_owned();
        let mut query = event::Entity::find()
            .select_only()
            .column(event::Column::Seq)
            .filter(event::Column::FannedOut.eq(true))
            .filter(event::Column::Created.lt(cutoff))
            .filter(Condition::all().add(Expr::exists(owed).not()));
        if let Some(relayed) = relayed {
            query = query.filter(event::Column::Seq.lte(relayed));
        }
        let seqs: Vec<i64> = query.order_by_asc(event::Column::Seq).limit(batch).into_tuple().all(db).await?;
        let found = seqs.len() as u64;
        if found == 0 {
            return Ok((0, 0));
        }
        // A fan-out cannot add deliveries to these (they are fanned out), so nothing is owed
        // between the look and the delete.
        let deleted =
            event::Entity::delete_many().filter(event::Column::Seq.is_in(seqs)).exec(db).await?.rows_affected;
        Ok((found, deleted))
    })
    .await?;
    Ok((deliveries, events))
}
