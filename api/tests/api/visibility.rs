//! `SLUICE_CATALOG_VISIBILITY=restricted`: a dataset none of a caller's teams holds a permission
//! on or has an item shared with is hidden from every read, its tables, columns and folders
//! too, and is refused exactly as one that does not exist; once an item is shared with the
//! team, the catalog entry shows, and where it lives still does not.

use serde_json::{Value, json};
use sluice_core::catalog::CatalogVisibility;

use crate::support::{
    Backend, Options, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const DATASET: &str = "query($u: String!) { getDataset(datasetUri: $u) { datasetUri label AwsAccountId } }";
const TABLE: &str = "query($u: String!) { getDatasetTable(tableUri: $u) { tableUri name GlueTableProperties dataset { datasetUri AwsAccountId } } }";
const COLUMNS: &str = "query($u: String!) { listDatasetTableColumns(tableUri: $u) { count } }";
const FOLDER: &str = "query($u: String!) { getDatasetStorageLocation(locationUri: $u) { locationUri } }";
const EDIT_TABLE: &str =
    "mutation($u: String) { updateDatasetTable(tableUri: $u, input: {description: \"d\"}) { tableUri } }";
const EDIT_COLUMN: &str = "mutation($u: String) { updateDatasetTableColumn(columnUri: $u, input: {description: \"d\"}) { columnUri } }";
const EDIT_FOLDER: &str = "mutation($u: String) { updateDatasetStorageLocation(locationUri: $u, input: {description: \"d\"}) { locationUri } }";
const SEARCH: &str = "{ searchCatalog(input: {term: \"sales\"}) { count nodes { uri } } }";
const REQUEST: &str = r#"mutation($d: String!, $e: String!) { createShareObject(datasetUri: $d,
    input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#;

/// The refusal's code, its message and its reason with the URI asked for and the user who
/// asked taken out, so a hidden resource and a missing one can be compared across callers.
fn refusal(body: &Value, uri: &str, user: &str) -> (Option<String>, String, String) {
    let text = |v: &Value| {
        v.as_str()
            .unwrap_or_default()
            .replace(uri, "<uri>")
            .replace(&format!("User: {user} "), "User: <user> ")
    };
    let error = &body["errors"][0];
    (error_code(body).map(str::to_owned), text(&error["message"]), text(&error["extensions"]["reason"]))
}

async fn hidden_datasets_are_refused_like_missing_ones_until_shared(backend: Backend) {
    let options = Options { catalog_visibility: CatalogVisibility::Restricted, ..Default::default() };
    let app = TestApp::spawn_with(backend, options).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let world = two_teams(&app).await;
    let folder = world.add_folder(&app).await;
    let TwoTeams { env, dataset, table, .. } = &world;
    app.run_index_tasks().await;

    let columns = "query($u: String!) { listDatasetTableColumns(tableUri: $u) { nodes { columnUri } } }";
    let column = app.ok(&alice, columns, json!({"u": table})).await["listDatasetTableColumns"]["nodes"][0]["columnUri"]
        .as_str()
        .expect("column")
        .to_owned();
    let reads = [(DATASET, dataset.as_str()), (TABLE, table), (COLUMNS, table), (FOLDER, &folder)];
    let edits = [(EDIT_TABLE, table.as_str()), (EDIT_COLUMN, &column), (EDIT_FOLDER, &folder)];
    for (query, uri) in reads.into_iter().chain(edits) {
        let mine = app.gql(Some(&alice), query, json!({"u": uri})).await;
        assert!(mine.get("errors").is_none(), "the admin team reads it: {mine}");
        let missing = app.gql(Some(&bob), query, json!({"u": "nosuchuri"})).await;
        for (who, user, token) in
            [("a team of the same environment", "bob", &bob), ("an outsider", "carol", &carol)]
        {
            let hidden = app.gql(Some(token), query, json!({"u": uri})).await;
            assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{who}: {hidden}");
            assert_eq!(
                refusal(&hidden, uri, user),
                refusal(&missing, "nosuchuri", "bob"),
                "{who}: hidden reads as missing: {query}"
            );
        }
    }
    assert_eq!(app.ok(&alice, SEARCH, json!({})).await["searchCatalog"]["count"], 1);
    assert_eq!(app.ok(&bob, SEARCH, json!({})).await["searchCatalog"]["count"], 0);
    let asked = app.gql(Some(&bob), REQUEST, json!({"d": dataset, "e": env})).await;
    assert_eq!(error_code(&asked), Some("FORBIDDEN"), "a hidden dataset cannot be requested: {asked}");

    // A share made while the catalog was open, whose table is now shared with TeamB.
    let open = app.core.clone().with_search(app.search.clone(), CatalogVisibility::Open);
    world.share_with_team_b(&app, &open, &world.env).await;

    let entry = app.ok(&bob, DATASET, json!({"u": dataset})).await;
    assert_eq!(entry["getDataset"]["label"], "Sales");
    assert!(entry["getDataset"]["AwsAccountId"].is_null(), "where it lives stays hidden: {entry}");
    let shared_table = app.ok(&bob, TABLE, json!({"u": table})).await;
    assert_eq!(shared_table["getDatasetTable"]["name"], "orders");
    assert!(shared_table["getDatasetTable"]["GlueTableProperties"].is_null(), "{shared_table}");
    assert_eq!(shared_table["getDatasetTable"]["dataset"]["datasetUri"], dataset.as_str());
    assert!(shared_table["getDatasetTable"]["dataset"]["AwsAccountId"].is_null(), "{shared_table}");
    assert_eq!(app.ok(&bob, SEARCH, json!({})).await["searchCatalog"]["count"], 1);
    for (query, uri) in reads {
        let hidden = app.gql(Some(&carol), query, json!({"u": uri})).await;
        assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "still hidden from the outsider: {hidden}");
    }
}

on_both_backends!(hidden_datasets_are_refused_like_missing_ones_until_shared);
