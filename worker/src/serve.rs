//! Running the whole pipeline in one process: the dispatcher, the worker, the long-task
//! tracker, and the metrics their scrapes read. `sluice-worker` and `sluice serve` (embedded
//! mode) both start it through here.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{Router, extract::State, routing::get};
use sluice_core::{
    Core,
    catalog::SearchIndex,
    tasks::{LaunchError, LaunchRequest, Launched, Launcher, RunState, TaskQueue},
};
use tokio_util::sync::CancellationToken;

use crate::{
    HandlerContext, LongTaskTracker, Metrics, Registry, Retained, Retention, Worker, WorkerSettings,
};

pub struct Pipeline {
    pub core: Core,
    pub queue: Arc<dyn TaskQueue>,
    pub launcher: Arc<dyn Launcher>,
    pub settings: WorkerSettings,
    pub metrics: Arc<Metrics>,
    /// For handlers that call AWS in-process; None uses the process's own configuration.
    pub aws: Option<sluice_cloud::sdk::aws_config::SdkConfig>,
    /// The catalog's search index; the API reads the same one.
    pub search: Arc<dyn SearchIndex>,
}

impl Pipeline {
    /// Starts what the flags ask for and returns the handles; they stop when `stop` is cancelled.
    pub fn start(&self, stop: &CancellationToken, dispatch: bool, work: bool) -> tokio::task::JoinSet<()> {
        let mut set = tokio::task::JoinSet::new();
        if dispatch {
            let dispatcher = self.core.dispatcher(self.queue.clone());
            set.spawn(dispatcher.run(stop.clone()));
        }
        if work {
            let launches = Arc::new(tokio::sync::Notify::new());
            let launcher: Arc<dyn Launcher> =
                Arc::new(Announcing { inner: self.launcher.clone(), launches: launches.clone() });
            let ctx = Arc::new(HandlerContext {
                core: self.core.clone(),
                launcher: launcher.clone(),
                aws: self.aws.clone(),
                search: self.search.clone(),
            });
            let worker = Worker::new(
                self.queue.clone(),
                Registry::standard(),
                ctx,
                self.settings.clone(),
                self.metrics.clone(),
            );
            set.spawn(worker.run(stop.clone()));
            let tracker = LongTaskTracker::new(self.core.clone(), launcher, self.settings.clone())
                .with_launches(launches);
            set.spawn(tracker.run(stop.clone()));
            let expiry = crate::schedule::ExpirySchedule {
                core: self.core.clone(),
                every: self.settings.expiry_check,
                warning_days: self.settings.expiry_warning_days,
            };
            set.spawn(expiry.run(stop.clone()));
            match crate::WebhookDelivery::new(&self.core, self.settings.webhooks.clone()) {
                Ok(webhooks) => {
                    set.spawn(webhooks.with_metrics(self.metrics.clone()).run(stop.clone()));
                }
                Err(err) => {
                    tracing::error!(error = %err, "webhooks: no HTTP client; events are kept undelivered")
                }
            }
            if let Some(bus) = self.settings.eventbridge_bus.clone() {
                let (relay, aws, metrics, stop) =
                    (self.core.event_relay(), self.aws.clone(), self.metrics.clone(), stop.clone());
                set.spawn(async move {
                    let bus = crate::wiring::event_bus(&bus, aws).await;
                    tracing::info!(bus = bus.name(), "event bus: every event is also put on EventBridge");
                    crate::EventBusRelay::new(relay, bus).with_metrics(metrics).run(stop).await
                });
            }
            let retained = [
                (Retained::Activity, self.settings.audit_retention_days),
                (Retained::Events, self.settings.event_retention_days),
            ];
            for (what, days) in retained {
                if let Some(days) = days {
                    let retention =
                        Retention::new(self.core.clone(), what, days, self.settings.audit_prune_every);
                    set.spawn(retention.run(stop.clone()));
                }
            }
        }
        set
    }
}

/// The launcher, telling the tracker of each launch: with no long task running, the tracker
/// waits for one rather than querying for it.
struct Announcing {
    inner: Arc<dyn Launcher>,
    launches: Arc<tokio::sync::Notify>,
}

#[async_trait::async_trait]
impl Launcher for Announcing {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError> {
        let launched = self.inner.launch(request).await;
        if launched.is_ok() {
            self.launches.notify_one();
        }
        launched
    }

    async fn state(&self, launched: &Launched) -> Result<RunState, LaunchError> {
        self.inner.state(launched).await
    }

    async fn run_ended(&self) {
        self.inner.run_ended().await
    }
}

#[derive(Clone)]
pub struct MetricsState {
    pub metrics: Arc<Metrics>,
    pub queue: Arc<dyn TaskQueue>,
    pub core: Core,
}

/// Scrapes closer together than this share one reading: a reading asks the queue (an SQS call)
/// and the database, and whoever reaches the port should not be able to multiply those.
const MIN_READING_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Clone)]
struct Scrape {
    state: MetricsState,
    /// When the gauges were last read; held across a reading, so concurrent scrapes wait for one.
    last_reading: Arc<tokio::sync::Mutex<Option<Instant>>>,
}

/// `GET /metrics` in Prometheus text format; queue depth and outbox backlog are read at scrape,
/// at most once a second. Serve it on a private address: `sluice serve` keeps it off the API's
/// listener (`SLUICE_METRICS_BIND`), and `sluice-worker` binds `SLUICE_WORKER_METRICS_BIND`.
pub fn metrics_router(state: MetricsState) -> Router {
    let scrape = Scrape { state, last_reading: Arc::new(tokio::sync::Mutex::new(None)) };
    Router::new().route("/metrics", get(render)).with_state(scrape)
}

async fn render(State(scrape): State<Scrape>) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    {
        let mut last = scrape.last_reading.lock().await;
        if last.is_none_or(|at| at.elapsed() >= MIN_READING_INTERVAL) {
            read_gauges(&scrape.state).await;
            *last = Some(Instant::now());
        }
    }
    let text = scrape.state.metrics.render();
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text)
}

async fn read_gauges(state: &MetricsState) {
    match state.queue.depth().await {
        Ok(depth) => {
            state.metrics.queue_depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err, "metrics: could not read the queue depth"),
    }
    match state.core.system("metrics").task_backlog().await {
        Ok(n) => {
            state.metrics.outbox_backlog.set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err.chain(), "metrics: could not read the outbox backlog"),
    }
    match state.core.event_outbox().backlog().await {
        Ok((events, deliveries)) => {
            state.metrics.webhook_pending.set(i64::try_from(events + deliveries).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err.chain(), "metrics: could not read the webhook backlog"),
    }
    match state.core.system("metrics").drift_count().await {
        Ok(n) => {
            state.metrics.access_drift.set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err.chain(), "metrics: could not read the recorded access drift"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sluice_core::{
        tasks::{Delivery, EmbeddedQueue, QueueError, QueueMessage},
        testkit::{Backend, TestDb},
    };

    use super::*;
    use crate::Metrics;

    /// The embedded queue, counting how often its depth is asked.
    struct Counted {
        inner: EmbeddedQueue,
        depths: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl TaskQueue for Counted {
        fn kind(&self) -> &'static str {
            "counted"
        }
        async fn publish(&self, messages: &[QueueMessage]) -> Result<(), QueueError> {
            self.inner.publish(messages).await
        }
        async fn receive(
            &self,
            max: usize,
            wait: Duration,
            visibility: Duration,
        ) -> Result<Vec<Delivery>, QueueError> {
            self.inner.receive(max, wait, visibility).await
        }
        async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
            self.inner.ack(delivery).await
        }
        async fn extend(&self, delivery: &Delivery, visibility: Duration) -> Result<(), QueueError> {
            self.inner.extend(delivery, visibility).await
        }
        async fn release(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError> {
            self.inner.release(delivery, delay).await
        }
        async fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError> {
            self.inner.dead_letter(delivery, reason).await
        }
        async fn depth(&self) -> Result<u64, QueueError> {
            self.depths.fetch_add(1, Ordering::SeqCst);
            self.inner.depth().await
        }
        async fn dead_letters(&self, max: usize) -> Result<Vec<QueueMessage>, QueueError> {
            self.inner.dead_letters(max).await
        }
    }

    #[tokio::test]
    async fn a_burst_of_scrapes_reads_the_queue_and_the_database_once() {
        let test_db = TestDb::new(Backend::Sqlite).await;
        let core = sluice_core::Core::new(test_db.db.clone());
        let queue = Arc::new(Counted { inner: core.embedded_queue(), depths: AtomicUsize::new(0) });
        let state = MetricsState { metrics: Metrics::new(), queue: queue.clone(), core };
        let scrape = Scrape { state, last_reading: Arc::new(tokio::sync::Mutex::new(None)) };
        let burst = (0..50).map(|_| render(State(scrape.clone())));
        for (_, text) in futures::future::join_all(burst).await {
            assert!(text.contains("sluice_queue_depth 0"), "{text}");
        }
        assert_eq!(queue.depths.load(Ordering::SeqCst), 1);
        *scrape.last_reading.lock().await = Some(Instant::now() - MIN_READING_INTERVAL);
        render(State(scrape.clone())).await;
        assert_eq!(queue.depths.load(Ordering::SeqCst), 2, "a scrape a second later reads again");
    }
}
