//! The read cache over HTTP: a repeated read is answered from it, and every write committed
//! before a request began shows in that request, whether a mutation, another process or plain
//! SQL made it.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

use crate::{
    datasets::{new_input, setup},
    support::{Backend, TestApp, on_both_backends},
};

const CREATE: &str = "mutation($input: NewDatasetInput!) { createDataset(input: $input) { datasetUri } }";
const PAGE: &str = r#"query($d: String!) {
  getDataset(datasetUri: $d) { label environment { label } stack { status } tables { count } locations { count } }
  listDatasets(filter: {pageSize: 10}) { count nodes { label environment { label } } }
}"#;

async fn page(app: &TestApp, token: &str, uri: &str) -> Value {
    app.ok(token, PAGE, json!({"d": uri})).await
}

/// (dataset label, environment label, stack status, the label listDatasets shows)
fn seen(page: &Value) -> (String, String, String, String) {
    let text = |v: &Value| v.as_str().unwrap_or("null").to_owned();
    let dataset = &page["getDataset"];
    (
        text(&dataset["label"]),
        text(&dataset["environment"]["label"]),
        text(&dataset["stack"]["status"]),
        text(&page["listDatasets"]["nodes"][0]["label"]),
    )
}

fn owned(label: &str, env: &str, stack: &str) -> (String, String, String, String) {
    (label.into(), env.into(), stack.into(), label.into())
}

async fn reads_show_every_write_committed_before_them(backend: Backend) {
    let (app, _alice, bob, carol, org, env) = setup(backend).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    let first = page(&app, &bob, &uri).await;
    assert_eq!(seen(&first), owned("Sales Orders", "Analytics Prod", "PENDING"));
    let served = app.read_cache.answers_served();
    assert_eq!(page(&app, &bob, &uri).await, first, "a repeated read answers the same");
    assert_eq!(app.read_cache.answers_served(), served + 1, "the kept answer, whole");

    let rename =
        "mutation($d: String, $i: ModifyDatasetInput) { updateDataset(datasetUri: $d, input: $i) { label } }";
    app.ok(&bob, rename, json!({"d": uri, "i": {"label": "Renamed"}})).await;
    assert_eq!(
        seen(&page(&app, &bob, &uri).await),
        owned("Renamed", "Analytics Prod", "PENDING"),
        "a mutation's write"
    );

    // Writes of other processes (the worker, another replica, an operator) reach the database
    // only: the next request must see them all the same.
    let db = &app.db;
    for sql in [
        "UPDATE dataset SET label = 'From SQL'",
        "UPDATE environment SET label = 'Env SQL'",
        "UPDATE stack SET status = 'CREATE_COMPLETE'",
    ] {
        db.execute_unprepared(sql).await.expect(sql);
    }
    assert_eq!(seen(&page(&app, &bob, &uri).await), owned("From SQL", "Env SQL", "CREATE_COMPLETE"));

    // Who asks is part of what is kept: carol's team may read the entry but not its stack, nor
    // list the dataset, whatever bob's answers hold.
    let hers = page(&app, &carol, &uri).await;
    assert_eq!(hers["getDataset"]["label"], "From SQL");
    assert_eq!(hers["getDataset"]["stack"], Value::Null);
    assert_eq!(hers["listDatasets"]["count"], 0);
    assert_eq!(seen(&page(&app, &bob, &uri).await).2, "CREATE_COMPLETE");
}

/// A change that bypasses the triggers is not seen until the epoch moves: proof that the second
/// read came from the cache, and that the epoch alone decides what it may serve.
#[tokio::test]
async fn the_epoch_alone_decides_what_the_cache_may_serve() {
    let (app, _alice, bob, _carol, org, env) = setup(Backend::Postgres).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    assert_eq!(seen(&page(&app, &bob, &uri).await).0, "Sales Orders");

    let db = &app.db;
    let txn = db.begin().await.expect("begin");
    txn.execute_unprepared("SET LOCAL session_replication_role = replica").await.expect("triggers off");
    txn.execute_unprepared("UPDATE dataset SET label = 'Unannounced'").await.expect("update");
    txn.commit().await.expect("commit");
    assert_eq!(seen(&page(&app, &bob, &uri).await).0, "Sales Orders", "served from the cache");

    db.execute_unprepared("UPDATE read_epoch SET value = value + 1").await.expect("bump");
    assert_eq!(seen(&page(&app, &bob, &uri).await), owned("Unannounced", "Analytics Prod", "PENDING"));
}

/// A kept answer is only ever served for the same user and groups, document, operation and
/// variables, and only for documents whose every field the epoch covers and that succeeded.
async fn a_kept_answer_answers_only_the_request_it_was_kept_for(backend: Backend) {
    let (app, alice, bob, carol, org, env) = setup(backend).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    let served = || app.read_cache.answers_served();
    let twice = |token: String, query: &'static str, variables: Value| {
        let app = &app;
        async move {
            let before = served();
            let first = app.gql(Some(&token), query, variables.clone()).await;
            let second = app.gql(Some(&token), query, variables).await;
            assert_eq!(first, second, "{query}");
            (second, served() - before)
        }
    };

    let by_term = "query($t: String) { listDatasets(filter: {term: $t}) { count } }";
    let (found, kept) = twice(bob.clone(), by_term, json!({"t": "Sales"})).await;
    assert_eq!((found["data"]["listDatasets"]["count"].as_i64(), kept), (Some(1), 1));
    let (found, kept) = twice(bob.clone(), by_term, json!({"t": "nothing like it"})).await;
    assert_eq!((found["data"]["listDatasets"]["count"].as_i64(), kept), (Some(0), 1), "other variables");

    let two = "query Mine { listDatasets { count } } query All($d: String!) { getDataset(datasetUri: $d) { label } }";
    let mine = app
        .post(
            "/graphql",
            Some(&bob),
            &json!({"query": two, "operationName": "Mine", "variables": {"d": uri}}),
        )
        .await;
    let all = app
        .post("/graphql", Some(&bob), &json!({"query": two, "operationName": "All", "variables": {"d": uri}}))
        .await;
    assert_eq!(mine.1["data"]["listDatasets"]["count"], 1);
    assert_eq!(
        all.1["data"]["getDataset"]["label"], "Sales Orders",
        "another operation of the same document"
    );

    let role = "query($d: String!) { getDataset(datasetUri: $d) { userRoleForDataset stack { status } } }";
    let (his, _) = twice(bob.clone(), role, json!({"d": uri})).await;
    let (hers, _) = twice(carol.clone(), role, json!({"d": uri})).await;
    assert_eq!(his["data"]["getDataset"]["userRoleForDataset"], "Creator");
    assert_eq!(hers["data"]["getDataset"], json!({"userRoleForDataset": "NoPermission", "stack": null}));
    // The same user in other groups is another viewer.
    let bob_elsewhere = app.token("bob", &["TeamC"]);
    let (moved, _) = twice(bob_elsewhere, role, json!({"d": uri})).await;
    assert_eq!(moved["data"]["getDataset"]["stack"], Value::Null);

    let refused = "query($d: String!) { getDataset(datasetUri: $d) { restricted { S3BucketName } } }";
    let (denied, kept) = twice(carol.clone(), refused, json!({"d": uri})).await;
    assert!(denied["errors"].is_array(), "{denied}");
    assert_eq!(kept, 0, "an answer with errors is never kept");

    let uncovered =
        "query($d: String!) { getDataset(datasetUri: $d) { tables { nodes { columns { count } } } } }";
    let (columns, kept) = twice(bob.clone(), uncovered, json!({"d": uri})).await;
    assert_eq!((columns.get("errors"), kept), (None, 0), "columns are not watched by the epoch");
    let (orgs, kept) = twice(alice.clone(), "{ listOrganizations { count } }", json!({})).await;
    assert_eq!(
        (orgs["data"]["listOrganizations"]["count"].as_i64(), kept),
        (Some(1), 0),
        "nor are organizations' lists"
    );
}

on_both_backends!(reads_show_every_write_committed_before_them);
on_both_backends!(a_kept_answer_answers_only_the_request_it_was_kept_for);
