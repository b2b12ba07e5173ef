//! The expiry check (`ecs-tasks expire-shares`, and the worker's hourly schedule): it warns the
//! teams of shares that expire soon, once per expiry date, and revokes what has expired through
//! the ordinary revoke task. Its writes are conditional, so replicas running it at once act once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use sluice_entities::{share_item as si, share_object as so};

use super::{
    RESOURCE_TYPE, Share,
    expiry::cancel_in,
    flow::{self, item_status, share_status},
    notices,
    state::{ItemAction, ItemStatus, ShareAction, ShareStatus},
};
use crate::{Actor, Error, Result, audit, notifications};

/// What one run of the expiry task did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExpiryRun {
    /// Shares whose expired items were queued for revoking.
    pub revoked: Vec<String>,
    /// Shares whose requesters (or approvers, with an extension pending) were warned.
    pub warned: Vec<String>,
    /// Expired shares left for the next run because they are being processed.
    pub busy: Vec<String>,
}

/// Shares with items that still hold grants, expiring before `before` (and after `after`).
fn holding_grants_between(after: Option<DateTime<Utc>>, before: DateTime<Utc>) -> Condition {
    let holding: Vec<&str> =
        ItemStatus::REVOKABLE.iter().chain(&[ItemStatus::PendingExtension]).map(|s| s.as_str()).collect();
    let with_grants = Query::select()
        .column(si::Column::ShareUri)
        .from(si::Entity)
        .and_where(si::Column::Status.is_in(holding))
        .to_owned();
    let mut due = Condition::all()
        .add(so::Column::ExpiryDate.is_not_null())
        .add(so::Column::ExpiryDate.lt(before))
        .add(so::Column::ShareUri.in_subquery(with_grants));
    if let Some(after) = after {
        due = due.add(so::Column::ExpiryDate.gte(after));
    }
    due
}

/// Shares whose requesters were not yet warned about their current expiry date.
fn not_warned() -> Condition {
    Condition::any()
        .add(so::Column::ExpiryWarnedFor.is_null())
        .add(Expr::col(so::Column::ExpiryWarnedFor).ne(Expr::col(so::Column::ExpiryDate)))
}

/// One batch of due shares, soonest first.
const BATCH: u64 = 200;

/// The expiry task: revokes what expired before `now`, and warns about what expires within
/// `warn_within`. Runs as the platform (`share.expire`); each revoke goes through the ordinary
/// revoke task, so it is idempotent and retried like any other.
pub(crate) async fn expire_due(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    warn_within: chrono::Duration,
) -> Result<ExpiryRun> {
    let mut run = ExpiryRun::default();
    let expired = so::Entity::find()
        .filter(holding_grants_between(None, now))
        .order_by_asc(so::Column::ExpiryDate)
        .limit(BATCH)
        .all(db)
        .await?;
    for row in expired {
        let share = Share::from_model(row)?;
        match revoke_expired(db, actor, &share).await {
            Ok(true) => run.revoked.push(share.share_uri),
            Ok(false) => run.busy.push(share.share_uri),
            // Another replica's check, or a user, moved it first: the next run sees where it is.
            Err(Error::Conflict(_) | Error::InvalidState(_)) => run.busy.push(share.share_uri),
            Err(err) => return Err(err),
        }
    }
    let expiring = so::Entity::find()
        .filter(holding_grants_between(Some(now), now + warn_within))
        .filter(not_warned())
        .order_by_asc(so::Column::ExpiryDate)
        .limit(BATCH)
        .all(db)
        .await?;
    for row in expiring {
        let share = Share::from_model(row)?;
        let Some(ends) = share.expiry.expiry_date else { continue };
        let dataset = crate::datasets::load_dataset(db, &share.dataset_uri).await?;
        let txn = crate::db::write_txn(db).await?;
        let marked = so::Entity::update_many()
            .col_expr(so::Column::ExpiryWarnedFor, Expr::value(ends))
            .filter(so::Column::ShareUri.eq(&share.share_uri))
            .filter(so::Column::ExpiryDate.eq(ends))
            .filter(not_warned())
            .exec(&txn)
            .await?;
        if marked.rows_affected == 1 {
            notifications::notify(&txn, notices::expiring(&share, &dataset, ends)).await?;
            txn.commit().await?;
            run.warned.push(share.share_uri);
        }
    }
    Ok(run)
}

/// Revokes an expired share's items; false when it is being processed (the next run retries).
async fn revoke_expired(db: &sea_orm::DatabaseConnection, actor: &Actor, share: &Share) -> Result<bool> {
    let mut status = share_status(share)?;
    if matches!(
        status,
        ShareStatus::Approved
            | ShareStatus::ShareInProgress
            | ShareStatus::Revoked
            | ShareStatus::RevokeInProgress
    ) {
        return Ok(false);
    }
    let dataset = crate::datasets::load_dataset(db, &share.dataset_uri).await?;
    let txn = crate::db::write_txn(db).await?;
    let mut items = flow::items_in_txn(&txn, &share.share_uri).await?;
    if status == ShareStatus::SubmittedForExtension {
        cancel_in(&txn, share, &items).await?;
        status = ShareStatus::Processed;
        items = flow::items_in_txn(&txn, &share.share_uri).await?;
    }
    let chosen: Vec<_> =
        items.into_iter().filter(|i| item_status(i).is_ok_and(ItemStatus::is_revokable)).collect();
    if chosen.is_empty() {
        txn.commit().await?;
        return Ok(true);
    }
    for item in &chosen {
        flow::move_item(&txn, item, ItemAction::RevokeItems).await?;
    }
    let current = Share { status: status.as_str().into(), ..share.clone() };
    flow::move_share(&txn, &current, ShareAction::RevokeItems).await?;
    let uris: Vec<String> = chosen.iter().map(|i| i.share_item_uri.clone()).collect();
    let task = flow::queue(&txn, share, flow::REVOKE_ACTION, &uris).await?;
    let names: Vec<&str> = chosen.iter().map(|i| i.item_name.as_str()).collect();
    let ends = share.expiry.expiry_date.map_or(String::new(), |d| d.format(" on %Y-%m-%d").to_string());
    let detail = format!("access expired{ends}: revoking {}; task {task}", names.join(", "));
    super::reads::log(&txn, &share.share_uri, &detail).await?;
    notifications::notify(&txn, notices::expired(share, &dataset, chosen.len())).await?;
    super::events::record(&txn, actor, crate::events::EventType::ShareExpired, share, &dataset).await?;
    audit::record(&txn, actor, "expireShare", &share.share_uri, RESOURCE_TYPE, &detail).await?;
    txn.commit().await?;
    Ok(true)
}
