//! Events out (issue 29): what happened, told to the organization's subscribers.
//!
//! - A change records its event in its own transaction ([`record`]), so the change and its
//!   event commit together or not at all, and a restart between commit and delivery loses
//!   nothing: the delivery loop ([`EventOutbox`]) finds every event it has not fanned out yet.
//! - An event carries a stable id, its type, time, actor and the ids it concerns, never data
//!   values (no labels, no names, no messages): a subscriber asks the API for the rest, with
//!   its own rights.
//! - Organization admins (UPDATE_ORGANIZATION, which only the admin team holds) manage the
//!   organization's webhooks; an organization's events go to its own subscriptions and no
//!   others'.
//! - Delivery is at least once, in order per target: a subscription's events about one share,
//!   dataset or environment are sent one after another, each only once the one before it was
//!   delivered or dead-lettered. Subscribers dedupe by the event id.
//! - Admins may send a test event to one webhook and redeliver a dead letter ([`manual`]).
//! - With an event bus configured, every event is also put on it, in order, at least once
//!   ([`EventRelay`]).
//! - Finished deliveries and the events nobody is owed any more are pruned after a while
//!   ([`retention`]).

mod bus;
mod manual;
mod model;
mod outbox;
pub(crate) mod retention;
mod signature;
mod subscriptions;
mod target;

use sea_orm::{ConnectionTrait, EntityTrait};
use sluice_entities::event;

pub(crate) use bus::relayed_up_to;
pub use bus::{BusError, BusEvent, EventBus, EventRelay, Relayed};
pub use manual::TEST_EVENT_TYPE;
pub use model::{
    Delivery, DeliveryFilter, DeliveryStatus, EventType, NewSubscription, Subscription, SubscriptionCreated,
};
pub use outbox::{DueDelivery, EventOutbox, EventWaiter, Outcome, RetryPolicy};
pub use signature::{SIGNATURE_HEADER, sign, signature_header, verify};
pub use subscriptions::{Events, MAX_SUBSCRIPTIONS_PER_ORGANIZATION};
pub use target::TargetPolicy;

use crate::{Actor, Result, uri::new_uri};

/// An event to record, in the caller's transaction.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub event_type: EventType,
    pub organization_uri: String,
    pub target_uri: String,
    pub target_type: &'static str,
    /// The ids the event concerns, by their GraphQL field names (`shareUri`, `datasetUri`).
    pub ids: Vec<(&'static str, String)>,
}

impl NewEvent {
    pub(crate) fn new(
        event_type: EventType,
        organization_uri: &str,
        target: (&str, &'static str),
        ids: &[(&'static str, &str)],
    ) -> Self {
        Self {
            event_type,
            organization_uri: organization_uri.to_owned(),
            target_uri: target.0.to_owned(),
            target_type: target.1,
            ids: ids.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }
}

/// Records `new` as done by `actor`, in the caller's transaction.
pub(crate) async fn record(db: &impl ConnectionTrait, actor: &Actor, new: NewEvent) -> Result<()> {
    let ids: serde_json::Map<String, serde_json::Value> =
        new.ids.into_iter().map(|(k, v)| (k.to_owned(), serde_json::Value::String(v))).collect();
    event::Entity::insert(event::ActiveModel {
        seq: sea_orm::NotSet,
        event_uri: sea_orm::Set(new_uri()),
        organization_uri: sea_orm::Set(new.organization_uri),
        event_type: sea_orm::Set(new.event_type.as_str().to_owned()),
        target_uri: sea_orm::Set(new.target_uri),
        target_type: sea_orm::Set(new.target_type.to_owned()),
        actor: sea_orm::Set(actor.username().to_owned()),
        detail: sea_orm::Set(serde_json::Value::Object(ids).to_string()),
        created: sea_orm::Set(chrono::Utc::now()),
        fanned_out: sea_orm::Set(false),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The organization of an environment, for events recorded where only the environment is known
/// (a stack's deploy).
pub(crate) async fn organization_of_environment(
    db: &impl ConnectionTrait,
    environment_uri: &str,
) -> Result<Option<String>> {
    Ok(sluice_entities::environment::Entity::find_by_id(environment_uri.to_owned())
        .one(db)
        .await?
        .map(|e| e.organization_uri))
}
