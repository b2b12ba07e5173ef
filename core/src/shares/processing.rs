//! The bookkeeping of share processing, for the worker that makes the grants: starting (items
//! move to in-progress, conditionally), recording each item's outcome, and finishing (the share's
//! state follows from its items'). A run that died half-way is simply run again: items still in
//! progress are picked up, and every AWS step is idempotent.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use sluice_entities::{dataset_location as loc, dataset_table as tbl, share_item as si, share_object as so};

use super::{
    ItemType, Share, ShareItem,
    flow::{move_item, move_share},
    notices,
    reads::log,
    state::{self, ItemAction, ItemStatus, ShareAction, ShareStatus},
};
use crate::{Error, Result, datasets::Dataset, environments::PivotRole, events::EventType, notifications};

/// Whether the run grants (an approval) or takes grants back (a revoke).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Share,
    Revoke,
}

/// One account of a share: where its catalog is and how to get in.
#[derive(Debug, Clone)]
pub struct Side {
    pub account_id: String,
    pub region: String,
    pub pivot: PivotRole,
}

/// An item being processed, with the Glue table or the S3 prefix it names; neither when the
/// table or folder has left the dataset.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub item: ShareItem,
    pub glue_table: Option<String>,
    pub s3_prefix: Option<String>,
    /// A table item's attached filters, in order; none shares the whole table.
    pub filters: Vec<crate::datasets::tables::TableDataFilter>,
}

impl WorkItem {
    pub fn is_folder(&self) -> bool {
        self.item.item_type == ItemType::StorageLocation.as_str()
    }

    /// The dataset's whole bucket.
    pub fn is_bucket(&self) -> bool {
        self.item.item_type == ItemType::S3Bucket.as_str()
    }

    /// Shared through the share's S3 access point: a folder or the bucket.
    pub fn is_s3(&self) -> bool {
        self.is_folder() || self.is_bucket()
    }
}

/// An item with what it names in Glue or S3.
/// Pairs items with their Glue table names or S3 prefixes: two queries for any number of items.
pub(crate) async fn work_items(
    db: &impl sea_orm::ConnectionTrait,
    items: Vec<ShareItem>,
) -> Result<Vec<WorkItem>> {
    let is_table = |i: &ShareItem| i.item_type == ItemType::Table.as_str();
    let table_uris: Vec<String> = items.iter().filter(|i| is_table(i)).map(|i| i.item_uri.clone()).collect();
    let is_folder = |i: &ShareItem| i.item_type == ItemType::StorageLocation.as_str();
    let folder_uris: Vec<String> =
        items.iter().filter(|i| is_folder(i)).map(|i| i.item_uri.clone()).collect();
    let tables: HashMap<String, String> = if table_uris.is_empty() {
        HashMap::new()
    } else {
        tbl::Entity::find()
            .filter(tbl::Column::TableUri.is_in(table_uris))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.table_uri, t.name))
            .collect()
    };
    let folders: HashMap<String, String> = if folder_uris.is_empty() {
        HashMap::new()
    } else {
        loc::Entity::find()
            .filter(loc::Column::LocationUri.is_in(folder_uris))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.location_uri, l.s3_prefix))
            .collect()
    };
    let attached: Vec<String> = items.iter().filter_map(|i| i.attached_data_filter_uri.clone()).collect();
    let filters = super::item_filters::filters_of(db, &attached).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let filters = match &item.attached_data_filter_uri {
                Some(uri) => filters.iter().filter(|(a, _)| a == uri).map(|(_, f)| f.clone()).collect(),
                None => vec![],
            };
            let (glue_table, s3_prefix) = if is_table(&item) {
                (tables.get(&item.item_uri).cloned(), None)
            } else if is_folder(&item) {
                (None, folders.get(&item.item_uri).cloned())
            } else {
                (None, None)
            };
            WorkItem { item, glue_table, s3_prefix, filters }
        })
        .collect())
}

/// Everything the worker needs for one run.
#[derive(Debug, Clone)]
pub struct Work {
    pub share: Share,
    pub dataset: Dataset,
    /// The dataset's account.
    pub source: Side,
    /// The share's target environment's account.
    pub target: Side,
    pub items: Vec<WorkItem>,
    pub mode: Mode,
}

impl Work {
    pub fn cross_account(&self) -> bool {
        self.source.account_id != self.target.account_id || self.source.region != self.target.region
    }

    /// The database in the target account that holds the resource links.
    pub fn shared_database(&self) -> String {
        format!("{}_shared", self.dataset.glue_database_name)
    }
}

pub(crate) async fn side(db: &DatabaseConnection, environment_uri: &str) -> Result<Side> {
    let (environment, pivot) = crate::environments::platform::with_pivot(db, environment_uri).await?;
    Ok(Side { pivot, account_id: environment.aws_account_id, region: environment.region })
}

/// The share's dataset, and the accounts of its dataset (source) and its environment (target).
pub(super) async fn accounts(db: &DatabaseConnection, share: &Share) -> Result<(Dataset, Side, Side)> {
    let dataset =
        crate::datasets::Datasets { db, aws: &None, visibility: crate::catalog::CatalogVisibility::Open }
            .load(&share.dataset_uri)
            .await?;
    let source = side(db, &dataset.environment_uri).await?;
    let target = side(db, &share.environment_uri).await?;
    Ok((dataset, source, target))
}

/// Starts (or resumes) a run: the share moves to in-progress and so do its approved items (for a
/// revoke, only those named, or all Revoke_Approved ones). None when there is nothing to do: the
/// share is gone, or another run finished it.
pub(crate) async fn begin(
    db: &DatabaseConnection,
    share_uri: &str,
    mode: Mode,
    item_uris: &[String],
) -> Result<Option<Work>> {
    let Some(row) = so::Entity::find_by_id(share_uri.to_owned()).one(db).await? else { return Ok(None) };
    let share = Share::from_model(row)?;
    let status = ShareStatus::parse(&share.status);
    let startable = match mode {
        Mode::Share => matches!(status, Some(ShareStatus::Approved | ShareStatus::ShareInProgress)),
        Mode::Revoke => matches!(status, Some(ShareStatus::Revoked | ShareStatus::RevokeInProgress)),
    };
    if !startable {
        return Ok(None);
    }
    let (dataset, source, target) = accounts(db, &share).await?;

    let started = move_share(db, &share, ShareAction::Start).await?;
    let (waiting, running) = match mode {
        Mode::Share => (ItemStatus::ShareApproved, ItemStatus::ShareInProgress),
        Mode::Revoke => (ItemStatus::RevokeApproved, ItemStatus::RevokeInProgress),
    };
    let rows = si::Entity::find().filter(si::Column::ShareUri.eq(share_uri)).all(db).await?;
    let mut items = vec![];
    for row in rows {
        let item = ShareItem::from(row);
        let chosen = item_uris.is_empty() || item_uris.contains(&item.share_item_uri);
        let current = ItemStatus::parse(&item.status);
        if !chosen || (current != Some(waiting) && current != Some(running)) {
            continue;
        }
        move_item(db, &item, ItemAction::Start).await?;
        items.push(ShareItem { status: running.as_str().into(), ..item });
    }
    let items = work_items(db, items).await?;
    let verb = if mode == Mode::Share { "sharing" } else { "revoking" };
    log(db, share_uri, &format!("{verb} {} item(s) started", items.len())).await?;
    let share = Share { status: started.as_str().into(), ..share };
    Ok(Some(Work { share, dataset, source, target, items, mode }))
}

/// Records one item's outcome: Succeeded only when everything it needed is done, Failed with the
/// AWS error otherwise (the others carry on).
pub(crate) async fn item_done(
    db: &DatabaseConnection,
    item: &ShareItem,
    outcome: std::result::Result<(), String>,
) -> Result<()> {
    let (action, health, message) = match &outcome {
        Ok(()) => (ItemAction::Success, "Healthy", None),
        Err(e) => (ItemAction::Failure, "Unhealthy", Some(e.clone())),
    };
    move_item(db, item, action).await?;
    si::Entity::update_many()
        .col_expr(si::Column::HealthStatus, Expr::value(health))
        .col_expr(si::Column::HealthMessage, Expr::value(message.clone()))
        .col_expr(si::Column::LastVerificationTime, Expr::value(chrono::Utc::now()))
        .filter(si::Column::ShareItemUri.eq(&item.share_item_uri))
        .exec(db)
        .await?;
    let line = match message {
        None => format!("{}: done", item.item_name),
        Some(e) => format!("{}: failed: {e}", item.item_name),
    };
    log(db, &item.share_uri, &line).await
}

/// Ends the run: the share's state follows from its items'. `actor` is the system actor of the
/// task, which the run's event names.
pub(crate) async fn finish(
    db: &DatabaseConnection,
    actor: &crate::Actor,
    share_uri: &str,
) -> Result<ShareStatus> {
    let Some(row) = so::Entity::find_by_id(share_uri.to_owned()).one(db).await? else {
        return Err(Error::NotFound { kind: super::RESOURCE_TYPE, uri: share_uri.to_owned() });
    };
    let share = Share::from_model(row)?;
    let items: Vec<ItemStatus> = si::Entity::find()
        .filter(si::Column::ShareUri.eq(share_uri))
        .all(db)
        .await?
        .iter()
        .filter_map(|i| ItemStatus::parse(&i.status))
        .collect();
    let current = ShareStatus::parse(&share.status)
        .ok_or_else(|| Error::Internal(format!("share {share_uri} is {}", share.status).into()))?;
    let revoking = current == ShareStatus::RevokeInProgress;
    let (done, failed) = if revoking {
        (ItemStatus::RevokeSucceeded, ItemStatus::RevokeFailed)
    } else {
        (ItemStatus::ShareSucceeded, ItemStatus::ShareFailed)
    };
    let count = |wanted: ItemStatus| items.iter().filter(|s| **s == wanted).count();
    let (dataset, _, _) = accounts(db, &share).await?;
    let txn = crate::db::write_txn(db).await?;
    let to = move_share(&txn, &share, state::finish_action(current, &items)).await?;
    log(&txn, share_uri, &format!("finished: the share is {}", to.as_str())).await?;
    if matches!(current, ShareStatus::ShareInProgress | ShareStatus::RevokeInProgress) {
        let notice = notices::finished(&share, &dataset, revoking, count(done), count(failed));
        notifications::notify(&txn, notice).await?;
        let kind = match (count(failed) > 0, revoking) {
            (true, _) => EventType::ShareFailed,
            (false, true) => EventType::ShareRevoked,
            (false, false) => EventType::ShareSucceeded,
        };
        super::events::record(&txn, actor, kind, &share, &dataset).await?;
    }
    txn.commit().await?;
    Ok(to)
}

/// A line in the share's processing log.
pub(crate) async fn note(db: &DatabaseConnection, share_uri: &str, message: &str) -> Result<()> {
    log(db, share_uri, message).await
}

/// How many of the share's tables hold grants now: the database grants go with the last.
pub(crate) async fn shared_tables(db: &DatabaseConnection, share_uri: &str) -> Result<usize> {
    let items = si::Entity::find()
        .filter(si::Column::ShareUri.eq(share_uri))
        .filter(si::Column::ItemType.eq(ItemType::Table.as_str()))
        .all(db)
        .await?;
    Ok(items.iter().filter(|i| ItemStatus::parse(&i.status).is_some_and(|s| s.is_shared())).count())
}

/// The share's items in `Share_Succeeded` (all, or those named), for verifying or reapplying
/// grants without moving any state: a revoked item is never among them, so reapplying cannot
/// bring one back. None when the share is gone.
pub(crate) async fn shared(
    db: &DatabaseConnection,
    share_uri: &str,
    item_uris: &[String],
) -> Result<Option<Work>> {
    let Some(row) = so::Entity::find_by_id(share_uri.to_owned()).one(db).await? else { return Ok(None) };
    let share = Share::from_model(row)?;
    let (dataset, source, target) = accounts(db, &share).await?;
    let mut items = vec![];
    for row in si::Entity::find().filter(si::Column::ShareUri.eq(share_uri)).all(db).await? {
        let item = ShareItem::from(row);
        let chosen = item_uris.is_empty()
            || item_uris.contains(&item.share_item_uri)
            || item_uris.contains(&item.item_uri);
        if !chosen || !ItemStatus::parse(&item.status).is_some_and(ItemStatus::is_granted) {
            continue;
        }
        items.push(item);
    }
    let items = work_items(db, items).await?;
    Ok(Some(Work { share, dataset, source, target, items, mode: Mode::Share }))
}

/// Records what a verification (or a reapply) found, without touching the item's state.
pub(crate) async fn set_health(
    db: &DatabaseConnection,
    item: &ShareItem,
    problem: Option<String>,
) -> Result<()> {
    si::Entity::update_many()
        .col_expr(
            si::Column::HealthStatus,
            Expr::value(if problem.is_none() { "Healthy" } else { "Unhealthy" }),
        )
        .col_expr(si::Column::HealthMessage, Expr::value(problem))
        .col_expr(si::Column::LastVerificationTime, Expr::value(chrono::Utc::now()))
        .filter(si::Column::ShareItemUri.eq(&item.share_item_uri))
        .exec(db)
        .await?;
    Ok(())
}

/// What of the dataset's bucket a share holds (or is getting) through its access point once a
/// run is done: the items being shared or shared, and those approved for revoke but not yet
/// revoked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptS3 {
    /// The kept folders' prefixes.
    pub prefixes: Vec<String>,
    /// Whether the share keeps the whole bucket (an S3Bucket item).
    pub whole_bucket: bool,
}

/// See [`KeptS3`].
pub(crate) async fn s3_kept(db: &DatabaseConnection, share_uri: &str) -> Result<KeptS3> {
    let kept = [
        ItemStatus::ShareInProgress,
        ItemStatus::ShareSucceeded,
        ItemStatus::PendingExtension,
        ItemStatus::RevokeApproved,
    ];
    let items: Vec<ShareItem> = si::Entity::find()
        .filter(si::Column::ShareUri.eq(share_uri))
        .filter(si::Column::ItemType.is_in([ItemType::StorageLocation.as_str(), ItemType::S3Bucket.as_str()]))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| ItemStatus::parse(&row.status).is_some_and(|s| kept.contains(&s)))
        .map(ShareItem::from)
        .collect();
    let whole_bucket = items.iter().any(|i| i.item_type == ItemType::S3Bucket.as_str());
    let prefixes = work_items(db, items).await?.into_iter().filter_map(|w| w.s3_prefix).collect();
    Ok(KeptS3 { prefixes, whole_bucket })
}
