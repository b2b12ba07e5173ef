//! Long tasks end to end in embedded mode: the worker launches the real `ecs-tasks` binary as a
//! child process, which records its result on the task; a run that dies silently is failed by
//! the tracker.

mod catalog;
mod crawler;
mod cross_account;
mod dataset;
mod effective_access;
mod environment;
mod import;
mod share_access_points;
mod share_expiry;
mod share_filters;
mod share_folders;
mod share_kill;
mod share_races;
mod share_resume;
mod share_support;
mod shares;
mod support;
mod tables;
mod tags;

use std::{path::PathBuf, sync::Arc, time::Duration};

use sluice_core::{
    Core, on_both_backends,
    tasks::{Task, TaskStatus},
    testkit::{Backend, TestDb},
};
use sluice_worker::{LocalLauncher, Metrics, WorkerSettings, serve::Pipeline};
use tokio_util::sync::CancellationToken;

fn moto_url() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

fn settings() -> WorkerSettings {
    WorkerSettings {
        visibility: Duration::from_secs(5),
        receive_wait: Duration::from_millis(200),
        long_task_check: Duration::from_millis(200),
        backoff_base: Duration::from_millis(100),
        // The expiry test runs the check itself.
        expiry_check: Duration::ZERO,
        ..WorkerSettings::default()
    }
}

/// Queues a health check as an admin and runs the pipeline until the task finishes.
async fn run_health_check(db: &TestDb, program: PathBuf, aws_endpoint: &str) -> Task {
    let env = vec![
        ("SLUICE_DATABASE_URL".to_owned(), db.url.clone()),
        ("AWS_ENDPOINT_URL".to_owned(), aws_endpoint.to_owned()),
        ("AWS_ACCESS_KEY_ID".to_owned(), "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), "testing".to_owned()),
        ("AWS_REGION".to_owned(), "eu-west-1".to_owned()),
        ("AWS_MAX_ATTEMPTS".to_owned(), "1".to_owned()),
    ];
    let core = Core::new(db.db.clone());
    let admin = sluice_core::testkit::user("root", &["DAAdministrators"]);
    let task = core.tasks().start_health_check(&admin).await.expect("queued");
    let pipeline = Pipeline {
        queue: Arc::new(core.embedded_queue()),
        core: core.clone(),
        launcher: Arc::new(LocalLauncher::new(program, env)),
        settings: settings(),
        metrics: Metrics::new(),
        aws: None,
        search: Arc::new(sluice_search::TantivyIndex::in_memory().expect("search index")),
    };
    let stop = CancellationToken::new();
    let mut running = pipeline.start(&stop, true, true);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let finished = loop {
        let t =
            sluice_core::Core::new(db.db.clone()).system("test").task(&task.task_uri).await.expect("task");
        if t.status.is_terminal() {
            break t;
        }
        assert!(tokio::time::Instant::now() < deadline, "health check still {:?}: {t:?}", t.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop.cancel();
    while running.join_next().await.is_some() {}
    finished
}

fn ecs_tasks() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ecs-tasks"))
}

async fn the_health_check_runs_as_a_child_process_and_records_its_result(backend: Backend) {
    let db = TestDb::new(backend).await;
    let task = run_health_check(&db, ecs_tasks(), &moto_url()).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
    let response = task.response.expect("response");
    assert_eq!(response["database"]["ok"], true);
    assert!(response["aws"]["callerArn"].as_str().unwrap_or_default().starts_with("arn:aws:"), "{response}");
}

async fn an_unreachable_aws_fails_the_health_check_with_what_to_check(backend: Backend) {
    let db = TestDb::new(backend).await;
    // Nothing listens on port 9 of the loopback address.
    let task = run_health_check(&db, ecs_tasks(), "http://127.0.0.1:9").await;
    assert_eq!(task.status, TaskStatus::Failed, "{task:?}");
    let error = task.last_error.expect("error");
    assert!(error.contains("AWS unreachable") && error.contains("AWS_ENDPOINT_URL"), "{error}");
}

async fn a_long_task_that_exits_without_a_result_is_failed(backend: Backend) {
    let db = TestDb::new(backend).await;
    // `false` exits 1 at once and records nothing, like a long task killed before its end.
    let task = run_health_check(&db, PathBuf::from("false"), &moto_url()).await;
    assert_eq!(task.status, TaskStatus::Failed);
    let error = task.last_error.expect("error");
    assert!(error.contains("ended without recording a result"), "{error}");
}

on_both_backends!(
    the_health_check_runs_as_a_child_process_and_records_its_result,
    an_unreachable_aws_fails_the_health_check_with_what_to_check,
    a_long_task_that_exits_without_a_result_is_failed,
);
