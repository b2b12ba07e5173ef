//! Shares over GraphQL in data.all's dialect: a request, its decision and its plan preview.
//! Processing runs in the worker against moto (ecs-tasks/tests/long_tasks/shares.rs).

use serde_json::json;

use crate::support::{
    Backend, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

async fn a_request_is_made_decided_and_previewed_in_data_all_terms(backend: Backend) {
    let app = crate::support::TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let TwoTeams { env, dataset, table: table_uri, .. } = two_teams(&app).await;

    // data.all's clients ask with attachMissingPolicies: true (its integration tests do).
    let create = r#"mutation($d: String!, $t: String, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: "Table",
        input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read], requestPurpose: "reports", attachMissingPolicies: true}) {
        shareUri status alreadyExisted userRoleForShareObject permissions principal { principalType principalName SamlGroupName environmentName }
        dataset { datasetName SamlAdminGroupName AwsAccountId } items(filter: {isShared: true}) { count nodes { itemName itemType status } } } }"#;
    let share =
        app.ok(&bob, create, json!({"d": dataset, "t": table_uri, "e": env})).await["createShareObject"]
            .clone();
    assert_eq!((share["status"].as_str(), share["alreadyExisted"].as_bool()), (Some("Draft"), Some(false)));
    assert_eq!(share["userRoleForShareObject"], "Requesters");
    assert_eq!(share["permissions"], json!(["Read"]));
    assert_eq!(share["principal"]["principalType"], "Group");
    assert_eq!(share["dataset"]["SamlAdminGroupName"], "TeamA");
    assert_eq!(
        share["items"]["nodes"],
        json!([{"itemName": "orders", "itemType": "Table", "status": "PendingApproval"}])
    );
    let uri = share["shareUri"].as_str().expect("share").to_owned();
    let again = app.ok(&bob, create, json!({"d": dataset, "t": null, "e": env})).await;
    assert_eq!(again["createShareObject"]["alreadyExisted"], true);

    let hidden = app
        .gql(
            Some(&carol),
            "query($s: String!) { getShareObject(shareUri: $s) { shareUri } }",
            json!({"s": uri}),
        )
        .await;
    assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{hidden}");
    let submitted = app
        .ok(&bob, "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }", json!({"s": uri}))
        .await;
    assert_eq!(submitted["submitShareObject"]["status"], "Submitted");
    let inbox = app.ok(&alice, "{ getShareRequestsToMe(filter: {status: [\"Submitted\"]}) { count nodes { shareUri userRoleForShareObject } } }", json!({})).await;
    assert_eq!(
        inbox["getShareRequestsToMe"]["nodes"],
        json!([{"shareUri": uri, "userRoleForShareObject": "Approvers"}])
    );
    let outbox = app.ok(&bob, "{ getShareRequestsFromMe { count countExact pages } }", json!({})).await;
    assert_eq!(
        outbox["getShareRequestsFromMe"],
        json!({"count": 1, "countExact": true, "pages": 1}),
        "a short list is counted exactly"
    );

    let preview = r#"query($s: String!) { getShareObject(shareUri: $s) { plan { action refused items { item sharedDatabase
        grantsInSource { account principal catalogId database table permissions } grantsInTarget { account } } } } }"#;
    let plan = app.ok(&alice, preview, json!({"s": uri})).await["getShareObject"]["plan"].clone();
    assert_eq!(plan["action"], "grant");
    let item = &plan["items"][0];
    assert_eq!(item["item"], "orders");
    assert!(item["sharedDatabase"].is_null() && item["grantsInTarget"] == json!([]), "same account: {plan}");
    let grants = item["grantsInSource"].as_array().expect("grants");
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[1]["table"], "orders");
    assert_eq!(grants[1]["permissions"], json!(["DESCRIBE", "SELECT"]));
    assert!(grants[1]["principal"].as_str().expect("role").contains(":role/"), "{plan}");

    let refused = app
        .gql(
            Some(&bob),
            "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
            json!({"s": uri}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "requesters do not approve: {refused}");
    let approved = app.ok(&alice, "mutation($s: String!) { approveShareObject(shareUri: $s) { status items(filter: {isShared: true}) { nodes { status } } } }", json!({"s": uri})).await;
    assert_eq!(approved["approveShareObject"]["status"], "Approved");
    assert_eq!(approved["approveShareObject"]["items"]["nodes"][0]["status"], "Share_Approved");
    let twice = app
        .gql(
            Some(&alice),
            "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
            json!({"s": uri}),
        )
        .await;
    assert_eq!(error_code(&twice), Some("INVALID_STATE"), "{twice}");
    let logs = app
        .ok(&bob, "query($s: String!) { getShareLogs(shareUri: $s) { message } }", json!({"s": uri}))
        .await;
    assert_eq!(logs["getShareLogs"].as_array().expect("logs").len(), 2, "{logs}");
}

on_both_backends!(a_request_is_made_decided_and_previewed_in_data_all_terms);
