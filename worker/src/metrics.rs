//! Prometheus metrics for tasks: queue depth, outbox backlog, latency, failures and retries by
//! action. `render` produces the text format `/metrics` serves.

use std::sync::Arc;

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ActionLabel {
    pub action: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub action: String,
    pub outcome: String,
}

/// How a webhook attempt ended: `delivered`, `retried` (failed, tried again later) or `dead`
/// (failed for the last time); for the event bus, `put` or `refused`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WebhookOutcome {
    pub outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub queue_depth: Gauge,
    pub outbox_backlog: Gauge,
    /// Lake Formation grants on datasets' resources that Sluice did not make, as recorded.
    pub access_drift: Gauge,
    /// Webhook attempts by how they ended, counted by the worker that made them.
    pub webhook_attempts: Family<WebhookOutcome, Counter>,
    /// Webhook deliveries not delivered or given up yet, and events not fanned out yet.
    pub webhook_pending: Gauge,
    /// Events put on the event bus (`put`), and puts it refused in part or whole (`refused`).
    pub event_bus: Family<WebhookOutcome, Counter>,
    pub processed: Family<OutcomeLabels, Counter>,
    pub failures: Family<ActionLabel, Counter>,
    pub retries: Family<ActionLabel, Counter>,
    pub latency: Family<ActionLabel, Histogram>,
}

impl Metrics {
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("sluice");
        let queue_depth = Gauge::default();
        let outbox_backlog = Gauge::default();
        let access_drift = Gauge::default();
        let webhook_attempts = Family::<WebhookOutcome, Counter>::default();
        let webhook_pending = Gauge::default();
        let event_bus = Family::<WebhookOutcome, Counter>::default();
        let processed = Family::<OutcomeLabels, Counter>::default();
        let failures = Family::<ActionLabel, Counter>::default();
        let retries = Family::<ActionLabel, Counter>::default();
        let latency = Family::<ActionLabel, Histogram>::new_with_constructor(|| {
            Histogram::new([0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0])
        });
        registry.register(
            "queue_depth",
            "Messages waiting or in flight in the task queue",
            queue_depth.clone(),
        );
        registry.register(
            "outbox_backlog",
            "Committed tasks not yet published to the queue",
            outbox_backlog.clone(),
        );
        registry.register(
            "access_drift_grants",
            "Lake Formation grants on datasets' databases and tables that Sluice did not make, as ecs-tasks verify-shares last found them",
            access_drift.clone(),
        );
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts by outcome: delivered, retried (failed, tried again later) or dead (dead-lettered)",
            webhook_attempts.clone(),
        );
        registry.register(
            "webhook_pending",
            "Webhook deliveries waiting for an attempt or a retry, and events not yet fanned out to subscriptions",
            webhook_pending.clone(),
        );
        registry.register(
            "event_bus",
            "Events put on the event bus (outcome put), and puts it refused in part or whole (outcome refused)",
            event_bus.clone(),
        );
        registry.register("tasks_processed", "Task runs by action and outcome", processed.clone());
        registry.register("task_failures", "Tasks failed for good, by action", failures.clone());
        registry.register(
            "task_retries",
            "Task runs that failed and will be retried, by action",
            retries.clone(),
        );
        registry.register(
            "task_duration_seconds",
            "Time from a task's creation to its end, by action",
            latency.clone(),
        );
        Arc::new(Self {
            registry,
            queue_depth,
            outbox_backlog,
            access_drift,
            webhook_attempts,
            webhook_pending,
            event_bus,
            processed,
            failures,
            retries,
            latency,
        })
    }

    pub fn count(&self, action: &str, outcome: &str) {
        self.processed
            .get_or_create(&OutcomeLabels { action: action.to_owned(), outcome: outcome.to_owned() })
            .inc();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_metrics_carry_their_labels() {
        let m = Metrics::new();
        m.count("platform.health", "succeeded");
        m.retries.get_or_create(&ActionLabel { action: "x".into() }).inc();
        m.queue_depth.set(3);
        m.webhook_attempts.get_or_create(&WebhookOutcome { outcome: "dead" }).inc();
        let text = m.render();
        assert!(
            text.contains("sluice_tasks_processed_total{action=\"platform.health\",outcome=\"succeeded\"} 1"),
            "{text}"
        );
        assert!(text.contains("sluice_task_retries_total{action=\"x\"} 1"), "{text}");
        assert!(text.contains("sluice_queue_depth 3"), "{text}");
        assert!(text.contains("sluice_webhook_attempts_total{outcome=\"dead\"} 1"), "{text}");
    }
}
