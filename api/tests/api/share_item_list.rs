//! A share's item list as data.all gives it: every table, folder and the bucket of the dataset,
//! with a null status and item URI until added, so a data.all client adds items by walking the
//! list; `isShared` means "in this share", whatever the item's state.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp, on_both_backends, two_teams::two_teams};

const LIST: &str = "query($s: String!, $f: ShareableObjectFilter) { getShareObject(shareUri: $s) { items(filter: $f) { count nodes { shareItemUri itemUri itemType itemName status } } } }";
const ADD: &str = "mutation($s: String!, $i: String!, $k: ShareableType!) { addSharedItem(shareUri: $s, input: {itemUri: $i, itemType: $k}) { shareItemUri status } }";

async fn list(app: &TestApp, token: &str, share: &str, filter: Value) -> Vec<Value> {
    let found = app.ok(token, LIST, json!({"s": share, "f": filter})).await;
    let items = &found["getShareObject"]["items"];
    let nodes = items["nodes"].as_array().expect("nodes").clone();
    assert_eq!(items["count"].as_u64(), Some(nodes.len() as u64), "one page holds them: {items}");
    nodes
}

fn names(nodes: &[Value]) -> Vec<(String, String, bool)> {
    nodes
        .iter()
        .map(|n| {
            let name = n["itemName"].as_str().unwrap_or_default().to_owned();
            let kind = n["itemType"].as_str().unwrap_or_default().to_owned();
            // An entry has an item URI exactly when it has a status: both say "in the share".
            assert_eq!(n["shareItemUri"].is_null(), n["status"].is_null(), "{n}");
            (kind, name, n["status"].is_string())
        })
        .collect()
}

async fn a_data_all_client_adds_every_item_by_walking_the_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let bob = app.token("bob", &["TeamB"]);
    world.add_folder(&app).await;
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;

    let all = list(&app, &bob, &share, json!(null)).await;
    let listed = names(&all);
    assert_eq!(listed.len(), 3, "the table, the folder and the bucket: {all:?}");
    assert!(
        listed.contains(&("Table".into(), "orders".into(), true)),
        "the table is in the share: {listed:?}"
    );
    assert!(listed.contains(&("StorageLocation".into(), "raw".into(), false)), "{listed:?}");
    assert!(listed.iter().any(|(k, _, held)| k == "S3Bucket" && !held), "{listed:?}");
    let bucket = all.iter().find(|n| n["itemType"] == "S3Bucket").expect("the bucket");
    assert_eq!(bucket["itemUri"], world.dataset.as_str(), "the bucket is named by its dataset: {bucket}");

    let in_share = names(&list(&app, &bob, &share, json!({"isShared": true})).await);
    assert_eq!(in_share, [("Table".to_owned(), "orders".to_owned(), true)]);
    let addable = names(&list(&app, &bob, &share, json!({"isShared": false})).await);
    assert_eq!(addable.len(), 2, "{addable:?}");
    assert!(addable.iter().all(|(_, _, held)| !held), "{addable:?}");

    // The client's loop: add everything without a status.
    for entry in all.iter().filter(|n| n["status"].is_null()) {
        let added =
            app.ok(&bob, ADD, json!({"s": share, "i": entry["itemUri"], "k": entry["itemType"]})).await;
        assert_eq!(added["addSharedItem"]["status"], "PendingApproval", "{entry}");
    }
    let after = names(&list(&app, &bob, &share, json!(null)).await);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(after.iter().all(|(_, _, held)| *held), "every entry is in the share now: {after:?}");
    assert!(list(&app, &bob, &share, json!({"isShared": false})).await.is_empty());
    let found = list(&app, &bob, &share, json!({"term": "RA"})).await;
    assert_eq!(names(&found), [("StorageLocation".to_owned(), "raw".to_owned(), true)], "terms ignore case");
}

on_both_backends!(a_data_all_client_adds_every_item_by_walking_the_list);
