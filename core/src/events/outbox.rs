//! The delivery side, for the worker: fan recorded events out to their organization's
//! subscriptions, hand out the deliveries that are due, and record how each attempt went.
//!
//! - Fan-out creates one delivery row per event and subscription (unique, so running it twice
//!   or in two workers at once adds nothing) and marks the event, in one transaction.
//! - A delivery is due when it is pending, its time has come, and no earlier event of the same
//!   subscription and target is still pending: that is what keeps a target's events in order.
//!   A failing subscriber holds back only its own target's later events, never another
//!   subscription's or another target's.
//! - Claiming a delivery counts the attempt and pushes its time out by a lease, conditionally
//!   on the attempt count it was read with, so two workers never send the same attempt and a
//!   worker that dies mid-send leaves it to be retried when the lease ends (at least once).
//! - After the last attempt the delivery is dead: the subscription's dead letter, kept in its
//!   delivery log.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};
use sluice_entities::{event, event_delivery as d, event_subscription as s};

use super::{DeliveryStatus, Subscription};
use crate::{
    Result,
    tasks::wakeup::{Topic, Waiter, Wakeups},
    uri::new_uri,
};

/// How often and how patiently a delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before the delivery is dead-lettered.
    pub max_attempts: u32,
    /// The first retry's delay; it doubles per attempt.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How long an attempt may take before another worker may try again.
    pub lease: Duration,
}

impl RetryPolicy {
    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = Ord::min(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0), 20);
        self.backoff_base.saturating_mul(1 << doublings).min(self.backoff_max)
    }
}

/// A claimed delivery: what to send, where, and signed with what.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery_uri: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
    pub subscription_uri: String,
    pub organization_uri: String,
    pub endpoint: String,
    pub secret: String,
    pub event_uri: String,
    pub event_type: String,
    /// The event as subscribers receive it (JSON).
    pub body: String,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The subscriber answered 2xx.
    Delivered { status_code: u16 },
    /// Another answer, or none (`status_code` None) with the reason.
    Failed { status_code: Option<u16>, error: String },
}

/// The event loop's view of its announcements (a recorded event).
pub struct EventWaiter(pub(super) Waiter);

impl EventWaiter {
    /// Call right before looking, as `tasks::wakeup::Waiter::mark_seen`.
    pub fn mark_seen(&mut self) {
        self.0.mark_seen();
    }

    /// Waits for an event to be recorded, or until `deadline`.
    pub async fn wait_until(&mut self, deadline: tokio::time::Instant) -> bool {
        self.0.wait_until(deadline).await
    }
}

/// The worker's handle on events to deliver. It reads subscriptions' secrets: only the delivery
/// loop holds one.
#[derive(Clone)]
pub struct EventOutbox {
    pub(crate) db: DatabaseConnection,
}

const ERROR_LEN: usize = 500;

impl EventOutbox {
    pub fn waiter(&self) -> EventWaiter {
        EventWaiter(Wakeups::for_db(&self.db).waiter(Topic::Events))
    }

    /// Creates the delivery rows of up to `batch` events not fanned out yet, oldest first;
    /// returns how many events it handled.
    pub async fn fan_out(&self, batch: u64) -> Result<usize> {
        let txn = crate::db::write_txn(&self.db).await?;
        let events = event::Entity::find()
            .filter(event::Column::FannedOut.eq(false))
            .order_by_asc(event::Column::Seq)
            .limit(batch)
            .all(&txn)
            .await?;
        if events.is_empty() {
            return Ok(0);
        }
        let mut orgs: Vec<String> = events.iter().map(|e| e.organization_uri.clone()).collect();
        orgs.sort();
        orgs.dedup();
        let mut subscriptions: HashMap<String, Vec<Subscription>> = HashMap::new();
        for row in s::Entity::find().filter(s::Column::OrganizationUri.is_in(orgs)).all(&txn).await? {
            let sub = Subscription::from_model(row)?;
            subscriptions.entry(sub.organization_uri.clone()).or_default().push(sub);
        }
        let now = Utc::now();
        let mut rows = Vec::new();
        for e in &events {
            // Only its own organization's subscriptions, and only those that existed when it
            // happened.
            let subs = subscriptions.get(&e.organization_uri).map(Vec::as_slice).unwrap_or_default();
            for sub in subs.iter().filter(|s| s.created <= e.created && s.wants(&e.event_type)) {
                rows.push(d::ActiveModel {
                    delivery_uri: sea_orm::Set(new_uri()),
                    subscription_uri: sea_orm::Set(sub.subscription_uri.clone()),
                    event_seq: sea_orm::Set(e.seq),
                    event_uri: sea_orm::Set(e.event_uri.clone()),
                    event_type: sea_orm::Set(e.event_type.clone()),
                    target_uri: sea_orm::Set(e.target_uri.clone()),
                    status: sea_orm::Set(DeliveryStatus::Pending.as_str().to_owned()),
                    attempts: sea_orm::Set(0),
                    next_attempt_at: sea_orm::Set(now),
                    last_status_code: sea_orm::Set(None),
                    last_error: sea_orm::Set(None),
                    created: sea_orm::Set(now),
                    updated: sea_orm::Set(now),
                });
            }
        }
        for chunk in rows.chunks(200) {
            d::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([d::Column::SubscriptionUri, d::Column::EventSeq])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        event::Entity::update_many()
            .col_expr(event::Column::FannedOut, Expr::value(true))
            .filter(event::Column::Seq.is_in(seqs))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(events.len())
    }

    /// Claims up to `limit` due deliveries, each the earliest pending one of its subscription
    /// and target, counting the attempt and leasing it for `policy.lease`.
    pub async fn claim_due(&self, limit: u64, policy: &RetryPolicy) -> Result<Vec<DueDelivery>> {
        let now = Utc::now();
        let earlier = Alias::new("earlier");
        let blocked = Query::select()
            .expr(Expr::val(1))
            .from_as(d::Entity, earlier.clone())
            .and_where(
                Expr::col((earlier.clone(), d::Column::SubscriptionUri))
                    .equals((d::Entity, d::Column::SubscriptionUri)),
            )
            .and_where(
                Expr::col((earlier.clone(), d::Column::TargetUri)).equals((d::Entity, d::Column::TargetUri)),
            )
            .and_where(Expr::col((earlier.clone(), d::Column::Status)).eq(DeliveryStatus::Pending.as_str()))
            .and_where(
                Expr::col((earlier, d::Column::EventSeq)).lt(Expr::col((d::Entity, d::Column::EventSeq))),
            )
            .to_owned();
        let candidates = d::Entity::find()
            .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(d::Column::NextAttemptAt.lte(now))
            .filter(Condition::all().add(Expr::exists(blocked).not()))
            .order_by_asc(d::Column::EventSeq)
            .limit(limit)
            .all(&self.db)
            .await?;
        let lease_end =
            now + chrono::Duration::from_std(policy.lease).unwrap_or(chrono::Duration::minutes(1));
        let mut claimed = Vec::new();
        for c in candidates {
            let res = d::Entity::update_many()
                .col_expr(d::Column::Attempts, Expr::col(d::Column::Attempts).add(1))
                .col_expr(d::Column::NextAttemptAt, Expr::value(lease_end))
                .col_expr(d::Column::Updated, Expr::value(now))
                .filter(d::Column::DeliveryUri.eq(&c.delivery_uri))
                .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .filter(d::Column::Attempts.eq(c.attempts))
                .exec(&self.db)
                .await?;
            if res.rows_affected == 1 {
                claimed.push(c);
            }
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let sub_uris: Vec<String> = claimed.iter().map(|c| c.subscription_uri.clone()).collect();
        let subs: HashMap<String, s::Model> = s::Entity::find()
            .filter(s::Column::SubscriptionUri.is_in(sub_uris))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.subscription_uri.clone(), s))
            .collect();
        let seqs: Vec<i64> = claimed.iter().map(|c| c.event_seq).collect();
        let events: HashMap<i64, event::Model> = event::Entity::find()
            .filter(event::Column::Seq.is_in(seqs))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.seq, e))
            .collect();
        Ok(claimed
            .into_iter()
            .filter_map(|c| {
                // A subscription deleted meanwhile takes its deliveries with it.
                let sub = subs.get(&c.subscription_uri)?;
                let event = events.get(&c.event_seq)?;
                Some(DueDelivery {
                    delivery_uri: c.delivery_uri,
                    attempt: c.attempts + 1,
                    subscription_uri: c.subscription_uri,
                    organization_uri: sub.organization_uri.clone(),
                    endpoint: sub.endpoint.clone(),
                    secret: sub.secret.clone(),
                    event_uri: event.event_uri.clone(),
                    event_type: event.event_type.clone(),
                    body: body(event),
                })
            })
            .collect())
    }

    /// Records how the claimed attempt went: delivered, retried after a backoff, or dead after
    /// the last attempt. Returns the delivery's status, or None when the delivery is gone (its
    /// subscription deleted) or another worker's attempt superseded this one.
    pub async fn record(
        &self,
        due: &DueDelivery,
        outcome: &Outcome,
        policy: &RetryPolicy,
    ) -> Result<Option<DeliveryStatus>> {
        let now = Utc::now();
        let mut update = d::Entity::update_many().col_expr(d::Column::Updated, Expr::value(now));
        let status = match outcome {
            Outcome::Delivered { status_code } => {
                update = update
                    .col_expr(d::Column::LastStatusCode, Expr::value(i32::from(*status_code)))
                    .col_expr(d::Column::LastError, Expr::value(Option::<String>::None));
                DeliveryStatus::Delivered
            }
            Outcome::Failed { status_code, error } => {
                let error: String = error.chars().take(ERROR_LEN).collect();
                update = update
                    .col_expr(d::Column::LastStatusCode, Expr::value(status_code.map(i32::from)))
                    .col_expr(d::Column::LastError, Expr::value(Some(error)));
                if due.attempt >= i32::try_from(policy.max_attempts).unwrap_or(i32::MAX) {
                    DeliveryStatus::Dead
                } else {
                    let delay = chrono::Duration::from_std(policy.backoff(due.attempt))
                        .unwrap_or(chrono::Duration::minutes(5));
                    update = update.col_expr(d::Column::NextAttemptAt, Expr::value(now + delay));
                    DeliveryStatus::Pending
                }
            }
        };
        let res = update
            .col_expr(d::Column::Status, Expr::value(status.as_str()))
            .filter(d::Column::DeliveryUri.eq(&due.delivery_uri))
            .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(d::Column::Attempts.eq(due.attempt))
            .exec(&self.db)
            .await?;
        Ok((res.rows_affected == 1).then_some(status))
    }

    /// When the next pending delivery falls due, if any: the loop sleeps until then.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(d::Entity::find()
            .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .order_by_asc(d::Column::NextAttemptAt)
            .one(&self.db)
            .await?
            .map(|d| d.next_attempt_at))
    }

    /// Events recorded and not yet fanned out, and deliveries pending: the loop's backlog, for
    /// metrics and tests.
    pub async fn backlog(&self) -> Result<(u64, u64)> {
        use sea_orm::PaginatorTrait;
        let events = event::Entity::find().filter(event::Column::FannedOut.eq(false)).count(&self.db).await?;
        let pending = d::Entity::find()
            .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .count(&self.db)
            .await?;
        Ok((events, pending))
    }
}

/// The event as subscribers receive it: ids, never data values.
pub(super) fn body(e: &event::Model) -> String {
    let ids: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_else(|_| serde_json::json!({}));
    serde_json::json!({
        "id": e.event_uri,
        "type": e.event_type,
        "time": e.created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "organizationUri": e.organization_uri,
        "actor": e.actor,
        "target": {"uri": e.target_uri, "type": e.target_type},
        "ids": ids,
    })
    .to_string()
}
