//! Running the whole pipeline in one process: the dispatcher, the worker, the long-task
//! tracker, and the metrics their scrapes read. `sluice-worker` and `sluice serve` (embedded
//! mode) both start it through here.

use std::sync::Arc;

use axum::{Router, extract::State, routing::get};
use sea_orm::DatabaseConnection;
use sluice_core::{
    catalog::SearchIndex,
    tasks::{Launcher, TaskQueue, dispatcher::Dispatcher, store},
};
use tokio_util::sync::CancellationToken;

use crate::{HandlerContext, LongTaskTracker, Metrics, Registry, Worker, WorkerSettings};

pub struct Pipeline {
    pub db: DatabaseConnection,
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
            let dispatcher = Dispatcher::new(self.db.clone(), self.queue.clone());
            set.spawn(dispatcher.run(stop.clone()));
        }
        if work {
            let ctx = Arc::new(HandlerContext {
                db: self.db.clone(),
                launcher: self.launcher.clone(),
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
            let tracker = LongTaskTracker::new(self.db.clone(), self.launcher.clone(), self.settings.clone());
            set.spawn(tracker.run(stop.clone()));
        }
        set
    }
}

#[derive(Clone)]
pub struct MetricsState {
    pub metrics: Arc<Metrics>,
    pub queue: Arc<dyn TaskQueue>,
    pub db: DatabaseConnection,
}

/// `GET /metrics` in Prometheus text format; queue depth and outbox backlog are read at scrape.
pub fn metrics_router(state: MetricsState) -> Router {
    Router::new().route("/metrics", get(render)).with_state(state)
}

async fn render(State(state): State<MetricsState>) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    match state.queue.depth().await {
        Ok(depth) => {
            state.metrics.queue_depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err, "metrics: could not read the queue depth"),
    }
    match store::backlog(&state.db).await {
        Ok(n) => {
            state.metrics.outbox_backlog.set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err.chain(), "metrics: could not read the outbox backlog"),
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
