//! Access that expires unless extended (data.all's share expiration). A dataset sets the rule
//! ([`ShareExpiry`]); a request asks for a period within it (or not to expire); the approval fixes
//! the expiry date, counted from the day of approval; before that date the requesters may ask for
//! an extension, which the approvers decide on. The expiry check (`expiry_check`) warns ahead of
//! the date and, once it passes, revokes through the ordinary revoke path.
//!
//! Where Sluice departs from data.all, on purpose:
//! - a pending extension does not hold access past its expiry date: the expiry task cancels it and
//!   revokes, since otherwise an extension nobody decides on would keep access forever;
//! - changing the period of a pending extension never changes the current expiry date: only an
//!   approval does;
//! - a dataset that stops expiring makes its shares stop expiring too.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, Query},
};
use sluice_entities::{share_item as si, share_object as so};

use super::{
    RESOURCE_TYPE, Share, Shares,
    access::{DecideShare, SetShareExpiry},
    flow::{decide, item_status, move_items, share_status},
    model, notices,
    state::{self, ItemAction, ItemStatus, ShareAction, ShareStatus},
};
use crate::{
    Actor, Error, Result, audit,
    authz::{Authorized, share as perm},
    datasets::{Dataset, expiry::ShareExpiry},
    notifications,
};

/// What a new request asks for.
pub(super) struct Requested {
    pub period: Option<i32>,
    pub date: Option<DateTime<Utc>>,
    pub non_expirable: bool,
}

/// A new request's period, checked against the dataset's rule. Leaving it out is allowed while
/// the request is a draft; submitting needs it ([`check_period_set`]).
pub(super) fn requested(dataset: &Dataset, period: Option<i32>, non_expirable: bool) -> Result<Requested> {
    let none = Requested { period: None, date: None, non_expirable: false };
    match dataset.expiry {
        None => Ok(none),
        Some(_) if non_expirable => Ok(Requested { non_expirable: true, ..none }),
        Some(_) if period.is_none() => Ok(none),
        Some(rule) => {
            let period = rule.check("shareExpirationPeriod", period)?;
            Ok(Requested {
                period: Some(period),
                date: Some(rule.ends(period, Utc::now().date_naive())),
                non_expirable: false,
            })
        }
    }
}

/// A request on an expiring dataset names its period (or asks not to expire) before it is
/// submitted or approved; a share that already has its expiry date keeps it.
pub(super) fn check_period_set(share: &Share, dataset: &Dataset) -> Result<()> {
    let Some(rule) = dataset.expiry else { return Ok(()) };
    if share.expiry.expiry_date.is_some() || share.expiry.non_expirable {
        return Ok(());
    }
    rule.check("shareExpirationPeriod", share.expiry.share_expiration_period).map(|_| ()).map_err(|err| {
        Error::validation(
            "shareExpirationPeriod",
            format!(
                "dataset {} needs a period for its shares: set it with updateShareExpirationPeriod; {err}",
                dataset.label
            ),
        )
    })
}

/// The expiry date an approval fixes: counted from today, kept when the share has one already
/// (items added to a processed share expire with it).
pub(super) async fn on_approve(db: &impl ConnectionTrait, share: &Share, dataset: &Dataset) -> Result<()> {
    check_period_set(share, dataset)?;
    let expiry = match (dataset.expiry, share.expiry.expiry_date, share.expiry.non_expirable) {
        (Some(rule), None, false) => {
            let period = rule.check("shareExpirationPeriod", share.expiry.share_expiration_period)?;
            Some(rule.ends(period, Utc::now().date_naive()))
        }
        (_, kept, _) => kept,
    };
    so::Entity::update_many()
        .col_expr(so::Column::ExpiryDate, Expr::value(expiry))
        .col_expr(so::Column::RequestedExpiryDate, Expr::value(None::<DateTime<Utc>>))
        .filter(so::Column::ShareUri.eq(&share.share_uri))
        .exec(db)
        .await?;
    Ok(())
}

fn rule_of(dataset: &Dataset) -> Result<ShareExpiry> {
    dataset.expiry.ok_or_else(|| {
        Error::InvalidState(format!(
            "dataset {}'s shares don't expire, so there is no period to set or extend",
            dataset.label
        ))
    })
}

/// Deciding on or withdrawing an extension needs one pending; saying so beats "already Processed".
fn require_pending(share: &Share) -> Result<()> {
    let status = share_status(share)?;
    if status == ShareStatus::SubmittedForExtension {
        return Ok(());
    }
    Err(Error::InvalidState(format!(
        "share {} is {status}: no extension is pending; the requesters ask for one with submitShareExtension",
        share.share_uri
    )))
}

/// Whether a share keeps `non_expirable` once a pending extension is gone: only if it never had
/// an expiry date (data.all's rule).
fn keeps_non_expirable(share: &Share) -> bool {
    share.expiry.non_expirable && share.expiry.expiry_date.is_none()
}

impl Shares<'_> {
    /// The requesters ask to keep their access: for `period` more periods of the dataset's unit,
    /// or with `non_expirable`, for good. Needs SUBMIT_SHARE_OBJECT. The shared items wait in
    /// PendingExtension, with their grants in place, until the approvers decide; on a dataset
    /// that approves automatically, the extension is approved at once.
    pub async fn submit_extension(
        &self,
        actor: &Actor,
        share_uri: &str,
        period: Option<i32>,
        reason: Option<&str>,
        non_expirable: bool,
    ) -> Result<Share> {
        let submit = async {
            let share = self.authorize::<perm::SubmitShareObject>(actor, share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let rule = rule_of(&dataset)?;
            let period = if non_expirable { None } else { Some(rule.check("expiration", period)?) };
            let reason = model::purpose("extensionReason", reason)?;
            let items = self.items_of(share_uri).await?;
            let states = items.iter().map(item_status).collect::<Result<Vec<_>>>()?;
            if !states.contains(&ItemStatus::ShareSucceeded) {
                return Err(Error::InvalidState(format!(
                    "share {share_uri} has no shared items; an extension keeps access that was granted"
                )));
            }
            state::plan(share_status(&share)?, &states, ShareAction::Extension)?;
            let requested = period.map(|p| rule.ends(p, Utc::now().date_naive()));
            let txn = crate::db::write_txn(self.db).await?;
            decide(&txn, &share, ShareAction::Extension).await?;
            move_items(&txn, &items, ItemAction::Extension).await?;
            so::Entity::update_many()
                .col_expr(so::Column::RequestedExpiryDate, Expr::value(requested))
                .col_expr(so::Column::ShareExpirationPeriod, Expr::value(period))
                .col_expr(so::Column::NonExpirable, Expr::value(non_expirable))
                .col_expr(so::Column::ExtensionReason, Expr::value(reason))
                .col_expr(so::Column::SubmittedForExtension, Expr::value(true))
                .filter(so::Column::ShareUri.eq(share_uri))
                .exec(&txn)
                .await?;
            let pending = self.load_in(&txn, share_uri).await?;
            notifications::notify(&txn, notices::extension_submitted(&pending, &dataset, actor)).await?;
            let mut detail = match requested {
                Some(until) => format!("asked for an extension until {}", until.format("%Y-%m-%d")),
                None => "asked for access that doesn't expire".to_owned(),
            };
            if dataset.auto_approval_enabled {
                self.approve_extension_in(&txn, actor, &pending, &dataset, rule).await?;
                detail.push_str("; approved automatically");
            }
            self.log(&txn, share_uri, &format!("{} {detail}", actor.username())).await?;
            audit::record(&txn, actor, "submitShareExtension", share_uri, RESOURCE_TYPE, &detail).await?;
            txn.commit().await?;
            self.load(share_uri).await
        };
        audit::audited(self.db, actor, "submitShareExtension", (share_uri, RESOURCE_TYPE), submit).await
    }

    /// The approvers grant the extension: the new expiry date counts from today. The grants are
    /// already in place, so nothing is queued.
    pub async fn approve_extension(&self, actor: &Actor, share_uri: &str) -> Result<Share> {
        let approve = async {
            let share = self.authorize::<DecideShare>(actor, share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let rule = rule_of(&dataset)?;
            let txn = crate::db::write_txn(self.db).await?;
            let until = self.approve_extension_in(&txn, actor, &share, &dataset, rule).await?;
            let detail = until.map_or("extension approved; access no longer expires".to_owned(), |d| {
                format!("extension approved until {}", d.format("%Y-%m-%d"))
            });
            self.log(&txn, share_uri, &format!("{} {detail}", actor.username())).await?;
            audit::record(&txn, actor, "approveShareExtension", share_uri, RESOURCE_TYPE, &detail).await?;
            txn.commit().await?;
            self.load(share_uri).await
        };
        audit::audited(self.db, actor, "approveShareExtension", (share_uri, RESOURCE_TYPE), approve).await
    }

    /// Approves a pending extension in `db`'s transaction; returns the new expiry date.
    async fn approve_extension_in(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        share: &Share,
        dataset: &Dataset,
        rule: ShareExpiry,
    ) -> Result<Option<DateTime<Utc>>> {
        require_pending(share)?;
        let items = self.items_in(db, &share.share_uri).await?;
        decide(db, share, ShareAction::ExtensionApprove).await?;
        move_items(db, &items, ItemAction::ExtensionApprove).await?;
        let until = match (share.expiry.non_expirable, share.expiry.share_expiration_period) {
            (false, Some(period)) => Some(rule.ends(period, Utc::now().date_naive())),
            _ => None,
        };
        so::Entity::update_many()
            .col_expr(so::Column::ExpiryDate, Expr::value(until))
            .col_expr(so::Column::NonExpirable, Expr::value(until.is_none()))
            .col_expr(so::Column::RequestedExpiryDate, Expr::value(None::<DateTime<Utc>>))
            .col_expr(so::Column::SubmittedForExtension, Expr::value(false))
            .col_expr(so::Column::RejectPurpose, Expr::value(None::<String>))
            .col_expr(so::Column::LastExtensionDate, Expr::value(Utc::now()))
            .filter(so::Column::ShareUri.eq(&share.share_uri))
            .exec(db)
            .await?;
        let extended = self.load_in(db, &share.share_uri).await?;
        notifications::notify(db, notices::extended(&extended, dataset, actor)).await?;
        Ok(until)
    }

    /// `rejectShareObject` on a share with an extension pending: access ends at the expiry date as
    /// before. Called with the approvers' proof.
    pub(super) async fn reject_extension(
        &self,
        share: &Authorized<Share, DecideShare>,
        reason: Option<String>,
    ) -> Result<Share> {
        let (actor, share_uri) = (share.actor(), share.share_uri.as_str());
        let dataset = self.dataset(&share.dataset_uri).await?;
        let items = self.items_of(share_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        decide(&txn, share, ShareAction::ExtensionReject).await?;
        move_items(&txn, &items, ItemAction::ExtensionReject).await?;
        so::Entity::update_many()
            .col_expr(so::Column::RejectPurpose, Expr::value(reason.clone()))
            .col_expr(so::Column::SubmittedForExtension, Expr::value(false))
            .col_expr(so::Column::RequestedExpiryDate, Expr::value(None::<DateTime<Utc>>))
            .col_expr(so::Column::NonExpirable, Expr::value(keeps_non_expirable(share)))
            .filter(so::Column::ShareUri.eq(share_uri))
            .exec(&txn)
            .await?;
        notifications::notify(&txn, notices::extension_rejected(share, &dataset, actor, reason.as_deref()))
            .await?;
        let detail = format!("extension rejected: {}", reason.as_deref().unwrap_or("-"));
        self.log(&txn, share_uri, &format!("{} {detail}", actor.username())).await?;
        audit::record(&txn, actor, "rejectShareObject", share_uri, RESOURCE_TYPE, &detail).await?;
        txn.commit().await?;
        self.load(share_uri).await
    }

    /// The requesters withdraw their extension request. Needs SUBMIT_SHARE_OBJECT.
    pub async fn cancel_extension(&self, actor: &Actor, share_uri: &str) -> Result<bool> {
        let cancel = async {
            let share = self.authorize::<perm::SubmitShareObject>(actor, share_uri).await?;
            let items = self.items_of(share_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            cancel_in(&txn, &share, &items).await?;
            self.log(&txn, share_uri, &format!("{} cancelled the extension request", actor.username()))
                .await?;
            audit::record(&txn, actor, "cancelShareExtension", share_uri, RESOURCE_TYPE, "cancelled").await?;
            txn.commit().await?;
            Ok(true)
        };
        audit::audited(self.db, actor, "cancelShareExtension", (share_uri, RESOURCE_TYPE), cancel).await
    }

    /// The period of a pending request or extension, set by its requesters or its approvers while
    /// the share is Draft, Submitted or Submitted_For_Extension. It never moves the current
    /// expiry date: an approval does.
    pub async fn update_expiration_period(
        &self,
        actor: &Actor,
        share_uri: &str,
        period: Option<i32>,
        non_expirable: bool,
    ) -> Result<bool> {
        let update = async {
            let share = self.authorize::<SetShareExpiry>(actor, share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let rule = rule_of(&dataset)?;
            let status = share_status(&share)?;
            if !matches!(
                status,
                ShareStatus::Draft | ShareStatus::Submitted | ShareStatus::SubmittedForExtension
            ) {
                return Err(Error::InvalidState(format!(
                    "share {share_uri} is {status}; its period changes only while a request or an extension is pending \
                     (Draft, Submitted or Submitted_For_Extension): ask for an extension instead"
                )));
            }
            let period = if non_expirable { None } else { Some(rule.check("expiration", period)?) };
            let requested = period.map(|p| rule.ends(p, Utc::now().date_naive()));
            let txn = crate::db::write_txn(self.db).await?;
            let changed = so::Entity::update_many()
                .col_expr(so::Column::ShareExpirationPeriod, Expr::value(period))
                .col_expr(so::Column::RequestedExpiryDate, Expr::value(requested))
                .col_expr(so::Column::NonExpirable, Expr::value(non_expirable))
                .col_expr(so::Column::Updated, Expr::value(Utc::now()))
                .filter(so::Column::ShareUri.eq(share_uri))
                .filter(so::Column::Status.eq(status.as_str()))
                .exec(&txn)
                .await?;
            if changed.rows_affected == 0 {
                return Err(Error::Conflict(format!(
                    "share {share_uri} changed while you acted on it; read it again"
                )));
            }
            let detail =
                period.map_or("asks for access that doesn't expire".to_owned(), |p| format!("period {p}"));
            audit::record(&txn, actor, "updateShareExpirationPeriod", share_uri, RESOURCE_TYPE, &detail)
                .await?;
            txn.commit().await?;
            Ok(true)
        };
        audit::audited(self.db, actor, "updateShareExpirationPeriod", (share_uri, RESOURCE_TYPE), update)
            .await
    }

    /// Why the requesters want an extension; needs SUBMIT_SHARE_OBJECT.
    pub async fn update_extension_reason(
        &self,
        actor: &Actor,
        share_uri: &str,
        reason: Option<&str>,
    ) -> Result<bool> {
        let update = async {
            let share = self.authorize::<perm::SubmitShareObject>(actor, share_uri).await?;
            let reason = model::purpose("extensionPurpose", reason)?;
            self.set_text(&share, so::Column::ExtensionReason, reason, "updateShareExtensionReason").await
        };
        audit::audited(self.db, actor, "updateShareExtensionReason", (share_uri, RESOURCE_TYPE), update).await
    }
}

/// Withdraws a pending extension: the items go back to Share_Succeeded, the share to Processed.
pub(super) async fn cancel_in(
    db: &impl ConnectionTrait,
    share: &Share,
    items: &[super::ShareItem],
) -> Result<()> {
    require_pending(share)?;
    decide(db, share, ShareAction::CancelExtension).await?;
    move_items(db, items, ItemAction::CancelExtension).await?;
    so::Entity::update_many()
        .col_expr(so::Column::SubmittedForExtension, Expr::value(false))
        .col_expr(so::Column::RequestedExpiryDate, Expr::value(None::<DateTime<Utc>>))
        .col_expr(so::Column::ShareExpirationPeriod, Expr::value(None::<i32>))
        .col_expr(so::Column::NonExpirable, Expr::value(keeps_non_expirable(share)))
        .filter(so::Column::ShareUri.eq(&share.share_uri))
        .exec(db)
        .await?;
    Ok(())
}

/// A dataset stopped expiring its shares: they stop expiring too, and pending extensions have
/// nothing left to extend. Called in the dataset's update transaction.
pub(crate) async fn stop_expiring(db: &impl ConnectionTrait, dataset_uri: &str) -> Result<()> {
    let extending = Query::select()
        .column(so::Column::ShareUri)
        .from(so::Entity)
        .and_where(so::Column::DatasetUri.eq(dataset_uri))
        .and_where(so::Column::Status.eq(ShareStatus::SubmittedForExtension.as_str()))
        .to_owned();
    si::Entity::update_many()
        .col_expr(si::Column::Status, Expr::value(ItemStatus::ShareSucceeded.as_str()))
        .filter(si::Column::Status.eq(ItemStatus::PendingExtension.as_str()))
        .filter(si::Column::ShareUri.in_subquery(extending))
        .exec(db)
        .await?;
    so::Entity::update_many()
        .col_expr(so::Column::Status, Expr::value(ShareStatus::Processed.as_str()))
        .filter(so::Column::DatasetUri.eq(dataset_uri))
        .filter(so::Column::Status.eq(ShareStatus::SubmittedForExtension.as_str()))
        .exec(db)
        .await?;
    so::Entity::update_many()
        .col_expr(so::Column::ExpiryDate, Expr::value(None::<DateTime<Utc>>))
        .col_expr(so::Column::RequestedExpiryDate, Expr::value(None::<DateTime<Utc>>))
        .col_expr(so::Column::ShareExpirationPeriod, Expr::value(None::<i32>))
        .col_expr(so::Column::SubmittedForExtension, Expr::value(false))
        .col_expr(so::Column::NonExpirable, Expr::value(false))
        .filter(so::Column::DatasetUri.eq(dataset_uri))
        .exec(db)
        .await?;
    Ok(())
}
