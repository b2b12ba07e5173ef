//! What events, subscriptions and deliveries look like to callers.

use chrono::{DateTime, Utc};

use crate::{Error, Result};

/// The domain events subscribers can receive. The names are part of the contract: subscribers
/// filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    ShareRequested,
    ShareApproved,
    ShareRejected,
    ShareSucceeded,
    ShareFailed,
    ShareRevoked,
    ShareExpired,
    DatasetCreated,
    DatasetDeleted,
    StackFailed,
    EnvironmentLinked,
}

impl EventType {
    pub const ALL: &'static [Self] = &[
        Self::ShareRequested,
        Self::ShareApproved,
        Self::ShareRejected,
        Self::ShareSucceeded,
        Self::ShareFailed,
        Self::ShareRevoked,
        Self::ShareExpired,
        Self::DatasetCreated,
        Self::DatasetDeleted,
        Self::StackFailed,
        Self::EnvironmentLinked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShareRequested => "share.requested",
            Self::ShareApproved => "share.approved",
            Self::ShareRejected => "share.rejected",
            Self::ShareSucceeded => "share.succeeded",
            Self::ShareFailed => "share.failed",
            Self::ShareRevoked => "share.revoked",
            Self::ShareExpired => "share.expired",
            Self::DatasetCreated => "dataset.created",
            Self::DatasetDeleted => "dataset.deleted",
            Self::StackFailed => "stack.failed",
            Self::EnvironmentLinked => "environment.linked",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == value)
    }
}

/// What an organization admin asks for.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    pub organization_uri: String,
    pub label: String,
    /// `https://…`; `http://` and private addresses only where the operator allows them.
    pub endpoint: String,
    /// Event type names; empty for every type.
    pub event_types: Vec<String>,
}

/// A subscription as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub subscription_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub endpoint: String,
    pub event_types: Vec<EventType>,
    pub created_by: String,
    pub created: DateTime<Utc>,
}

impl Subscription {
    pub(crate) fn from_model(m: sluice_entities::event_subscription::Model) -> Result<Self> {
        let names: Vec<String> = serde_json::from_str(&m.event_types)
            .map_err(|e| Error::Internal(format!("subscription {}: {e}", m.subscription_uri).into()))?;
        Ok(Self {
            event_types: names.iter().filter_map(|n| EventType::parse(n)).collect(),
            subscription_uri: m.subscription_uri,
            organization_uri: m.organization_uri,
            label: m.label,
            endpoint: m.endpoint,
            created_by: m.created_by,
            created: m.created,
        })
    }

    pub(crate) fn wants(&self, event_type: &str) -> bool {
        self.event_types.is_empty() || self.event_types.iter().any(|t| t.as_str() == event_type)
    }
}

/// A new subscription and its signing secret: the only time the secret is shown.
#[derive(Debug, Clone)]
pub struct SubscriptionCreated {
    pub subscription: Subscription,
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its turn, its first attempt or a retry.
    Pending,
    Delivered,
    /// Given up after the last attempt: the dead letter.
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Dead].into_iter().find(|s| s.as_str() == value)
    }
}

/// One event's delivery to one subscription: the delivery log's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub delivery_uri: String,
    pub subscription_uri: String,
    pub event_uri: String,
    pub event_type: String,
    pub target_uri: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The subscriber's last HTTP status, if it answered.
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

impl Delivery {
    pub(crate) fn from_model(m: sluice_entities::event_delivery::Model) -> Result<Self> {
        let status = DeliveryStatus::parse(&m.status)
            .ok_or_else(|| Error::Internal(format!("delivery {} is {}", m.delivery_uri, m.status).into()))?;
        Ok(Self {
            delivery_uri: m.delivery_uri,
            subscription_uri: m.subscription_uri,
            event_uri: m.event_uri,
            event_type: m.event_type,
            target_uri: m.target_uri,
            status,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_status_code: m.last_status_code,
            last_error: m.last_error,
            created: m.created,
            updated: m.updated,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
}
