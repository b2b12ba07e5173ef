//! Issue 28's "Idle" target: an idle pipeline sends at most one statement a second, and a new
//! task still starts at once. The loops wait for wake-ups (LISTEN/NOTIFY on Postgres, the
//! connections' own announcements on SQLite) and look on their own only every 30 s, so a task
//! picked up in well under that proves the wake-up, not a poll, found it.

use std::{
    sync::{Arc, atomic::AtomicU32},
    time::{Duration, Instant},
};

use sluice_core::{
    Core, on_both_backends,
    tasks::{TaskQueue, TaskStatus},
    testkit::{Backend, Statements, TestDb, counted_core},
};
use sluice_worker::{Metrics, Registry, WorkerSettings, serve::Pipeline};
use tokio_util::sync::CancellationToken;

use crate::support::*;

/// How long the pipeline is watched while it has nothing to do.
const IDLE: Duration = Duration::from_secs(5);
/// A bound on pickup far below the 30 s safety look, and far above a wake-up's milliseconds.
const PICKUP: Duration = Duration::from_secs(2);

struct Serving {
    stop: CancellationToken,
    tasks: tokio::task::JoinSet<()>,
}

impl Serving {
    /// The dispatcher, the worker and the long-task tracker, as `sluice serve` runs them, with
    /// its default settings.
    fn start(core: &Core) -> Self {
        let pipeline = Pipeline {
            core: core.clone(),
            queue: Arc::new(core.embedded_queue()) as Arc<dyn TaskQueue>,
            launcher: no_launcher(),
            settings: WorkerSettings::default(),
            metrics: Metrics::new(),
            aws: None,
            search: Arc::new(sluice_search::TantivyIndex::in_memory().expect("index")),
        };
        let stop = CancellationToken::new();
        let tasks = pipeline.start(&stop, true, true);
        Self { stop, tasks }
    }

    async fn stop(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Statements a second over `window`.
async fn rate(statements: &Statements, window: Duration) -> f64 {
    let before = statements.count();
    tokio::time::sleep(window).await;
    (statements.count() - before) as f64 / window.as_secs_f64()
}

async fn an_idle_server_sends_at_most_one_statement_a_second_and_a_new_task_starts_at_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, statements) = counted_core(&db, 5).await;
    let serving = Serving::start(&core);
    // Start-up: every loop looks once, and once more when the listener is up.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let idle = rate(&statements, IDLE).await;
    eprintln!("{backend:?}: {idle:.2} statements/s while idle");
    assert!(idle <= 1.0, "an idle server sent {idle:.2} statements/s");

    // Written by another connection than the pipeline's, as the API would.
    let started = Instant::now();
    let task = enqueue(&db.db, "test.nobody", "res-1").await;
    let done = finished(&db.db, &task.task_uri, PICKUP).await;
    let pickup = started.elapsed();
    eprintln!("{backend:?}: a new task ended {} ms after it was written", pickup.as_millis());
    assert_eq!(done.status, TaskStatus::Failed, "the worker ran it (it has no handler)");

    // Quiet again once it is done.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rate(&statements, IDLE).await;
    assert!(after <= 1.0, "after a task the server kept sending {after:.2} statements/s");
    serving.stop().await;
}

async fn a_retry_runs_when_its_backoff_ends_not_at_the_next_safety_look(backend: Backend) {
    let db = TestDb::new(backend).await;
    let mut registry = Registry::default();
    registry.register("test.flaky", Flaky { failures: 1, runs: Arc::new(AtomicU32::new(0)) });
    let settings = WorkerSettings {
        backoff_base: Duration::from_secs(1),
        backoff_max: Duration::from_secs(1),
        receive_wait: Duration::from_secs(10),
        ..fast_settings()
    };
    let worker = start(&db.db, registry, settings, no_launcher());
    let task = enqueue(&db.db, "test.flaky", "res-1").await;
    let done = finished(&db.db, &task.task_uri, Duration::from_secs(10)).await;
    assert_eq!((done.status, done.attempts), (TaskStatus::Succeeded, 2));
    worker.shutdown().await;
}

on_both_backends!(
    an_idle_server_sends_at_most_one_statement_a_second_and_a_new_task_starts_at_once,
    a_retry_runs_when_its_backoff_ends_not_at_the_next_safety_look,
);

/// The LISTEN connection is cut: the loops poll until it is back, then wait again, and no task
/// is missed meanwhile.
#[tokio::test]
async fn a_task_written_while_the_listener_reconnects_still_starts() {
    let db = TestDb::new(Backend::Postgres).await;
    let (core, _) = counted_core(&db, 5).await;
    let serving = Serving::start(&core);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cut = count(
        &db.db,
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE application_name = 'sluice-wakeups' AND datname = current_database()",
    )
    .await;
    assert_eq!(cut, 1, "one wake-up connection per process and database");
    let task = enqueue(&db.db, "test.nobody", "res-1").await;
    assert_eq!(finished(&db.db, &task.task_uri, PICKUP).await.status, TaskStatus::Failed);

    // Back to waiting: the next task is picked up by a notification again.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let task = enqueue(&db.db, "test.nobody", "res-2").await;
    assert_eq!(finished(&db.db, &task.task_uri, PICKUP).await.status, TaskStatus::Failed);
    serving.stop().await;
}
