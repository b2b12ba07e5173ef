//! Delivers recorded domain events to organizations' webhooks (see `sluice_core::events`).
//!
//! The loop fans new events out to delivery rows, claims the due ones (each the earliest
//! pending of its subscription and target, so a target's events arrive in order), and POSTs
//! each, signed, in its own task, at most `concurrency` at once: a slow or failing subscriber
//! holds a slot only for its own attempts. With nothing to do it waits for an event to be
//! recorded (LISTEN/NOTIFY on Postgres, an update hook on SQLite) or for the next retry to fall
//! due, never polling the database.
//!
//! Where it connects: the endpoint is checked again at each attempt, its name is resolved by
//! [`CheckedResolver`], which drops every address the target policy refuses (the connection
//! uses only the addresses that passed, so a DNS answer cannot change between check and use),
//! redirects are not followed and no proxy is used.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use sluice_core::{
    Core,
    events::{
        DeliveryStatus, DueDelivery, EventOutbox, Outcome, SIGNATURE_HEADER, TargetPolicy, signature_header,
    },
    tasks::wakeup::SAFETY_LOOK,
};
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::{Metrics, WebhookSettings, metrics::WebhookOutcome};

/// Events fanned out per transaction.
const FAN_OUT_BATCH: u64 = 200;

/// How long the loop waits after the database failed it, before it looks again.
const ERROR_PAUSE: Duration = Duration::from_secs(2);

pub struct WebhookDelivery {
    outbox: EventOutbox,
    settings: WebhookSettings,
    client: reqwest::Client,
    metrics: Option<Arc<Metrics>>,
}

impl WebhookDelivery {
    pub fn new(core: &Core, settings: WebhookSettings) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .dns_resolver(Arc::new(CheckedResolver { policy: settings.targets }))
            .user_agent(concat!("sluice-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { outbox: core.event_outbox(), settings, client, metrics: None })
    }

    /// Counts each attempt's outcome in `metrics` (`sluice_webhook_attempts_total`).
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn count(&self, outcome: &'static str) {
        if let Some(m) = &self.metrics {
            m.webhook_attempts.get_or_create(&WebhookOutcome { outcome }).inc();
        }
    }

    pub async fn run(self, stop: CancellationToken) {
        let this = Arc::new(self);
        let slots = Arc::new(Semaphore::new(this.settings.concurrency));
        let finished = Arc::new(Notify::new());
        let mut in_flight = tokio::task::JoinSet::new();
        let mut waiter = this.outbox.waiter();
        while !stop.is_cancelled() {
            waiter.mark_seen();
            while in_flight.try_join_next().is_some() {}
            let deadline = match this.look(&slots, &finished, &mut in_flight).await {
                Ok(true) => continue,
                Ok(false) => this.next_look().await,
                Err(err) => {
                    tracing::warn!(error = %err, "webhooks: could not read the events to deliver; trying again");
                    tokio::time::Instant::now() + ERROR_PAUSE
                }
            };
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = waiter.wait_until(deadline) => {}
                _ = finished.notified() => {}
            }
        }
        // Attempts under way finish (each is bounded by the timeout); what is left is retried
        // when its lease ends, by whichever worker is running then.
        while in_flight.join_next().await.is_some() {}
    }

    /// One look: fan out, then start as many due deliveries as there are free slots. True when
    /// there may be more to do right away.
    async fn look(
        self: &Arc<Self>,
        slots: &Arc<Semaphore>,
        finished: &Arc<Notify>,
        in_flight: &mut tokio::task::JoinSet<()>,
    ) -> sluice_core::Result<bool> {
        let fanned = self.outbox.fan_out(FAN_OUT_BATCH).await?;
        let free = slots.available_permits();
        if free == 0 {
            return Ok(false);
        }
        let due = self.outbox.claim_due(free as u64, &self.settings.retry).await?;
        let started = due.len();
        for delivery in due {
            let Ok(permit) = slots.clone().try_acquire_owned() else { break };
            let (this, finished) = (self.clone(), finished.clone());
            in_flight.spawn(async move {
                this.attempt(&delivery).await;
                drop(permit);
                finished.notify_one();
            });
        }
        Ok(fanned as u64 == FAN_OUT_BATCH || (started == free && started > 0))
    }

    /// When to look next with nothing announced: when the next retry falls due, or after the
    /// safety look.
    async fn next_look(&self) -> tokio::time::Instant {
        let now = tokio::time::Instant::now();
        let safety = now + SAFETY_LOOK;
        match self.outbox.next_due().await {
            Ok(Some(at)) => {
                let wait = (at - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO);
                (now + wait + Duration::from_millis(5)).min(safety)
            }
            _ => safety,
        }
    }

    async fn attempt(&self, delivery: &DueDelivery) {
        let outcome = self.send(delivery).await;
        let recorded = self.outbox.record(delivery, &outcome, &self.settings.retry).await;
        match &recorded {
            Ok(Some(DeliveryStatus::Delivered)) => self.count("delivered"),
            Ok(Some(DeliveryStatus::Pending)) => self.count("retried"),
            Ok(Some(DeliveryStatus::Dead)) => self.count("dead"),
            _ => {}
        }
        match recorded {
            Ok(Some(DeliveryStatus::Dead)) => tracing::warn!(
                subscription = %delivery.subscription_uri, event = %delivery.event_uri, attempts = delivery.attempt,
                outcome = ?outcome, "webhooks: delivery dead-lettered after its last attempt"
            ),
            Ok(Some(DeliveryStatus::Pending)) => tracing::info!(
                subscription = %delivery.subscription_uri, event = %delivery.event_uri, attempt = delivery.attempt,
                outcome = ?outcome, "webhooks: delivery failed; retrying later"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!(
                error = %err, delivery = %delivery.delivery_uri,
                "webhooks: could not record an attempt; it is retried when its lease ends"
            ),
        }
    }

    /// POSTs the event, signed. Only a 2xx answer counts as delivered.
    async fn send(&self, delivery: &DueDelivery) -> Outcome {
        let url = match self.settings.targets.check_endpoint("url", &delivery.endpoint) {
            Ok(url) => url,
            Err(err) => return Outcome::Failed { status_code: None, error: err.to_string() },
        };
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signature_header(&delivery.secret, timestamp, delivery.body.as_bytes());
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header("Sluice-Event-Id", &delivery.event_uri)
            .header("Sluice-Event-Type", &delivery.event_type)
            .header("Sluice-Delivery-Attempt", delivery.attempt.to_string())
            .body(delivery.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                Outcome::Delivered { status_code: response.status().as_u16() }
            }
            Ok(response) => Outcome::Failed {
                status_code: Some(response.status().as_u16()),
                error: format!("the endpoint answered {}", response.status()),
            },
            Err(err) => Outcome::Failed { status_code: None, error: describe(&err) },
        }
    }
}

/// The error and its causes, without the URL (its query may hold a receiver's token).
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves names as the system does, then keeps only the addresses the target policy allows.
struct CheckedResolver {
    policy: TargetPolicy,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.iter().copied().filter(|a| policy.permits(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no address webhooks may reach").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use reqwest::dns::Resolve;

    use super::*;

    async fn resolve(policy: TargetPolicy, host: &str) -> Result<Vec<SocketAddr>, String> {
        let name: reqwest::dns::Name = host.parse().expect("a name");
        CheckedResolver { policy }.resolve(name).await.map(Iterator::collect).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_a_private_address_is_not_connected_to() {
        let refused = resolve(TargetPolicy { allow_private: false }, "localhost").await;
        assert!(refused.expect_err("refused").contains("no address webhooks may reach"));
        let allowed = resolve(TargetPolicy { allow_private: true }, "localhost").await.expect("allowed");
        assert!(allowed.iter().all(|a| a.ip().is_loopback()), "{allowed:?}");
    }
}
