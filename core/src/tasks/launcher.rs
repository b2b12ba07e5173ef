//! The long-task launcher port: runs the `ecs-tasks` binary for a task, as an ECS task on
//! Fargate (in `cloud/`) or as a local child process (in `worker/`). The launched program
//! records its own result on its task; the launcher reports how the run ended so a run that
//! died without recording is marked failed rather than left started.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchRequest {
    pub task_uri: String,
    /// Arguments for the `ecs-tasks` binary, e.g. `["health", "--task-uri", "abc"]`.
    pub args: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Launched {
    /// `local` or `ecs`.
    pub launcher: String,
    /// A process id, or an ECS task ARN.
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Running,
    Exited {
        success: bool,
        detail: String,
    },
    /// The launcher no longer knows the run (a restarted process, an expired ECS record).
    Unknown,
}

#[derive(Debug, thiserror::Error)]
#[error("long-task launcher: {message}")]
pub struct LaunchError {
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl LaunchError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self { message: message.into(), source: Some(Box::new(source)) }
    }
}

#[async_trait::async_trait]
pub trait Launcher: Send + Sync {
    fn kind(&self) -> &'static str;

    async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError>;

    async fn state(&self, launched: &Launched) -> Result<RunState, LaunchError>;

    /// Resolves when a run this launcher started has ended, for a launcher that sees it happen
    /// (a local child process), so the tracker checks at once rather than on its schedule. The
    /// default never resolves: the tracker asks `state` every `SLUICE_LONG_TASK_CHECK_MS`.
    async fn run_ended(&self) {
        std::future::pending::<()>().await
    }
}
