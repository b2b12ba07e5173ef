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
    assert_eq!(page(&app, &bob, &uri).await, first, "a repeated read answers the same");

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
    let db = app.core.db();
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

    let db = app.core.db();
    let txn = db.begin().await.expect("begin");
    txn.execute_unprepared("SET LOCAL session_replication_role = replica").await.expect("triggers off");
    txn.execute_unprepared("UPDATE dataset SET label = 'Unannounced'").await.expect("update");
    txn.commit().await.expect("commit");
    assert_eq!(seen(&page(&app, &bob, &uri).await).0, "Sales Orders", "served from the cache");

    db.execute_unprepared("UPDATE read_epoch SET value = value + 1").await.expect("bump");
    assert_eq!(seen(&page(&app, &bob, &uri).await), owned("Unannounced", "Analytics Prod", "PENDING"));
}

on_both_backends!(reads_show_every_write_committed_before_them);
