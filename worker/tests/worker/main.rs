//! The worker against the embedded queue on Postgres and SQLite: retries, dead letters,
//! heartbeats, shutdown, crashes and long tasks.

mod crash;
mod event_bus;
mod eventbridge;
mod retention;
mod schedule;
mod support;
mod wakeups;
mod webhooks;

use std::{
    sync::{Arc, atomic::AtomicU32},
    time::Duration,
};

use sluice_core::{
    catalog::{DocumentKind, FacetField, SearchIndex, SearchRequest, Visibility},
    on_both_backends,
    tasks::{RunState, TaskQueue, TaskStatus},
    testkit::{Backend, TestDb},
};
use sluice_worker::{LongTaskTracker, Registry};
use support::*;

async fn a_task_runs_once_and_its_message_is_acknowledged(backend: Backend) {
    let db = TestDb::new(backend).await;
    create_trace_tables(&db.db).await;
    let mut registry = Registry::default();
    registry.register("test.effect", Effect { delay: Duration::ZERO, db: db.db.clone() });
    let worker = start(&db.db, registry, fast_settings(), no_launcher());
    let task = enqueue(&db.db, "test.effect", "res-1").await;

    let done = finished(&db.db, &task.task_uri, Duration::from_secs(20)).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.attempts, 1);
    assert_eq!(done.response, Some(serde_json::json!({"effect": task.task_uri})));
    assert_eq!(count(&db.db, "SELECT COUNT(*) FROM test_effect").await, 1);
    worker.shutdown().await;
    assert_eq!(
        sluice_core::Core::new(db.db.clone()).embedded_queue().depth().await.expect("depth"),
        0,
        "the message was acked"
    );
}

async fn a_failing_task_is_retried_with_backoff_until_it_succeeds(backend: Backend) {
    let db = TestDb::new(backend).await;
    let runs = Arc::new(AtomicU32::new(0));
    let mut registry = Registry::default();
    registry.register("test.flaky", Flaky { failures: 2, runs: runs.clone() });
    let worker = start(&db.db, registry, fast_settings(), no_launcher());
    let task = enqueue(&db.db, "test.flaky", "res-1").await;

    let done = finished(&db.db, &task.task_uri, Duration::from_secs(20)).await;
    assert_eq!((done.status, done.attempts), (TaskStatus::Succeeded, 3));
    assert_eq!(done.last_error.as_deref(), Some("transient failure 2"), "the last error is kept");
    let metrics = worker.metrics.render();
    assert!(metrics.contains("sluice_task_retries_total{action=\"test.flaky\"} 2"), "{metrics}");
    worker.shutdown().await;
}

async fn a_poison_task_fails_after_its_attempts_and_lands_in_the_dead_letter_queue(backend: Backend) {
    let db = TestDb::new(backend).await;
    let runs = Arc::new(AtomicU32::new(0));
    let mut registry = Registry::default();
    registry.register("test.poison", Flaky { failures: u32::MAX, runs: runs.clone() });
    let worker = start(&db.db, registry, fast_settings(), no_launcher());
    let task = enqueue(&db.db, "test.poison", "res-1").await;
    let unknown = enqueue(&db.db, "test.nobody", "res-2").await;

    let done = finished(&db.db, &task.task_uri, Duration::from_secs(20)).await;
    assert_eq!((done.status, done.attempts), (TaskStatus::Failed, 3));
    assert_eq!(done.last_error.as_deref(), Some("transient failure 3"));
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);
    let orphan = finished(&db.db, &unknown.task_uri, Duration::from_secs(20)).await;
    assert_eq!(orphan.status, TaskStatus::Failed);
    assert!(orphan.last_error.as_deref().unwrap_or_default().contains("no handler for action test.nobody"));
    worker.shutdown().await;

    let dead =
        sluice_core::Core::new(db.db.clone()).embedded_queue().dead_letters(10).await.expect("dead letters");
    let mut dead_uris: Vec<String> = dead.into_iter().flat_map(|m| m.task_uris).collect();
    dead_uris.sort();
    let mut expected = vec![task.task_uri, unknown.task_uri];
    expected.sort();
    assert_eq!(dead_uris, expected);
}

async fn a_long_handler_keeps_its_lease_so_no_one_else_runs_it(backend: Backend) {
    let db = TestDb::new(backend).await;
    create_trace_tables(&db.db).await;
    let registry = || {
        let mut r = Registry::default();
        r.register("test.effect", Effect { delay: Duration::from_millis(4500), db: db.db.clone() });
        r
    };
    // Two workers, and a handler that outlives the 2 s lease twice over.
    let first = start(&db.db, registry(), fast_settings(), no_launcher());
    let second = start(&db.db, registry(), fast_settings(), no_launcher());
    let task = enqueue(&db.db, "test.effect", "res-1").await;
    let done = finished(&db.db, &task.task_uri, Duration::from_secs(30)).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(count(&db.db, "SELECT COUNT(*) FROM test_run").await, 1, "the task ran once");
    first.shutdown().await;
    second.shutdown().await;
}

async fn shutdown_releases_unfinished_work_to_the_next_worker(backend: Backend) {
    let db = TestDb::new(backend).await;
    create_trace_tables(&db.db).await;
    let registry = |delay| {
        let mut r = Registry::default();
        r.register("test.effect", Effect { delay, db: db.db.clone() });
        r
    };
    let settings =
        sluice_worker::WorkerSettings { shutdown_grace: Duration::from_millis(200), ..fast_settings() };
    let first = start(&db.db, registry(Duration::from_secs(30)), settings, no_launcher());
    let task = enqueue(&db.db, "test.effect", "res-1").await;
    while count(&db.db, "SELECT COUNT(*) FROM test_run").await == 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.shutdown().await;
    let released =
        sluice_core::Core::new(db.db.clone()).system("test").task(&task.task_uri).await.expect("task");
    assert_eq!(released.status, TaskStatus::Pending, "handed back, not left started");

    let second = start(&db.db, registry(Duration::ZERO), fast_settings(), no_launcher());
    let done = finished(&db.db, &task.task_uri, Duration::from_secs(20)).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(count(&db.db, "SELECT COUNT(*) FROM test_effect").await, 1);
    second.shutdown().await;
}

async fn a_long_task_that_dies_without_a_result_is_failed_by_the_tracker(backend: Backend) {
    let db = TestDb::new(backend).await;
    let launcher = Arc::new(FakeLauncher { state: std::sync::Mutex::new(RunState::Running) });
    let worker = start(&db.db, Registry::standard(), fast_settings(), launcher.clone());
    let task = enqueue(&db.db, sluice_worker::handlers::health::ACTION, "platform").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let launched = loop {
        let t =
            sluice_core::Core::new(db.db.clone()).system("test").task(&task.task_uri).await.expect("task");
        if t.response.is_some() {
            break t;
        }
        assert!(tokio::time::Instant::now() < deadline, "never launched");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    worker.shutdown().await;
    assert_eq!(launched.status, TaskStatus::Started, "a launched task stays started until it reports");
    assert_eq!(launched.response.as_ref().expect("response")["launched"]["launcher"], "fake");

    let tracker =
        LongTaskTracker::new(sluice_core::Core::new(db.db.clone()), launcher.clone(), fast_settings());
    assert_eq!(tracker.check_once().await.expect("check"), 0, "a running task is left alone");
    *launcher.state.lock().expect("lock") =
        RunState::Exited { success: false, detail: "exit status 137".into() };
    assert_eq!(tracker.check_once().await.expect("check"), 1);
    let failed =
        sluice_core::Core::new(db.db.clone()).system("test").task(&task.task_uri).await.expect("task");
    assert_eq!(failed.status, TaskStatus::Failed);
    assert!(failed.last_error.as_deref().unwrap_or_default().contains("exit status 137"));
}

async fn catalog_index_tasks_write_and_remove_documents(backend: Backend) {
    use sluice_core::{
        Core, datasets::NewDataset, environments::NewEnvironment, organizations::NewOrganization,
        testkit::fake_aws,
    };
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(fake_aws::aws_settings());
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    core.admit(&alice).await.expect("admit");
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("O".into()),
                saml_group_name: Some("TeamA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");
    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "E".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env");
    let dataset = core
        .datasets()
        .create(
            &alice,
            NewDataset {
                label: "Orders".into(),
                environment_uri: env.environment_uri,
                saml_admin_group_name: "TeamA".into(),
                tags: Some(vec!["sales".into()]),
                ..Default::default()
            },
        )
        .await
        .expect("dataset");
    core.datasets().delete(&alice, &dataset.dataset_uri, false).await.expect("deleted");
    let kept = core
        .datasets()
        .create(
            &alice,
            NewDataset {
                label: "Invoices".into(),
                environment_uri: dataset.environment_uri.clone(),
                saml_admin_group_name: "TeamA".into(),
                ..Default::default()
            },
        )
        .await
        .expect("second dataset");
    // Two tables synced, then one gone from Glue: a batch for both, a batch for the deletion.
    let glue_table = |name: &str| sluice_core::datasets::tables::GlueTable {
        name: name.into(),
        description: None,
        location: None,
        columns: vec![],
        partition_keys: vec![],
        parameters: Default::default(),
        table_type: None,
    };
    let mut sync = core.system("test").start_table_sync(&kept.dataset_uri, 10).await.expect("sync");
    sync.apply_page(vec![glue_table("a"), glue_table("b")]).await.expect("page");
    sync.finish().await.expect("finish");
    let mut sync = core.system("test").start_table_sync(&kept.dataset_uri, 10).await.expect("sync");
    sync.apply_page(vec![glue_table("a")]).await.expect("page");
    sync.finish().await.expect("finish");

    // Only the index handler: stack deploys are not what this test is about.
    let mut registry = Registry::default();
    registry.register(sluice_worker::handlers::catalog::ACTION, sluice_worker::handlers::catalog::Index);
    let index: Arc<dyn SearchIndex> = Arc::new(sluice_search::TantivyIndex::in_memory().expect("index"));
    let worker = start_with_search(&db.db, registry, fast_settings(), no_launcher(), index.clone());
    // The dataset is gone, and its tasks with it from users' sight; read the rows directly.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let responses = loop {
        let tasks = sluice_entities::task::Entity::find()
            .filter(sluice_entities::task::Column::Action.eq("catalog.index"))
            .all(&db.db)
            .await
            .expect("tasks");
        if tasks.len() == 5 && tasks.iter().all(|t| t.status == "succeeded") {
            break tasks
                .into_iter()
                .filter_map(|t| t.response.and_then(|r| serde_json::from_str::<serde_json::Value>(&r).ok()))
                .collect::<Vec<_>>();
        }
        assert!(tokio::time::Instant::now() < deadline, "index tasks did not finish: {tasks:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    worker.shutdown().await;
    // Both of the first dataset's ran after its deletion, so both removed it.
    assert_eq!(responses.iter().filter(|r| r["datasetRemoved"] == true).count(), 2, "{responses:?}");
    let search = |term: &str| {
        let index = index.clone();
        let request = SearchRequest {
            term: Some(term.to_owned()),
            filters: Default::default(),
            visibility: Visibility::All,
            offset: 0,
            limit: 10,
            sort: Default::default(),
        };
        async move { index.search(&request).await.expect("search") }
    };
    assert_eq!(search("orders").await.total, 0, "the deleted dataset is not in the index");
    let invoices = search("invoices").await;
    let dataset = invoices.hits.iter().find(|h| h.uri == kept.dataset_uri).expect("the dataset is indexed");
    assert_eq!(dataset.label, "Invoices");
    let region = invoices.facets.iter().find(|f| f.field == FacetField::Region).expect("region facet");
    assert_eq!(region.values[0].value, "eu-west-1");
    let a = search("a").await;
    assert_eq!(a.hits.iter().filter(|h| h.kind == DocumentKind::Table).count(), 1, "a is still in Glue");
    assert_eq!(search("b").await.total, 0, "b left the index and its dataset's table names");
}

on_both_backends!(
    catalog_index_tasks_write_and_remove_documents,
    a_task_runs_once_and_its_message_is_acknowledged,
    a_failing_task_is_retried_with_backoff_until_it_succeeds,
    a_poison_task_fails_after_its_attempts_and_lands_in_the_dead_letter_queue,
    a_long_handler_keeps_its_lease_so_no_one_else_runs_it,
    shutdown_releases_unfinished_work_to_the_next_worker,
    a_long_task_that_dies_without_a_result_is_failed_by_the_tracker,
);
