//! Events on an event bus (`SLUICE_EVENTBRIDGE_BUS`): besides the webhooks, every recorded event
//! is put on the operator's bus, for rules and targets the platform team runs.
//!
//! - The relay reads events in `event.seq` order after its cursor (`event_relay`), puts them,
//!   and moves the cursor past the events the bus accepted, conditionally on where it was, so
//!   a restart resumes where it stopped and two relays never move one cursor backwards.
//! - At least once: a worker that dies between a put and the cursor's move, or a batch the bus
//!   accepted only in part, is put again from its first refused event. Receivers dedupe by the
//!   event's id (the bus entry's detail `id`).
//! - In order as far as the bus allows: a batch is sent only once the one before it was
//!   accepted, and a partly refused batch is sent again from its first refusal, so a target's
//!   events are put in order. (EventBridge itself gives no order guarantee to a rule's targets.)
//! - A relay's first run starts at the newest event: the bus receives what is recorded from
//!   then on, not the history before it was configured.
//! - `sluice.test` events are for one webhook alone and never go to the bus.
//! - One relay at a time per bus: with several worker replicas, each step first takes or
//!   renews a lease on the bus's cursor row (`holder`, `held_until`), and a replica that finds
//!   another's lease puts nothing. A replica that stops hands the lease back; one that dies
//!   loses it when it runs out (`RELAY_LEASE`), and another replica carries on from the
//!   cursor. The lease bounds duplicates; it does not replace the receivers' dedupe by id (a
//!   put slower than the lease can still overlap the next holder's).

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use sluice_entities::{event, event_relay};

use super::{EventWaiter, TEST_EVENT_TYPE, outbox};
use crate::{
    Result,
    tasks::wakeup::{Topic, Wakeups},
};

/// One event as a bus entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusEvent {
    pub event_uri: String,
    /// `share.approved`, …: the entry's detail type.
    pub event_type: String,
    pub organization_uri: String,
    pub target_uri: String,
    /// The event as webhooks receive it (JSON): the entry's detail.
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the event bus refused the events: {0}")]
pub struct BusError(pub String);

/// Where events are put (EventBridge in the cloud; a fake in tests).
#[async_trait::async_trait]
pub trait EventBus: Send + Sync {
    /// The bus's name: the relay's cursor is kept under it.
    fn name(&self) -> &str;

    /// The most events one put takes.
    fn batch(&self) -> usize;

    /// Puts `events`, in order; returns how many from the front were accepted. Fewer than all
    /// means the rest were refused (or accepted after a refusal, and are put again).
    async fn put(&self, events: &[BusEvent]) -> std::result::Result<usize, BusError>;
}

/// What one relay step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relayed {
    /// Events the bus accepted.
    pub put: usize,
    /// Events passed over (test events).
    pub skipped: usize,
    /// True when the bus refused part of the batch: try again after a pause.
    pub refused: bool,
    /// True when another replica's relay holds the bus: nothing was read or put.
    pub held_elsewhere: bool,
}

/// How long a step's lease on a bus lasts. Longer than the relay's idle look
/// (`SAFETY_LOOK`), so an idle holder renews it before it runs out.
pub const RELAY_LEASE: Duration = Duration::from_secs(90);

/// The worker's handle on the relay's cursor: one per worker replica.
#[derive(Clone)]
pub struct EventRelay {
    pub(crate) db: DatabaseConnection,
    /// This replica's relay, as the lease names it.
    pub(crate) holder: String,
    pub(crate) lease: Duration,
}

impl EventRelay {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db, holder: crate::uri::new_sid(), lease: RELAY_LEASE }
    }

    /// A shorter lease, for tests of a replica that dies.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    pub fn waiter(&self) -> EventWaiter {
        EventWaiter(Wakeups::for_db(&self.db).waiter(Topic::Events))
    }

    /// Puts the next batch of events after the cursor on `bus` and moves the cursor past what
    /// it accepted.
    pub async fn relay_once(&self, bus: &dyn EventBus) -> Result<Relayed> {
        let name = bus.name();
        // The lease first, the cursor after: a cursor read before taking over could be one the
        // previous holder has since moved.
        if !self.hold(name).await? {
            // No row yet on this bus's first run: make it, then try again.
            self.cursor(name).await?;
            if !self.hold(name).await? {
                return Ok(Relayed { held_elsewhere: true, ..Relayed::default() });
            }
        }
        let cursor = self.cursor(name).await?;
        let batch = bus.batch().max(1);
        let events = event::Entity::find()
            .filter(event::Column::Seq.gt(cursor))
            .order_by_asc(event::Column::Seq)
            .limit(batch as u64)
            .all(&self.db)
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else { return Ok(Relayed::default()) };
        let (to_put, skipped): (Vec<&event::Model>, Vec<&event::Model>) =
            events.iter().partition(|e| e.event_type != TEST_EVENT_TYPE);
        let entries: Vec<BusEvent> = to_put
            .iter()
            .map(|e| BusEvent {
                event_uri: e.event_uri.clone(),
                event_type: e.event_type.clone(),
                organization_uri: e.organization_uri.clone(),
                target_uri: e.target_uri.clone(),
                body: outbox::body(e),
            })
            .collect();
        let accepted = if entries.is_empty() {
            0
        } else {
            bus.put(&entries).await.map_err(|e| crate::Error::Internal(Box::new(e)))?.min(entries.len())
        };
        // Past every event before the first refused one (test events included); past the whole
        // batch when nothing was refused.
        let refused = accepted < entries.len();
        let upto = match to_put.get(accepted) {
            Some(first_refused) => events
                .iter()
                .map(|e| e.seq)
                .take_while(|seq| *seq < first_refused.seq)
                .last()
                .unwrap_or(cursor),
            None => last,
        };
        if upto > cursor {
            self.advance(bus.name(), cursor, upto).await?;
        }
        let skipped = skipped.iter().filter(|e| e.seq <= upto).count();
        Ok(Relayed { put: accepted, skipped, refused, held_elsewhere: false })
    }

    /// Takes or renews this relay's lease on `name`; false while another relay's lease runs.
    async fn hold(&self, name: &str) -> Result<bool> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::MAX);
        let held = event_relay::Entity::update_many()
            .col_expr(event_relay::Column::Holder, Expr::value(self.holder.clone()))
            .col_expr(event_relay::Column::HeldUntil, Expr::value(until))
            .filter(event_relay::Column::Relay.eq(name))
            .filter(
                Condition::any()
                    .add(event_relay::Column::Holder.is_null())
                    .add(event_relay::Column::Holder.eq(self.holder.as_str()))
                    .add(event_relay::Column::HeldUntil.is_null())
                    .add(event_relay::Column::HeldUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(held.rows_affected > 0)
    }

    /// Hands this relay's lease on `name` back, so another replica takes over at its next look
    /// rather than when the lease runs out.
    pub async fn release(&self, name: &str) -> Result<()> {
        event_relay::Entity::update_many()
            .col_expr(event_relay::Column::Holder, Expr::value(Option::<String>::None))
            .col_expr(event_relay::Column::HeldUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(event_relay::Column::Relay.eq(name))
            .filter(event_relay::Column::Holder.eq(self.holder.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The relay's cursor; on its first run, the newest event (nothing before it is put).
    async fn cursor(&self, name: &str) -> Result<i64> {
        if let Some(row) = event_relay::Entity::find_by_id(name.to_owned()).one(&self.db).await? {
            return Ok(row.last_seq);
        }
        let newest: Option<i64> = event::Entity::find()
            .select_only()
            .column_as(event::Column::Seq.max(), "seq")
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten();
        event_relay::Entity::insert(event_relay::ActiveModel {
            relay: sea_orm::Set(name.to_owned()),
            last_seq: sea_orm::Set(newest.unwrap_or(0)),
            updated: sea_orm::Set(Utc::now()),
            holder: sea_orm::Set(None),
            held_until: sea_orm::Set(None),
        })
        .on_conflict(OnConflict::column(event_relay::Column::Relay).do_nothing().to_owned())
        .exec_without_returning(&self.db)
        .await?;
        // Another relay may have made it first: read what is there.
        Ok(event_relay::Entity::find_by_id(name.to_owned()).one(&self.db).await?.map_or(0, |r| r.last_seq))
    }

    async fn advance(&self, name: &str, from: i64, to: i64) -> Result<()> {
        event_relay::Entity::update_many()
            .col_expr(event_relay::Column::LastSeq, Expr::value(to))
            .col_expr(event_relay::Column::Updated, Expr::value(Utc::now()))
            .filter(event_relay::Column::Relay.eq(name))
            .filter(event_relay::Column::LastSeq.eq(from))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The relay's cursor, if it has one: for tests and metrics.
    pub async fn position(&self, name: &str) -> Result<Option<i64>> {
        Ok(event_relay::Entity::find_by_id(name.to_owned()).one(&self.db).await?.map(|r| r.last_seq))
    }
}

/// The lowest cursor of the relays that moved since `since`: events after it are kept for them.
/// A relay that has not moved for the whole retention period (its bus since unconfigured) holds
/// nothing back.
pub(crate) async fn relayed_up_to(
    db: &impl sea_orm::ConnectionTrait,
    since: chrono::DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(event_relay::Entity::find()
        .filter(event_relay::Column::Updated.gte(since))
        .all(db)
        .await?
        .iter()
        .map(|r| r.last_seq)
        .min())
}
