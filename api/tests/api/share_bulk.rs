//! A dataset's shares at once, in data.all's dialect: `verifyDatasetShareObjects` and
//! `reApplyShareObjectItemsOnDataset` queue one task per share with granted items, for the
//! dataset's admin team only; `listS3DatasetsSharedWithEnvGroup` tells a team where to query
//! what was shared with it in an environment.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sluice_entities::task;

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const VERIFY: &str = "mutation($ds: String!, $s: [String]!) { verifyDatasetShareObjects(input: {datasetUri: $ds, shareUris: $s}) }";
const REAPPLY: &str = "mutation($ds: String!) { reApplyShareObjectItemsOnDataset(datasetUri: $ds) }";
const SHARED: &str = "query($g: String!, $e: String!) { listS3DatasetsSharedWithEnvGroup(groupUri: $g, environmentUri: $e) { datasetUri GlueDatabaseName shareUri targetEnvAwsAccountId targetEnvRegion sharedGlueDatabaseName } }";

async fn health(app: &TestApp, token: &str, share: &str) -> Value {
    app.ok(
        token,
        "query($s: String!) { getShareObject(shareUri: $s) { items(filter: {isShared: true}) { nodes { healthStatus } } } }",
        json!({"s": share}),
    )
    .await["getShareObject"]["items"]["nodes"][0]["healthStatus"]
        .clone()
}

async fn tasks(app: &TestApp, action: &str) -> u64 {
    task::Entity::find().filter(task::Column::Action.eq(action)).count(&app.db).await.expect("tasks")
}

async fn the_datasets_admins_verify_and_reapply_its_shares_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let TwoTeams { env, dataset, .. } = &world;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let share = world.share_with_team_b(&app, &app.core, env).await;

    assert_eq!(
        app.ok(&alice, VERIFY, json!({"ds": dataset, "s": []})).await["verifyDatasetShareObjects"],
        true
    );
    assert_eq!(health(&app, &alice, &share).await, "PendingVerify");
    assert_eq!(tasks(&app, "share.verify").await, 1, "one task per share with granted items");
    assert_eq!(
        app.ok(&alice, REAPPLY, json!({"ds": dataset})).await["reApplyShareObjectItemsOnDataset"],
        true
    );
    assert_eq!(health(&app, &alice, &share).await, "PendingReApply");
    assert_eq!(tasks(&app, "share.reapply").await, 1);

    // Only this dataset's shares may be named, and only its admin team acts on all of them.
    let stranger = app.gql(Some(&alice), VERIFY, json!({"ds": dataset, "s": ["notashare"]})).await;
    assert_eq!(error_code(&stranger), Some("BAD_USER_INPUT"), "{stranger}");
    assert_eq!(stranger["errors"][0]["extensions"]["field"], "shareUris");
    for refused in [
        app.gql(Some(&bob), VERIFY, json!({"ds": dataset, "s": [share]})).await,
        app.gql(Some(&bob), REAPPLY, json!({"ds": dataset})).await,
    ] {
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    assert_eq!(
        tasks(&app, "share.verify").await + tasks(&app, "share.reapply").await,
        2,
        "refusals queue nothing"
    );
}

async fn a_team_learns_where_to_query_what_was_shared_with_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let TwoTeams { env, dataset, .. } = &world;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let nothing = app.ok(&bob, SHARED, json!({"g": "TeamB", "e": env})).await;
    assert_eq!(nothing["listS3DatasetsSharedWithEnvGroup"], json!([]), "a draft grants nothing");

    let share = world.share_with_team_b(&app, &app.core, env).await;
    let found =
        app.ok(&bob, SHARED, json!({"g": "TeamB", "e": env})).await["listS3DatasetsSharedWithEnvGroup"]
            .clone();
    let database = app
        .ok(
            &alice,
            "query($d: String!) { getDataset(datasetUri: $d) { restricted { GlueDatabaseName AwsAccountId region } } }",
            json!({"d": dataset}),
        )
        .await["getDataset"]["restricted"]
        .clone();
    assert_eq!(
        found,
        json!([{
            "datasetUri": dataset, "GlueDatabaseName": database["GlueDatabaseName"], "shareUri": share,
            "targetEnvAwsAccountId": database["AwsAccountId"], "targetEnvRegion": database["region"],
            // Same account and region: the team queries the dataset's own database.
            "sharedGlueDatabaseName": database["GlueDatabaseName"],
        }])
    );
    // Another team's shares are not yours to list, even if you may read the environment.
    let refused = app.gql(Some(&alice), SHARED, json!({"g": "TeamB", "e": env})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().is_some_and(|m| m.contains("TeamB")), "{refused}");
    assert_eq!(
        app.ok(&alice, SHARED, json!({"g": "TeamA", "e": env})).await["listS3DatasetsSharedWithEnvGroup"],
        json!([])
    );
}

on_both_backends!(
    the_datasets_admins_verify_and_reapply_its_shares_at_once,
    a_team_learns_where_to_query_what_was_shared_with_it,
);
