//! The audit trail's retention: with `SLUICE_AUDIT_RETENTION_DAYS` set, activity rows older than
//! that are deleted at start and then hourly, a batch per statement, as the platform's
//! `audit.retention` task (the trail records how many it deleted). Off by default. Replicas may
//! each run it: deleting rows another replica deleted first deletes nothing.

use std::time::Duration;

use sluice_core::{Core, audit::PRUNE_BATCH};
use tokio_util::sync::CancellationToken;

pub struct ActivityRetention {
    core: Core,
    days: u32,
    every: Duration,
}

impl ActivityRetention {
    pub fn new(core: Core, days: u32, every: Duration) -> Self {
        Self { core, days, every }
    }

    /// One pass; returns how many rows it deleted.
    pub async fn prune_once(&self) -> sluice_core::Result<u64> {
        self.core.system("audit.retention").prune_activity(self.days, PRUNE_BATCH).await
    }

    pub async fn run(self, stop: CancellationToken) {
        loop {
            match self.prune_once().await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, days = self.days, "pruned the activity trail"),
                Err(err) => tracing::warn!(error = %err.chain(), "pruning the activity trail failed"),
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
        }
    }
}
