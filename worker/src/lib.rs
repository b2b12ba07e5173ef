//! The task worker: consumes the queue, runs handlers by action with retries, heartbeats and
//! dead-lettering, and tracks long tasks. `sluice-worker` runs it alone; `sluice serve` embeds it.

pub mod event_bus;
pub mod handler;
pub mod handlers;
pub mod local_launcher;
pub mod metrics;
pub mod retention;
pub mod runner;
pub mod schedule;
pub mod serve;
pub mod settings;
pub mod tracker;
pub mod webhooks;
pub mod wiring;

pub use event_bus::EventBusRelay;
pub use handler::{HandlerContext, Outcome, Registry, TaskHandler};
pub use local_launcher::LocalLauncher;
pub use metrics::Metrics;
pub use retention::{Retained, Retention};
pub use runner::Worker;
pub use settings::{WebhookSettings, WorkerSettings};
pub use tracker::LongTaskTracker;
pub use webhooks::WebhookDelivery;
