//! Feeds in data.all's dialect: a thread on every dataset, table and folder, newest first, open
//! to whoever may find the item, and gone with it.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use sluice_core::catalog::CatalogVisibility;

use crate::support::{
    Backend, Options, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const POST: &str = "mutation($u: String!, $t: String!, $c: String) { postFeedMessage(targetUri: $u, targetType: $t, input: {content: $c}) { feedMessageUri creator content created } }";
const FEED: &str = "query($u: String!, $t: String!, $f: FeedMessageFilter) { getFeed(targetUri: $u, targetType: $t) { feedTargetUri feedTargetType messages(filter: $f) { count pages hasNext nodes { creator content } } } }";

async fn post(app: &TestApp, token: &str, uri: &str, kind: &str, content: &str) -> Value {
    app.ok(token, POST, json!({"u": uri, "t": kind, "c": content})).await["postFeedMessage"].clone()
}

async fn feed(app: &TestApp, token: &str, uri: &str, kind: &str, filter: Value) -> Value {
    app.ok(token, FEED, json!({"u": uri, "t": kind, "f": filter})).await["getFeed"].clone()
}

async fn every_item_has_a_thread_read_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let folder = world.add_folder(&app).await;
    let TwoTeams { dataset, table, .. } = &world;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);

    let first = post(&app, &carol, dataset, "Dataset", "Is this refreshed daily?").await;
    assert_eq!(
        (first["creator"].as_str(), first["content"].as_str()),
        (Some("carol"), Some("Is this refreshed daily?"))
    );
    post(&app, &alice, dataset, "Dataset", "Yes, at 02:00 UTC.\nLate data lands by 06:00.").await;
    post(&app, &alice, dataset, "Dataset", "Backfilled to 2019.").await;
    post(&app, &carol, table, "DatasetTable", "Which currency is amount in?").await;
    post(&app, &carol, &folder, "DatasetStorageLocation", "What lands in raw/?").await;

    let page = feed(&app, &carol, dataset, "Dataset", json!({"pageSize": 2})).await;
    assert_eq!(
        (page["feedTargetUri"].as_str(), page["feedTargetType"].as_str()),
        (Some(dataset.as_str()), Some("Dataset"))
    );
    let messages = &page["messages"];
    assert_eq!(
        (messages["count"].as_i64(), messages["pages"].as_i64(), messages["hasNext"].as_bool()),
        (Some(3), Some(2), Some(true))
    );
    assert_eq!(messages["nodes"][0]["content"], "Backfilled to 2019.", "newest first");
    assert_eq!(
        messages["nodes"][1]["content"], "Yes, at 02:00 UTC.\nLate data lands by 06:00.",
        "line breaks kept"
    );
    let found = feed(&app, &carol, dataset, "Dataset", json!({"term": "DAILY"})).await;
    assert_eq!(found["messages"]["count"], 1);
    assert_eq!(
        feed(&app, &alice, table, "DatasetTable", json!({})).await["messages"]["count"],
        1,
        "threads are per item"
    );
    assert_eq!(
        feed(&app, &alice, &folder, "DatasetStorageLocation", json!({})).await["messages"]["count"],
        1
    );

    for (content, why) in
        [("   ", "empty"), ("evil\u{202e}txt", "direction override"), (&"x".repeat(4001)[..], "too long")]
    {
        let refused = app.gql(Some(&carol), POST, json!({"u": dataset, "t": "Dataset", "c": content})).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{why}: {refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], "content", "{why}");
    }
    let wrong = app.gql(Some(&carol), FEED, json!({"u": dataset, "t": "Dashboard", "f": null})).await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    let mismatched = app.gql(Some(&carol), FEED, json!({"u": dataset, "t": "DatasetTable", "f": null})).await;
    assert_eq!(error_code(&mismatched), Some("NOT_FOUND"), "a dataset's URI is no table: {mismatched}");
    assert_eq!(
        feed(&app, &carol, dataset, "Dataset", json!({})).await["messages"]["count"],
        3,
        "refusals posted nothing"
    );

    let delete = "mutation($u: String!) { deleteDataset(datasetUri: $u) }";
    app.ok(&alice, delete, json!({"u": dataset})).await;
    let left = sluice_entities::feed_message::Entity::find().count(&app.db).await.expect("messages");
    assert_eq!(left, 0, "the threads of the dataset, its table and folder went with it");
}

async fn a_hidden_item_has_no_thread_for_outsiders(backend: Backend) {
    let options = Options { catalog_visibility: CatalogVisibility::Restricted, ..Default::default() };
    let app = TestApp::spawn_with(backend, options).await;
    let TwoTeams { dataset, table, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    post(&app, &alice, &table, "DatasetTable", "Only for us").await;
    for (uri, kind) in [(&dataset, "Dataset"), (&table, "DatasetTable")] {
        let read = app.gql(Some(&carol), FEED, json!({"u": uri, "t": kind, "f": null})).await;
        assert_eq!(error_code(&read), Some("FORBIDDEN"), "{read}");
        let posted = app.gql(Some(&carol), POST, json!({"u": uri, "t": kind, "c": "hello"})).await;
        assert_eq!(error_code(&posted), Some("FORBIDDEN"), "{posted}");
    }
    assert_eq!(feed(&app, &alice, &table, "DatasetTable", json!({})).await["messages"]["count"], 1);
}

on_both_backends!(every_item_has_a_thread_read_newest_first, a_hidden_item_has_no_thread_for_outsiders);
