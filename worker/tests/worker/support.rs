//! A worker over the embedded queue, with handlers that leave traces the tests can count.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;
use sluice_core::Core;
use sluice_core::catalog::SearchIndex;
use sluice_core::tasks::{
    LaunchError, LaunchRequest, Launched, Launcher, NewTask, RunState, Task, TaskQueue,
};
use sluice_search::TantivyIndex;
use sluice_worker::{HandlerContext, Metrics, Outcome, Registry, TaskHandler, Worker, WorkerSettings};
use tokio_util::sync::CancellationToken;

pub async fn create_trace_tables(db: &DatabaseConnection) {
    db.execute_unprepared("CREATE TABLE test_run (id INTEGER, task_uri VARCHAR(32) NOT NULL)")
        .await
        .expect("runs");
    db.execute_unprepared("CREATE TABLE test_effect (task_uri VARCHAR(32) PRIMARY KEY)")
        .await
        .expect("effects");
}

pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("count")
        .expect("row");
    row.try_get_by_index::<i64>(0).expect("number")
}

async fn record(db: &DatabaseConnection, sql: String) -> anyhow::Result<()> {
    db.execute_unprepared(&sql).await?;
    Ok(())
}

/// Logs a run, waits `delay`, then makes its effect idempotently: a rerun adds a run, never a
/// second effect.
pub struct Effect {
    pub delay: Duration,
    /// Where runs and effects are logged (test tables, outside core's).
    pub db: DatabaseConnection,
}

#[async_trait::async_trait]
impl TaskHandler for Effect {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let _ = ctx;
        record(&self.db, format!("INSERT INTO test_run (id, task_uri) VALUES (1, '{}')", task.task_uri))
            .await?;
        tokio::time::sleep(self.delay).await;
        record(
            &self.db,
            format!(
                "INSERT INTO test_effect (task_uri) VALUES ('{}') ON CONFLICT (task_uri) DO NOTHING",
                task.task_uri
            ),
        )
        .await?;
        Ok(Outcome::Done(json!({"effect": task.task_uri})))
    }
}

/// Fails its first `failures` runs.
pub struct Flaky {
    pub failures: u32,
    pub runs: Arc<AtomicU32>,
}

#[async_trait::async_trait]
impl TaskHandler for Flaky {
    async fn handle(&self, _ctx: &HandlerContext, _task: &Task) -> anyhow::Result<Outcome> {
        let run = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
        if run <= self.failures {
            anyhow::bail!("transient failure {run}");
        }
        Ok(Outcome::Done(json!({"runs": run})))
    }
}

/// A launcher whose runs end as the test says.
pub struct FakeLauncher {
    pub state: std::sync::Mutex<RunState>,
}

#[async_trait::async_trait]
impl Launcher for FakeLauncher {
    fn kind(&self) -> &'static str {
        "fake"
    }
    async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError> {
        Ok(Launched { launcher: "fake".into(), id: format!("run-{}", request.task_uri) })
    }
    async fn state(&self, _launched: &Launched) -> Result<RunState, LaunchError> {
        Ok(self.state.lock().expect("lock").clone())
    }
}

pub fn fast_settings() -> WorkerSettings {
    WorkerSettings {
        concurrency: 4,
        max_attempts: 3,
        visibility: Duration::from_secs(2),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        receive_wait: Duration::from_millis(200),
        shutdown_grace: Duration::from_secs(5),
        long_task_check: Duration::from_millis(100),
        long_task_timeout: Duration::from_secs(3600),
        // Tests run the expiry check themselves, when they mean to.
        expiry_check: Duration::ZERO,
        expiry_warning_days: 7,
        ..WorkerSettings::default()
    }
}

pub struct Running {
    pub stop: CancellationToken,
    pub handle: tokio::task::JoinHandle<()>,
    pub metrics: Arc<Metrics>,
}

impl Running {
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.handle.await.expect("worker task");
    }
}

/// Starts a dispatcher and a worker over the embedded queue.
pub fn start(
    db: &DatabaseConnection,
    registry: Registry,
    settings: WorkerSettings,
    launcher: Arc<dyn Launcher>,
) -> Running {
    start_with_search(db, registry, settings, launcher, Arc::new(TantivyIndex::in_memory().expect("index")))
}

/// `start`, with the search index the catalog handlers write.
pub fn start_with_search(
    db: &DatabaseConnection,
    registry: Registry,
    settings: WorkerSettings,
    launcher: Arc<dyn Launcher>,
    search: Arc<dyn SearchIndex>,
) -> Running {
    let core = Core::new(db.clone());
    let queue: Arc<dyn TaskQueue> = Arc::new(core.embedded_queue());
    let stop = CancellationToken::new();
    let metrics = Metrics::new();
    // Default pacing: the loops wait for wake-ups, as in production, so these tests rely on them.
    let dispatcher = core.dispatcher(queue.clone());
    let ctx = Arc::new(HandlerContext { core, launcher, aws: None, search });
    let worker = Worker::new(queue, registry, ctx, settings, metrics.clone());
    let (s1, s2) = (stop.clone(), stop.clone());
    let handle = tokio::spawn(async move {
        tokio::join!(worker.run(s1), dispatcher.run(s2));
    });
    Running { stop, handle, metrics }
}

pub async fn enqueue(db: &DatabaseConnection, action: &str, target: &str) -> Task {
    let new = NewTask {
        action: action.into(),
        target_uri: target.into(),
        target_type: "platform".into(),
        payload: json!({}),
    };
    sluice_core::testkit::outbox::enqueue(&Core::new(db.clone()), new).await
}

/// Waits until the task is finished, or fails the test after `limit`.
pub async fn finished(db: &DatabaseConnection, uri: &str, limit: Duration) -> Task {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let task = Core::new(db.clone()).system("test").task(uri).await.expect("task");
        if task.status.is_terminal() {
            return task;
        }
        assert!(tokio::time::Instant::now() < deadline, "task {uri} still {:?} after {limit:?}", task.status);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn no_launcher() -> Arc<dyn Launcher> {
    Arc::new(FakeLauncher { state: std::sync::Mutex::new(RunState::Running) })
}
