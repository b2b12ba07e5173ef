//! Long tasks record their own result. This tracker covers the runs that cannot: a process
//! killed, a Fargate task stopped. It asks the launcher how each started long task is doing and
//! fails the ones that ended without a word, so none stays "started" forever.
//!
//! It checks every `SLUICE_LONG_TASK_CHECK_MS` while long tasks run, and only every ten of those
//! when none does (it is told of launches from this process, and of local runs ending, at once),
//! so an idle worker does not query for them.

use std::{sync::Arc, time::Duration};

use sluice_core::{
    Core,
    tasks::{Launched, Launcher, RunState, Task},
};
use tokio_util::sync::CancellationToken;

use crate::settings::WorkerSettings;

pub struct LongTaskTracker {
    core: Core,
    launcher: Arc<dyn Launcher>,
    settings: WorkerSettings,
    /// Told when this process launches a long task.
    launches: Option<Arc<tokio::sync::Notify>>,
}

/// How many checks' worth of time the tracker waits when no long task runs: it still looks now
/// and then for runs another worker launched and can no longer track.
const IDLE_CHECKS: u32 = 10;

/// What one pass found.
struct Pass {
    failed: usize,
    /// Runs of this launcher still going (or whose state could not be read).
    running: usize,
}

fn launched(task: &Task) -> Option<Launched> {
    let value = task.response.as_ref()?.get("launched")?.clone();
    serde_json::from_value(value).ok()
}

impl LongTaskTracker {
    pub fn new(core: Core, launcher: Arc<dyn Launcher>, settings: WorkerSettings) -> Self {
        Self { core, launcher, settings, launches: None }
    }

    /// Wakes the tracker when `launches` is notified (a long task launched in this process).
    pub fn with_launches(mut self, launches: Arc<tokio::sync::Notify>) -> Self {
        self.launches = Some(launches);
        self
    }

    /// One pass; returns how many tasks it failed.
    pub async fn check_once(&self) -> sluice_core::Result<usize> {
        Ok(self.pass().await?.failed)
    }

    async fn pass(&self) -> sluice_core::Result<Pass> {
        let mut failed = 0;
        let mut running = 0;
        let system = self.core.system("task.track");
        for task in system.started_tasks(500).await? {
            let Some(run) = launched(&task).filter(|l| l.launcher == self.launcher.kind()) else { continue };
            let state = match self.launcher.state(&run).await {
                Ok(state) => state,
                Err(err) => {
                    tracing::warn!(error = %err, task = %task.task_uri, "could not ask the launcher about a long task");
                    running += 1;
                    continue;
                }
            };
            let reason = match state {
                RunState::Running => {
                    running += 1;
                    continue;
                }
                RunState::Exited { detail, .. } => {
                    format!(
                        "the long task ({} {}) ended without recording a result: {detail}",
                        run.launcher, run.id
                    )
                }
                RunState::Unknown => {
                    let age = (chrono::Utc::now() - task.updated).to_std().unwrap_or_default();
                    if age < self.settings.long_task_timeout {
                        running += 1;
                        continue;
                    }
                    format!(
                        "lost track of the long task ({} {}) for {} s; start it again with retryTask",
                        run.launcher,
                        run.id,
                        age.as_secs()
                    )
                }
            };
            // Conditional on "started": a result the run recorded before it ended stands.
            if system.task_failed(&task.task_uri, &reason).await? {
                tracing::warn!(task = %task.task_uri, reason, "long task failed by the tracker");
                failed += 1;
            }
        }
        Ok(Pass { failed, running })
    }

    pub async fn run(self, stop: CancellationToken) {
        let check = self.settings.long_task_check;
        let mut next = tokio::time::Instant::now();
        loop {
            let launched = async {
                match &self.launches {
                    Some(launches) => launches.notified().await,
                    None => std::future::pending().await,
                }
            };
            let run_ended = tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep_until(next) => false,
                _ = self.launcher.run_ended() => true,
                _ = launched => {
                    // Checked a period after launch, as before, not at once.
                    next = next.min(tokio::time::Instant::now() + check);
                    continue;
                }
            };
            if run_ended {
                // A local run may have queued tasks through its own connection, which this
                // process's loops cannot hear on SQLite.
                self.core.wake_task_loops();
            }
            let pause = match self.pass().await {
                Ok(pass) if pass.running == 0 => check.saturating_mul(IDLE_CHECKS),
                Ok(_) => check,
                Err(err) => {
                    tracing::warn!(error = %err.chain(), "checking long tasks failed");
                    check
                }
            };
            next = tokio::time::Instant::now() + pause.max(Duration::from_millis(1));
        }
    }
}
