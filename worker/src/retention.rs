//! Retention, as the platform's own tasks, at start and then hourly, a batch per statement:
//! - the audit trail (`SLUICE_AUDIT_RETENTION_DAYS`, off by default), as `audit.retention`;
//! - events and their delivery log (`SLUICE_EVENT_RETENTION_DAYS`, 30 days by default), as
//!   `events.retention`.
//!
//! The trail records how many rows each pass deleted. Replicas may each run it: deleting rows
//! another replica deleted first deletes nothing.

use std::time::Duration;

use sluice_core::{Core, audit::PRUNE_BATCH};
use tokio_util::sync::CancellationToken;

/// What a retention prunes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retained {
    /// Activity rows.
    Activity,
    /// Finished webhook deliveries and the events nobody is owed any more.
    Events,
}

pub struct Retention {
    core: Core,
    what: Retained,
    days: u32,
    every: Duration,
}

impl Retention {
    pub fn new(core: Core, what: Retained, days: u32, every: Duration) -> Self {
        Self { core, what, days, every }
    }

    /// One pass; returns how many rows it deleted.
    pub async fn prune_once(&self) -> sluice_core::Result<u64> {
        match self.what {
            Retained::Activity => {
                self.core.system("audit.retention").prune_activity(self.days, PRUNE_BATCH).await
            }
            Retained::Events => {
                let (deliveries, events) =
                    self.core.system("events.retention").prune_events(self.days, PRUNE_BATCH).await?;
                Ok(deliveries + events)
            }
        }
    }

    pub async fn run(self, stop: CancellationToken) {
        loop {
            match self.prune_once().await {
                Ok(0) => {}
                Ok(deleted) => {
                    tracing::info!(deleted, days = self.days, what = ?self.what, "retention: pruned")
                }
                Err(err) => {
                    tracing::warn!(error = %err.chain(), what = ?self.what, "retention: pruning failed")
                }
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
