//! No lost task across a crash: a worker process is SIGKILLed in the middle of a handler, a new
//! one starts, and every task ends succeeded with its effect made exactly once.
//!
//! The worker process is this test binary run again with `--ignored --exact crash::child_worker`
//! and the database URL in its environment, so the test handler never ships in a real binary.

use std::{process::Stdio, time::Duration};

use sluice_core::{
    on_both_backends,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};
use sluice_worker::Registry;

use crate::support::*;

const CHILD_ENV: &str = "SLUICE_CRASH_TEST_DB";
const TASKS: usize = 4;

fn spawn_child(url: &str) -> tokio::process::Child {
    tokio::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--ignored", "--exact", "crash::child_worker", "--nocapture"])
        .env(CHILD_ENV, url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the worker process")
}

async fn a_killed_worker_loses_no_task_and_repeats_no_effect(backend: Backend) {
    let db = TestDb::new(backend).await;
    create_trace_tables(&db.db).await;
    let mut uris = Vec::new();
    for i in 0..TASKS {
        uris.push(enqueue(&db.db, "test.effect", &format!("res-{i}")).await.task_uri);
    }

    let mut first = spawn_child(&db.url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while count(&db.db, "SELECT COUNT(*) FROM test_run").await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the worker process never started a task");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.start_kill().expect("SIGKILL");
    first.wait().await.expect("reap");
    let effects_at_kill = count(&db.db, "SELECT COUNT(*) FROM test_effect").await;
    assert!((effects_at_kill as usize) < TASKS, "the kill landed mid-way");

    let mut second = spawn_child(&db.url);
    for uri in &uris {
        let task = finished(&db.db, uri, Duration::from_secs(60)).await;
        assert_eq!(task.status, TaskStatus::Succeeded, "{uri}");
    }
    second.start_kill().expect("kill");
    second.wait().await.expect("reap");

    assert_eq!(count(&db.db, "SELECT COUNT(*) FROM test_effect").await, TASKS as i64, "one effect per task");
    let runs = count(&db.db, "SELECT COUNT(*) FROM test_run").await;
    assert!(runs > TASKS as i64, "the interrupted task ran again ({runs} runs)");
    for uri in &uris {
        assert!(
            sluice_core::Core::new(db.db.clone()).system("test").task(uri).await.expect("task").status
                == TaskStatus::Succeeded
        );
    }
}

on_both_backends!(a_killed_worker_loses_no_task_and_repeats_no_effect);

#[tokio::test]
#[ignore = "the crash test's worker process; it runs only when that test starts it"]
async fn child_worker() {
    let url = std::env::var(CHILD_ENV).expect("started by the crash test");
    let db = sluice_core::testkit::db::connect(&url).await;
    let mut registry = Registry::default();
    registry.register("test.effect", Effect { delay: Duration::from_millis(700), db: db.clone() });
    let running = start(&db, registry, fast_settings(), no_launcher());
    running.handle.await.expect("runs until killed");
}
