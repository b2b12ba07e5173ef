//! Asynchronous work: task rows written in the same transaction as the change that needs them
//! (the transactional outbox), a dispatcher that publishes them, a queue, and long tasks.

pub mod dispatcher;
pub mod embedded;
pub mod launcher;
mod model;
pub mod queue;
#[cfg(any(test, feature = "testkit"))]
pub mod queue_suite;
pub mod service;
pub(crate) mod store;
pub mod wakeup;

pub use dispatcher::Dispatcher;
pub use embedded::EmbeddedQueue;
pub use launcher::{LaunchError, LaunchRequest, Launched, Launcher, RunState};
pub use model::{NewTask, Task, TaskStatus, targets};
pub use queue::{Delivery, QueueError, QueueMessage, TaskQueue};
pub use service::{HEALTH_ACTION, TaskFilter, Tasks};

#[cfg(test)]
mod outbox_tests;
