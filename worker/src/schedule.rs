//! What the worker runs by the clock rather than from the queue: the share expiry check, so
//! access ends on time in every deployment shape without an external scheduler. Each replica runs
//! it; the check's writes are conditional, so replicas running it together revoke and warn once.
//! `ecs-tasks expire-shares` runs the same check on demand.

use std::time::Duration;

use sluice_core::Core;
use tokio_util::sync::CancellationToken;

/// The first check waits this long after start, so a restart loop doesn't run it each time.
const FIRST_CHECK: Duration = Duration::from_secs(60);

pub struct ExpirySchedule {
    pub core: Core,
    /// Zero turns the check off.
    pub every: Duration,
    pub warning_days: u16,
}

impl ExpirySchedule {
    pub async fn run(self, stop: CancellationToken) {
        if self.every.is_zero() {
            return;
        }
        let mut wait = FIRST_CHECK.min(self.every);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
            wait = self.every;
            match self.core.system("share.expire").expire_shares(self.warning_days).await {
                Ok(run) if run.revoked.is_empty() && run.warned.is_empty() => {}
                Ok(run) => tracing::info!(
                    revoked = run.revoked.len(),
                    warned = run.warned.len(),
                    busy = run.busy.len(),
                    "share expiry check"
                ),
                Err(err) => {
                    tracing::warn!(error = %err.chain(), "share expiry check failed; retrying at the next one")
                }
            }
        }
    }
}
