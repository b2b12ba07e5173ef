//! Events out: an organization's webhooks (`createEventSubscription`, `listEventSubscriptions`,
//! `deleteEventSubscription`), each one's delivery log (`listEventDeliveries`), a test event
//! (`testEventSubscription`) and another round for a dead letter (`redeliverEventDelivery`). Only the
//! organization's admins (UPDATE_ORGANIZATION) reach them; core decides. The signing secret is
//! returned once, by the mutation that creates it.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use sluice_core::{
    events::{Delivery, DeliveryFilter, DeliveryStatus, NewSubscription, Subscription},
    page::PageRequest,
};

use crate::graphql::{GqlResult, actor, core, paged::paged};

/// A webhook; its secret is never shown here.
#[derive(SimpleObject)]
pub struct EventSubscription {
    subscription_uri: String,
    organization_uri: String,
    label: String,
    /// Where events are POSTed.
    url: String,
    /// The event types it receives; empty for every type.
    event_types: Vec<String>,
    created_by: String,
    created: String,
}

impl From<Subscription> for EventSubscription {
    fn from(s: Subscription) -> Self {
        Self {
            subscription_uri: s.subscription_uri,
            organization_uri: s.organization_uri,
            label: s.label,
            url: s.endpoint,
            event_types: s.event_types.iter().map(|t| t.as_str().to_owned()).collect(),
            created_by: s.created_by,
            created: s.created.to_rfc3339(),
        }
    }
}

/// A new webhook and its signing secret: keep the secret now, it is not shown again.
#[derive(SimpleObject)]
pub struct CreatedEventSubscription {
    subscription: EventSubscription,
    /// Verifies the `Sluice-Signature` header of each delivery (HMAC-SHA256).
    secret: String,
}

#[derive(InputObject)]
pub struct NewEventSubscriptionInput {
    organization_uri: String,
    label: String,
    /// `https://…`; the operator may allow `http://` and private addresses.
    url: String,
    /// Event types to receive (`share.approved`, …); none or empty for every type.
    event_types: Option<Vec<String>>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum EventDeliveryStatus {
    /// Waiting for its turn, its first attempt or a retry.
    Pending,
    Delivered,
    /// Given up after the last attempt: the dead letter.
    Dead,
}

impl From<DeliveryStatus> for EventDeliveryStatus {
    fn from(s: DeliveryStatus) -> Self {
        match s {
            DeliveryStatus::Pending => Self::Pending,
            DeliveryStatus::Delivered => Self::Delivered,
            DeliveryStatus::Dead => Self::Dead,
        }
    }
}

impl From<EventDeliveryStatus> for DeliveryStatus {
    fn from(s: EventDeliveryStatus) -> Self {
        match s {
            EventDeliveryStatus::Pending => Self::Pending,
            EventDeliveryStatus::Delivered => Self::Delivered,
            EventDeliveryStatus::Dead => Self::Dead,
        }
    }
}

/// One event's delivery to one webhook.
#[derive(SimpleObject)]
pub struct EventDelivery {
    delivery_uri: String,
    subscription_uri: String,
    /// The event's id, also in the body: subscribers dedupe by it.
    event_uri: String,
    event_type: String,
    target_uri: String,
    status: EventDeliveryStatus,
    attempts: i32,
    /// When it is next tried, while pending.
    next_attempt_at: Option<String>,
    /// The subscriber's last HTTP status, if it answered.
    last_status_code: Option<i32>,
    last_error: Option<String>,
    created: String,
    updated: String,
}

impl From<Delivery> for EventDelivery {
    fn from(d: Delivery) -> Self {
        Self {
            next_attempt_at: (d.status == DeliveryStatus::Pending).then(|| d.next_attempt_at.to_rfc3339()),
            delivery_uri: d.delivery_uri,
            subscription_uri: d.subscription_uri,
            event_uri: d.event_uri,
            event_type: d.event_type,
            target_uri: d.target_uri,
            status: d.status.into(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            created: d.created.to_rfc3339(),
            updated: d.updated.to_rfc3339(),
        }
    }
}

paged!(EventDeliverySearchResult, EventDelivery);

#[derive(InputObject, Default)]
pub struct EventDeliveryFilter {
    status: Option<EventDeliveryStatus>,
    page: Option<i32>,
    page_size: Option<i32>,
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// The organization's webhooks. Needs UPDATE_ORGANIZATION (its admin team).
    async fn list_event_subscriptions(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<Vec<EventSubscription>> {
        let subs = core(ctx)?.events().list_subscriptions(actor(ctx)?, &organization_uri).await.gql()?;
        Ok(subs.into_iter().map(Into::into).collect())
    }

    /// A webhook's delivery log, newest event first: pending, delivered and dead letters.
    async fn list_event_deliveries(
        &self,
        ctx: &Context<'_>,
        subscription_uri: String,
        filter: Option<EventDeliveryFilter>,
    ) -> async_graphql::Result<EventDeliverySearchResult> {
        let filter = filter.unwrap_or_default();
        let request = PageRequest::new(filter.page, filter.page_size).gql()?;
        let filter = DeliveryFilter { status: filter.status.map(Into::into) };
        let page = core(ctx)?
            .events()
            .list_deliveries(actor(ctx)?, &subscription_uri, &filter, request)
            .await
            .gql()?;
        Ok(EventDeliverySearchResult(page.map(Into::into)))
    }
}

#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// A webhook for the organization's events, signed with a secret returned only here. Needs
    /// UPDATE_ORGANIZATION (its admin team).
    async fn create_event_subscription(
        &self,
        ctx: &Context<'_>,
        input: NewEventSubscriptionInput,
    ) -> async_graphql::Result<CreatedEventSubscription> {
        let input = NewSubscription {
            organization_uri: input.organization_uri,
            label: input.label,
            endpoint: input.url,
            event_types: input.event_types.unwrap_or_default(),
        };
        let created = core(ctx)?.events().create_subscription(actor(ctx)?, input).await.gql()?;
        Ok(CreatedEventSubscription { subscription: created.subscription.into(), secret: created.secret })
    }

    /// Deletes the webhook and its delivery log.
    async fn delete_event_subscription(
        &self,
        ctx: &Context<'_>,
        subscription_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.events().delete_subscription(actor(ctx)?, &subscription_uri).await.gql()
    }

    /// Queues a `sluice.test` event to this webhook alone and returns its delivery, to watch in
    /// the delivery log. One pending test per webhook.
    async fn test_event_subscription(
        &self,
        ctx: &Context<'_>,
        subscription_uri: String,
    ) -> async_graphql::Result<EventDelivery> {
        let delivery = core(ctx)?.events().test_subscription(actor(ctx)?, &subscription_uri).await.gql()?;
        Ok(delivery.into())
    }

    /// Gives a dead delivery a fresh round of attempts, starting now. It keeps its place in its
    /// target's order: the target's later pending events wait for it.
    async fn redeliver_event_delivery(
        &self,
        ctx: &Context<'_>,
        delivery_uri: String,
    ) -> async_graphql::Result<EventDelivery> {
        let delivery = core(ctx)?.events().redeliver(actor(ctx)?, &delivery_uri).await.gql()?;
        Ok(delivery.into())
    }
}
