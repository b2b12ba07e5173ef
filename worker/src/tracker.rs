//! Long tasks record their own result. This tracker covers the runs that cannot: a process
//! killed, a Fargate task stopped. It asks the launcher how each started long task is doing and
//! fails the ones that ended without a word, so none stays "started" forever.

use std::sync::Arc;

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
}

fn launched(task: &Task) -> Option<Launched> {
    let value = task.response.as_ref()?.get("launched")?.clone();
    serde_json::from_value(value).ok()
}

impl LongTaskTracker {
    pub fn new(core: Core, launcher: Arc<dyn Launcher>, settings: WorkerSettings) -> Self {
        Self { core, launcher, settings }
    }

    /// One pass; returns how many tasks it failed.
    pub async fn check_once(&self) -> sluice_core::Result<usize> {
        let mut failed = 0;
        let system = self.core.system("task.track");
        for task in system.started_tasks(500).await? {
            let Some(run) = launched(&task).filter(|l| l.launcher == self.launcher.kind()) else { continue };
            let state = match self.launcher.state(&run).await {
                Ok(state) => state,
                Err(err) => {
                    tracing::warn!(error = %err, task = %task.task_uri, "could not ask the launcher about a long task");
                    continue;
                }
            };
            let reason = match state {
                RunState::Running => continue,
                RunState::Exited { detail, .. } => {
                    format!(
                        "the long task ({} {}) ended without recording a result: {detail}",
                        run.launcher, run.id
                    )
                }
                RunState::Unknown => {
                    let age = (chrono::Utc::now() - task.updated).to_std().unwrap_or_default();
                    if age < self.settings.long_task_timeout {
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
        Ok(failed)
    }

    pub async fn run(self, stop: CancellationToken) {
        loop {
            if let Err(err) = self.check_once().await {
                tracing::warn!(error = %err.chain(), "checking long tasks failed");
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(self.settings.long_task_check) => {}
            }
        }
    }
}
