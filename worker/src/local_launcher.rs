//! The local long-task launcher (embedded mode): runs the `ecs-tasks` binary as a child
//! process with the same arguments ECS would pass, and remembers how each run ended.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use sluice_core::tasks::{LaunchError, LaunchRequest, Launched, Launcher, RunState};

#[derive(Clone)]
pub struct LocalLauncher {
    program: PathBuf,
    /// Extra environment for the child, e.g. the database URL the parent uses.
    env: Vec<(String, String)>,
    runs: Arc<Mutex<HashMap<String, RunState>>>,
    /// Told when a child exits; the tracker waits on it.
    ended: Arc<tokio::sync::Notify>,
}

impl LocalLauncher {
    pub fn new(program: PathBuf, env: Vec<(String, String)>) -> Self {
        Self { program, env, runs: Arc::default(), ended: Arc::default() }
    }

    /// `ecs-tasks` next to the running executable: where cargo and the release archive put it.
    pub fn sibling_program() -> PathBuf {
        let name = format!("ecs-tasks{}", std::env::consts::EXE_SUFFIX);
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(&name)))
            .filter(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from(name))
    }
}

/// Logs a child's output line by line, tagged with its task.
fn forward(stream: Option<impl tokio::io::AsyncRead + Unpin + Send + 'static>, task: String, stderr: bool) {
    use tokio::io::AsyncBufReadExt;
    let Some(stream) = stream else { return };
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if stderr {
                tracing::info!(target: "ecs_tasks", task = %task, "{line}");
            } else {
                tracing::info!(target: "ecs_tasks", task = %task, result = %line, "long task result");
            }
        }
    });
}

#[async_trait::async_trait]
impl Launcher for LocalLauncher {
    fn kind(&self) -> &'static str {
        "local"
    }

    async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError> {
        let mut child = tokio::process::Command::new(&self.program)
            .args(&request.args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            // The child outlives a worker restart on purpose; its output goes through our log, so
            // it never holds the terminal or a pipe of whoever started us.
            .kill_on_drop(false)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| {
                LaunchError::with_source(
                    format!(
                        "could not start {} (set SLUICE_ECS_TASKS_BIN to its path)",
                        self.program.display()
                    ),
                    e,
                )
            })?;
        let id = child.id().map(|pid| pid.to_string()).unwrap_or_else(|| request.task_uri.clone());
        forward(child.stdout.take(), request.task_uri.clone(), false);
        forward(child.stderr.take(), request.task_uri.clone(), true);
        self.runs.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), RunState::Running);
        let runs = self.runs.clone();
        let ended = self.ended.clone();
        let key = id.clone();
        tokio::spawn(async move {
            let state = match child.wait().await {
                Ok(status) => {
                    RunState::Exited { success: status.success(), detail: format!("local process {status}") }
                }
                Err(e) => RunState::Exited {
                    success: false,
                    detail: format!("waiting for the local process failed: {e}"),
                },
            };
            runs.lock().unwrap_or_else(|e| e.into_inner()).insert(key, state);
            ended.notify_one();
        });
        Ok(Launched { launcher: self.kind().to_owned(), id })
    }

    async fn state(&self, launched: &Launched) -> Result<RunState, LaunchError> {
        Ok(self
            .runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&launched.id)
            .cloned()
            .unwrap_or(RunState::Unknown))
    }

    async fn run_ended(&self) {
        self.ended.notified().await
    }
}
