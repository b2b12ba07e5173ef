//! Moving a share and its items through their state machines. Every write names the state it
//! expects, so of two racing decisions one wins and the other gets CONFLICT or INVALID_STATE,
//! never a mix of both. Approve and revoke queue their processing in the same transaction.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use serde_json::json;
use sluice_entities::{share_item as si, share_object as so};

use super::{
    RESOURCE_TYPE, Share, ShareItem, Shares,
    access::{DecideShare, DeleteShare, ReadShare, RevokeShare},
    events, expiry, model, notices,
    state::{self, ItemAction, ItemStatus, ShareAction, ShareStatus},
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, Grant, share as perm},
    datasets,
    error::ShareItemsAction,
    events::EventType,
    notifications,
    tasks::{NewTask, store},
};

pub const PROCESS_ACTION: &str = "share.process";
pub const REVOKE_ACTION: &str = "share.revoke";

pub(super) fn share_status(share: &Share) -> Result<ShareStatus> {
    ShareStatus::parse(&share.status).ok_or_else(|| {
        Error::Internal(format!("share {} has unknown status {}", share.share_uri, share.status).into())
    })
}

pub(super) fn item_status(item: &ShareItem) -> Result<ItemStatus> {
    ItemStatus::parse(&item.status).ok_or_else(|| {
        Error::Internal(
            format!("share item {} has unknown status {}", item.share_item_uri, item.status).into(),
        )
    })
}

/// Moves the share by `action`, on the condition that nobody moved it since it was read.
pub(crate) async fn move_share(
    db: &impl ConnectionTrait,
    share: &Share,
    action: ShareAction,
) -> Result<ShareStatus> {
    let from = share_status(share)?;
    let to = state::next_share(from, action)?;
    if to == from {
        return Ok(to);
    }
    let moved = so::Entity::update_many()
        .col_expr(so::Column::Status, Expr::value(to.as_str()))
        .col_expr(so::Column::Updated, Expr::value(chrono::Utc::now()))
        .filter(so::Column::ShareUri.eq(&share.share_uri))
        .filter(so::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        return Err(Error::Conflict(format!(
            "share {} changed while you acted on it; read it again",
            share.share_uri
        )));
    }
    Ok(to)
}

/// A decision (submit, approve, reject) must change the share: repeating one that was already
/// made would queue its work twice.
pub(super) async fn decide(
    db: &impl ConnectionTrait,
    share: &Share,
    action: ShareAction,
) -> Result<ShareStatus> {
    let from = share_status(share)?;
    if state::next_share(from, action)? == from {
        return Err(Error::InvalidState(format!("share {} is {} already", share.share_uri, from.as_str())));
    }
    move_share(db, share, action).await
}

/// Moves one item by `action`, on the same condition.
pub(crate) async fn move_item(
    db: &impl ConnectionTrait,
    item: &ShareItem,
    action: ItemAction,
) -> Result<ItemStatus> {
    let from = item_status(item)?;
    let to = state::next_item(from, action)?;
    if to == from {
        return Ok(to);
    }
    let moved = si::Entity::update_many()
        .col_expr(si::Column::Status, Expr::value(to.as_str()))
        .col_expr(si::Column::Updated, Expr::value(chrono::Utc::now()))
        .filter(si::Column::ShareItemUri.eq(&item.share_item_uri))
        .filter(si::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        return Err(Error::Conflict(format!(
            "item {} of share {} changed while you acted on it; read the share again",
            item.item_name, item.share_uri
        )));
    }
    Ok(to)
}

/// Moves every item `action` applies to; the others keep their state. Returns how many moved.
pub(super) async fn move_items(
    db: &impl ConnectionTrait,
    items: &[ShareItem],
    action: ItemAction,
) -> Result<usize> {
    let mut moved = 0;
    for item in items {
        if state::next_item(item_status(item)?, action).is_ok() {
            move_item(db, item, action).await?;
            moved += 1;
        }
    }
    Ok(moved)
}

pub(super) async fn queue(
    db: &impl ConnectionTrait,
    share: &Share,
    action: &str,
    item_uris: &[String],
) -> Result<String> {
    let task = store::enqueue(
        db,
        NewTask {
            action: action.into(),
            // Shares of one dataset are processed one at a time: their grants touch the same
            // database, and the queue orders a target's tasks.
            target_uri: share.dataset_uri.clone(),
            target_type: datasets::RESOURCE_TYPE.into(),
            payload: json!({"shareUri": share.share_uri, "itemUris": item_uris}),
        },
    )
    .await?;
    Ok(task.task_uri)
}

impl Shares<'_> {
    /// The share, if the actor may do `P` with it.
    pub(crate) async fn authorize<P: Grant<On = Share>>(
        &self,
        actor: &Actor,
        share_uri: &str,
    ) -> Result<Authorized<Share, P>> {
        authz::authorize::<P>(self.db, actor, share_uri).await
    }

    /// Draft (or Rejected) → Submitted, with the items waiting for approval. Needs
    /// SUBMIT_SHARE_OBJECT. With auto-approval on the dataset, the share is approved at once.
    pub async fn submit(&self, actor: &Actor, share_uri: &str) -> Result<Share> {
        let result = async {
            let share = self.authorize::<perm::SubmitShareObject>(actor, share_uri).await?;
            let items = self.items_of(share_uri).await?;
            // data.all wants PendingApproval items before a submit; a resubmitted rejection's
            // items become PendingApproval by the submit itself, so they count too.
            let waiting = |i: &ShareItem| {
                item_status(i)
                    .is_ok_and(|s| state::next_item(s, ItemAction::Submit) == Ok(ItemStatus::PendingApproval))
            };
            if !items.iter().any(waiting) {
                return Err(Error::ShareItems {
                    action: ShareItemsAction::Submit,
                    reason: format!("share {share_uri} has no items to submit; add a table or folder first"),
                });
            }
            let dataset = self.dataset(&share.dataset_uri).await?;
            expiry::check_period_set(&share, &dataset)?;
            let txn = crate::db::write_txn(self.db).await?;
            decide(&txn, &share, ShareAction::Submit).await?;
            move_items(&txn, &items, ItemAction::Submit).await?;
            let mut detail = "submitted".to_owned();
            if dataset.auto_approval_enabled {
                let submitted = Share { status: ShareStatus::Submitted.as_str().into(), ..(*share).clone() };
                let items = self.items_in(&txn, share_uri).await?;
                decide(&txn, &submitted, ShareAction::Approve).await?;
                move_items(&txn, &items, ItemAction::Approve).await?;
                expiry::on_approve(&txn, &share, &dataset).await?;
                let task = queue(&txn, &share, PROCESS_ACTION, &[]).await?;
                detail = format!("submitted and auto-approved; processing task {task}");
                notifications::notify(&txn, notices::approved(&share, &dataset, actor, true)).await?;
                events::record(&txn, actor, EventType::ShareRequested, &share, &dataset).await?;
                events::record(&txn, actor, EventType::ShareApproved, &share, &dataset).await?;
            } else {
                notifications::notify(&txn, notices::submitted(&share, &dataset, actor)).await?;
                events::record(&txn, actor, EventType::ShareRequested, &share, &dataset).await?;
            }
            self.log(&txn, share_uri, &format!("{} {detail}", actor.username())).await?;
            audit::record(&txn, actor, "submitShareObject", share_uri, RESOURCE_TYPE, &detail).await?;
            txn.commit().await?;
            self.load(share_uri).await
        }
        .await;
        audit::record_failure(self.db, actor, "submitShareObject", share_uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// Submitted → Approved, and the processing that makes the grants is queued. Needs
    /// APPROVE_SHARE_OBJECT on the dataset.
    pub async fn approve(&self, actor: &Actor, share_uri: &str) -> Result<Share> {
        let result = async {
            let share = self.authorize::<DecideShare>(actor, share_uri).await?;
            let items = self.items_of(share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            decide(&txn, &share, ShareAction::Approve).await?;
            move_items(&txn, &items, ItemAction::Approve).await?;
            expiry::on_approve(&txn, &share, &dataset).await?;
            let task = queue(&txn, &share, PROCESS_ACTION, &[]).await?;
            notifications::notify(&txn, notices::approved(&share, &dataset, actor, false)).await?;
            events::record(&txn, actor, EventType::ShareApproved, &share, &dataset).await?;
            self.log(&txn, share_uri, &format!("{} approved; processing task {task}", actor.username()))
                .await?;
            audit::record(
                &txn,
                actor,
                "approveShareObject",
                share_uri,
                RESOURCE_TYPE,
                &format!("task {task}"),
            )
            .await?;
            txn.commit().await?;
            self.load(share_uri).await
        }
        .await;
        audit::record_failure(self.db, actor, "approveShareObject", share_uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// Submitted → Rejected, with the reason. Needs APPROVE_SHARE_OBJECT on the dataset.
    pub async fn reject(&self, actor: &Actor, share_uri: &str, reason: Option<&str>) -> Result<Share> {
        let result = async {
            let share = self.authorize::<DecideShare>(actor, share_uri).await?;
            let reason = model::purpose("rejectPurpose", reason)?;
            if share_status(&share)? == ShareStatus::SubmittedForExtension {
                return self.reject_extension(&share, reason).await;
            }
            let items = self.items_of(share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            decide(&txn, &share, ShareAction::Reject).await?;
            move_items(&txn, &items, ItemAction::Reject).await?;
            notifications::notify(&txn, notices::rejected(&share, &dataset, actor, reason.as_deref()))
                .await?;
            events::record(&txn, actor, EventType::ShareRejected, &share, &dataset).await?;
            so::Entity::update_many()
                .col_expr(so::Column::RejectPurpose, Expr::value(reason.clone()))
                .filter(so::Column::ShareUri.eq(share_uri))
                .exec(&txn)
                .await?;
            self.log(
                &txn,
                share_uri,
                &format!("{} rejected: {}", actor.username(), reason.as_deref().unwrap_or("-")),
            )
            .await?;
            audit::record(&txn, actor, "rejectShareObject", share_uri, RESOURCE_TYPE, "rejected").await?;
            txn.commit().await?;
            self.load(share_uri).await
        }
        .await;
        audit::record_failure(self.db, actor, "rejectShareObject", share_uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// Marks shared items for revocation and queues the clean-up; they reach Revoke_Succeeded
    /// only once their grants are gone. Requesters (REVOKE_SHARE_ITEM) and approvers may.
    pub async fn revoke(&self, actor: &Actor, share_uri: &str, item_uris: &[String]) -> Result<Share> {
        let result = async {
            let share = self.authorize::<RevokeShare>(actor, share_uri).await?;
            if item_uris.is_empty() {
                return Err(Error::ShareItems {
                    action: ShareItemsAction::Revoke,
                    reason: "name the items to revoke".to_owned(),
                });
            }
            let items = self.items_of(share_uri).await?;
            let mut chosen = vec![];
            for uri in item_uris {
                let item = items.iter().find(|i| &i.item_uri == uri || &i.share_item_uri == uri).ok_or_else(
                    || Error::validation("itemUris", format!("{uri} is not an item of share {share_uri}")),
                )?;
                // data.all's machine lets a revoke repeat on an item already being revoked; a
                // repeat would queue a second clean-up of the same grants.
                if matches!(item_status(item)?, ItemStatus::RevokeApproved | ItemStatus::RevokeInProgress) {
                    return Err(Error::InvalidState(format!(
                        "item {} is {} already; its revoke task is running, follow the share's log",
                        item.item_name, item.status
                    )));
                }
                chosen.push(item.clone());
            }
            let txn = crate::db::write_txn(self.db).await?;
            for item in &chosen {
                move_item(&txn, item, ItemAction::RevokeItems).await?;
            }
            move_share(&txn, &share, ShareAction::RevokeItems).await?;
            let uris: Vec<String> = chosen.iter().map(|i| i.share_item_uri.clone()).collect();
            let task = queue(&txn, &share, REVOKE_ACTION, &uris).await?;
            let names: Vec<&str> = chosen.iter().map(|i| i.item_name.as_str()).collect();
            self.log(
                &txn,
                share_uri,
                &format!("{} revoked {}; task {task}", actor.username(), names.join(", ")),
            )
            .await?;
            audit::record(&txn, actor, "revokeItemsShareObject", share_uri, RESOURCE_TYPE, &names.join(", "))
                .await?;
            txn.commit().await?;
            self.load(share_uri).await
        }
        .await;
        audit::record_failure(self.db, actor, "revokeItemsShareObject", share_uri, RESOURCE_TYPE, &result)
            .await;
        result
    }

    /// Deletes a share that holds no grants. Requesters (DELETE_SHARE_OBJECT) and approvers may.
    pub async fn delete(&self, actor: &Actor, share_uri: &str) -> Result<bool> {
        let result = async {
            let share = self.authorize::<DeleteShare>(actor, share_uri).await?;
            let items = self.items_of(share_uri).await?;
            if let Some(held) = items.iter().find(|i| item_status(i).is_ok_and(|s| s.is_shared())) {
                return Err(Error::ShareItems {
                    action: ShareItemsAction::Delete,
                    reason: format!(
                        "item {} is {}; revoke the shared items before deleting the share",
                        held.item_name, held.status
                    ),
                });
            }
            let txn = crate::db::write_txn(self.db).await?;
            move_share(&txn, &share, ShareAction::Delete).await?;
            so::Entity::delete_many()
                .filter(so::Column::ShareUri.eq(share_uri))
                .filter(so::Column::Status.ne(ShareStatus::ShareInProgress.as_str()))
                .filter(so::Column::Status.ne(ShareStatus::RevokeInProgress.as_str()))
                .exec(&txn)
                .await?;
            super::item_filters::forget_share(&txn, share_uri).await?;
            authz::policies::detach(&txn, &share.group_uri, share_uri).await?;
            audit::record(&txn, actor, "deleteShareObject", share_uri, RESOURCE_TYPE, "deleted").await?;
            txn.commit().await?;
            Ok(true)
        }
        .await;
        audit::record_failure(self.db, actor, "deleteShareObject", share_uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// The requester's purpose; needs SUBMIT_SHARE_OBJECT.
    pub async fn update_request_purpose(
        &self,
        actor: &Actor,
        share_uri: &str,
        purpose: Option<&str>,
    ) -> Result<bool> {
        let update = async {
            let share = self.authorize::<perm::SubmitShareObject>(actor, share_uri).await?;
            let purpose = model::purpose("requestPurpose", purpose)?;
            self.set_text(&share, so::Column::RequestPurpose, purpose, "updateShareRequestReason").await
        };
        audit::audited(self.db, actor, "updateShareRequestReason", (share_uri, RESOURCE_TYPE), update).await
    }

    /// The approver's reason for rejecting; needs APPROVE_SHARE_OBJECT on the dataset.
    pub async fn update_reject_purpose(
        &self,
        actor: &Actor,
        share_uri: &str,
        purpose: Option<&str>,
    ) -> Result<bool> {
        let update = async {
            let share = self.authorize::<DecideShare>(actor, share_uri).await?;
            let purpose = model::purpose("rejectPurpose", purpose)?;
            self.set_text(&share, so::Column::RejectPurpose, purpose, "updateShareRejectReason").await
        };
        audit::audited(self.db, actor, "updateShareRejectReason", (share_uri, RESOURCE_TYPE), update).await
    }

    pub(super) async fn set_text<P>(
        &self,
        share: &Authorized<Share, P>,
        column: so::Column,
        value: Option<String>,
        action: &str,
    ) -> Result<bool> {
        let (share_uri, actor) = (share.share_uri.as_str(), share.actor());
        let txn = crate::db::write_txn(self.db).await?;
        so::Entity::update_many()
            .col_expr(column, Expr::value(value))
            .col_expr(so::Column::Updated, Expr::value(chrono::Utc::now()))
            .filter(so::Column::ShareUri.eq(share_uri))
            .exec(&txn)
            .await?;
        audit::record(&txn, actor, action, share_uri, RESOURCE_TYPE, "updated").await?;
        txn.commit().await?;
        Ok(true)
    }
}

/// The share's items, read in `db` (a transaction, when the caller writes after).
pub(super) async fn items_in_txn(db: &impl ConnectionTrait, share_uri: &str) -> Result<Vec<ShareItem>> {
    Ok(si::Entity::find()
        .filter(si::Column::ShareUri.eq(share_uri))
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The dataset's shares that hold (or are making) grants; its deletion waits for them. Called in
/// the deleting transaction: on Postgres the share rows stay locked until it ends, so a share
/// that starts processing (its first write is to its share row) either waits and then finds the
/// share gone, or commits first and is seen here. SQLite's write transactions run one at a time.
pub(crate) async fn active_shares(db: &impl ConnectionTrait, dataset_uri: &str) -> Result<Vec<String>> {
    let mut shares = so::Entity::find().filter(so::Column::DatasetUri.eq(dataset_uri));
    if db.get_database_backend() == DatabaseBackend::Postgres {
        shares = shares.lock_exclusive();
    }
    let uris: Vec<String> = shares.all(db).await?.into_iter().map(|s| s.share_uri).collect();
    if uris.is_empty() {
        return Ok(vec![]);
    }
    let items = si::Entity::find().filter(si::Column::ShareUri.is_in(uris)).all(db).await?;
    let active: std::collections::BTreeSet<String> = items
        .into_iter()
        .filter(|i| ItemStatus::parse(&i.status).is_some_and(ItemStatus::holds_its_item))
        .map(|i| i.share_uri)
        .collect();
    Ok(active.into_iter().collect())
}

/// Shares whose grants on one table or folder are in place or on their way. Removing the item
/// from Sluice then would leave grants in AWS that no share could revoke any more.
pub(crate) async fn shares_holding_item(db: &impl ConnectionTrait, item_uri: &str) -> Result<Vec<String>> {
    let mut items = si::Entity::find().filter(si::Column::ItemUri.eq(item_uri));
    if db.get_database_backend() == DatabaseBackend::Postgres {
        items = items.lock_exclusive();
    }
    let holding: std::collections::BTreeSet<String> = items
        .all(db)
        .await?
        .into_iter()
        .filter(|i| ItemStatus::parse(&i.status).is_some_and(ItemStatus::holds_its_item))
        .map(|i| i.share_uri)
        .collect();
    Ok(holding.into_iter().collect())
}

/// Refuses to remove a table or folder that a share holds.
pub(crate) async fn refuse_if_held(
    db: &impl ConnectionTrait,
    noun: &str,
    name: &str,
    item_uri: &str,
) -> Result<()> {
    let holding = shares_holding_item(db, item_uri).await?;
    if holding.is_empty() {
        return Ok(());
    }
    Err(Error::InvalidState(format!(
        "{noun} {name} is shared by {} share(s) ({}); revoke it in those shares first, then delete it",
        holding.len(),
        holding.join(", ")
    )))
}

impl Shares<'_> {
    pub(crate) async fn items_in(
        &self,
        db: &impl ConnectionTrait,
        share_uri: &str,
    ) -> Result<Vec<ShareItem>> {
        items_in_txn(db, share_uri).await
    }

    pub(crate) async fn items_of(&self, share_uri: &str) -> Result<Vec<ShareItem>> {
        self.items_in(self.db, share_uri).await
    }

    pub(crate) async fn log(&self, db: &impl ConnectionTrait, share_uri: &str, message: &str) -> Result<()> {
        super::reads::log(db, share_uri, message).await
    }
}

pub const VERIFY_ACTION: &str = "share.verify";
pub const REAPPLY_ACTION: &str = "share.reapply";

impl Shares<'_> {
    /// Queues a comparison of the items' grants in Lake Formation with what the share says;
    /// their health shows the result. Requesters and approvers may.
    pub async fn verify(&self, actor: &Actor, share_uri: &str, item_uris: &[String]) -> Result<Share> {
        let verify = async {
            let share = self.authorize::<ReadShare>(actor, share_uri).await?;
            self.queue_health(&share, item_uris, VERIFY_ACTION, "PendingVerify", "verifyItemsShareObject")
                .await
        };
        audit::audited(self.db, actor, "verifyItemsShareObject", (share_uri, RESOURCE_TYPE), verify).await
    }

    /// Queues the repair of unhealthy items: missing grants are made again. Only approvers may;
    /// revoked items are never brought back.
    pub async fn reapply(&self, actor: &Actor, share_uri: &str, item_uris: &[String]) -> Result<Share> {
        let reapply = async {
            let share = self.authorize::<DecideShare>(actor, share_uri).await?;
            self.queue_health(&share, item_uris, REAPPLY_ACTION, "PendingReApply", "reApplyItemsShareObject")
                .await
        };
        audit::audited(self.db, actor, "reApplyItemsShareObject", (share_uri, RESOURCE_TYPE), reapply).await
    }

    async fn queue_health<P>(
        &self,
        share: &Authorized<Share, P>,
        item_uris: &[String],
        action: &str,
        pending: &str,
        audit_action: &str,
    ) -> Result<Share> {
        let items = self.items_of(&share.share_uri).await?;
        let chosen: Vec<&ShareItem> = items
            .iter()
            .filter(|i| {
                item_uris.is_empty()
                    || item_uris.contains(&i.item_uri)
                    || item_uris.contains(&i.share_item_uri)
            })
            .filter(|i| item_status(i).is_ok_and(ItemStatus::is_granted))
            .collect();
        if chosen.is_empty() {
            return Err(Error::InvalidState(format!(
                "share {} has no shared items to check among those named; only Share_Succeeded and PendingExtension items have grants to verify",
                share.share_uri
            )));
        }
        let uris: Vec<String> = chosen.iter().map(|i| i.share_item_uri.clone()).collect();
        let txn = crate::db::write_txn(self.db).await?;
        si::Entity::update_many()
            .col_expr(si::Column::HealthStatus, Expr::value(pending))
            .filter(si::Column::ShareItemUri.is_in(uris.clone()))
            .exec(&txn)
            .await?;
        let task = queue(&txn, share, action, &uris).await?;
        audit::record(
            &txn,
            share.actor(),
            audit_action,
            &share.share_uri,
            RESOURCE_TYPE,
            &format!("task {task}"),
        )
        .await?;
        txn.commit().await?;
        self.load(&share.share_uri).await
    }
}

/// Queues a verification of every share with shared items, for the periodic
/// `ecs-tasks verify-shares`; the platform acts, not a user. Returns how many were queued.
pub(crate) async fn queue_verify_all(db: &sea_orm::DatabaseConnection) -> Result<usize> {
    let shared =
        si::Entity::find().filter(si::Column::Status.is_in(ItemStatus::granted_spellings())).all(db).await?;
    let mut share_uris: Vec<String> = shared.into_iter().map(|i| i.share_uri).collect();
    share_uris.sort();
    share_uris.dedup();
    for uri in &share_uris {
        let Some(row) = so::Entity::find_by_id(uri.clone()).one(db).await? else { continue };
        let share = Share::from_model(row)?;
        let txn = crate::db::write_txn(db).await?;
        queue(&txn, &share, VERIFY_ACTION, &[]).await?;
        txn.commit().await?;
    }
    Ok(share_uris.len())
}
