//! Task reads and admin actions over GraphQL, and the metrics endpoint.

use serde_json::json;
use sluice_core::{tasks::NewTask, testkit::outbox};

use crate::{
    organizations::create_org,
    support::{Backend, TestApp, error_code, on_both_backends},
};

const GET: &str = "query($t: String!) { getTask(taskUri: $t) { taskUri action status attempts lastError targetUri dispatchedAt } }";
const RETRY: &str =
    "mutation($t: String!) { retryTask(taskUri: $t) { status attempts dispatchedAt lastError } }";

async fn org_tasks_follow_the_organization_and_admins_retry_failed_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let admin = app.token("root", &["DAAdministrators", "TeamA"]);
    let org = create_org(&app, &alice, "Tasks", "TeamA").await;
    let new = NewTask {
        action: "test.sync".into(),
        target_uri: org.clone(),
        target_type: "organization".into(),
        payload: json!({}),
    };
    let task = outbox::enqueue(&app.core, new).await;

    let seen = app.ok(&alice, GET, json!({"t": task.task_uri})).await;
    assert_eq!(seen["getTask"]["status"], "pending");
    assert_eq!(seen["getTask"]["targetUri"], org.as_str());
    assert_eq!(error_code(&app.gql(Some(&carol), GET, json!({"t": task.task_uri})).await), Some("FORBIDDEN"));
    assert_eq!(
        error_code(&app.gql(Some(&carol), GET, json!({"t": "nosuchtask"})).await),
        Some("FORBIDDEN"),
        "absent looks like hidden"
    );

    let listed = app
        .ok(&alice, "{ listTasks(filter: {status: pending}) { count nodes { taskUri } } }", json!({}))
        .await;
    assert_eq!(listed["listTasks"]["nodes"], json!([{"taskUri": task.task_uri}]));
    assert_eq!(app.ok(&carol, "{ listTasks { count } }", json!({})).await["listTasks"]["count"], 0);

    assert_eq!(
        error_code(&app.gql(Some(&admin), RETRY, json!({"t": task.task_uri})).await),
        Some("INVALID_STATE")
    );
    outbox::mark_dispatched(&app.core, vec![task.task_uri.clone()]).await;
    let system = app.core.system("test");
    system.start_task(&task.task_uri).await.expect("start");
    system.task_failed(&task.task_uri, "bucket missing").await.expect("fail");
    assert_eq!(
        error_code(&app.gql(Some(&alice), RETRY, json!({"t": task.task_uri})).await),
        Some("FORBIDDEN")
    );
    // A platform admin outside the target's teams sees the failed task, to retry it.
    let outside_admin = app.token("ops", &["DAAdministrators"]);
    let failed = app
        .ok(
            &outside_admin,
            "{ listTasks(filter: {status: failed}) { nodes { taskUri lastError } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        failed["listTasks"]["nodes"],
        json!([{"taskUri": task.task_uri, "lastError": "bucket missing"}])
    );
    assert_eq!(app.ok(&outside_admin, GET, json!({"t": task.task_uri})).await["getTask"]["status"], "failed");
    assert_eq!(app.ok(&carol, "{ listTasks { count } }", json!({})).await["listTasks"]["count"], 0);
    let retried = app.ok(&admin, RETRY, json!({"t": task.task_uri})).await;
    assert_eq!(
        retried["retryTask"],
        json!({"status": "pending", "attempts": 0, "dispatchedAt": null, "lastError": "bucket missing"})
    );
}

async fn a_health_check_is_queued_for_admins_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("root", &["DAAdministrators"]);
    let alice = app.token("alice", &["TeamA"]);
    let started =
        app.ok(&admin, "mutation { startHealthCheck { taskUri action status targetType } }", json!({})).await;
    let task = &started["startHealthCheck"];
    assert_eq!(
        (task["action"].clone(), task["status"].clone(), task["targetType"].clone()),
        (json!("platform.health"), json!("pending"), json!("platform"))
    );
    let uri = task["taskUri"].as_str().expect("uri");
    assert_eq!(app.ok(&admin, GET, json!({"t": uri})).await["getTask"]["action"], "platform.health");
    assert_eq!(error_code(&app.gql(Some(&alice), GET, json!({"t": uri})).await), Some("FORBIDDEN"));
    assert_eq!(app.ok(&alice, "{ listTasks { count } }", json!({})).await["listTasks"]["count"], 0);
}

on_both_backends!(
    org_tasks_follow_the_organization_and_admins_retry_failed_ones,
    a_health_check_is_queued_for_admins_only
);

#[tokio::test]
async fn metrics_are_served_in_prometheus_text() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.token("root", &["DAAdministrators"]);
    app.ok(&admin, "mutation { startHealthCheck { taskUri } }", json!({})).await;
    let body = reqwest::get(&app.metrics_url).await.expect("scrape").text().await.expect("body");
    assert!(body.contains("sluice_outbox_backlog 1"), "{body}");
    assert!(body.contains("sluice_access_drift_grants 0"), "nothing recorded yet: {body}");
    assert!(body.contains("sluice_queue_depth 0"), "{body}");
}
