//! How to use a share (`getS3ConsumptionData`, `listSharedDatasetTableColumns`): the database to
//! query, the folders' S3 URIs, the access point and the role to use, described only once items are granted, and
//! only to the share's requesters and approvers.

use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{mark_shared, two_teams},
};

const USE: &str = "query($s: String) { getS3ConsumptionData(shareUri: $s) { s3AccessPointName sharedGlueDatabase s3bucketName s3Prefixes principalRoleArn } }";
const COLUMNS: &str = "query($s: String!, $t: String!) { listSharedDatasetTableColumns(shareUri: $s, tableUri: $t) { count nodes { name typeName } } }";

async fn a_share_says_how_to_use_what_it_grants_and_nothing_before(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let folder = world.add_folder(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;
    app.ok(
        &bob,
        "mutation($s: String!, $f: String!) { addSharedItem(shareUri: $s, input: {itemUri: $f, itemType: StorageLocation}) { shareItemUri } }",
        json!({"s": share, "f": folder}),
    )
    .await;
    let where_ = app
        .ok(&alice, "query($d: String!) { getDataset(datasetUri: $d) { restricted { S3BucketName GlueDatabaseName } } }", json!({"d": world.dataset}))
        .await["getDataset"]["restricted"]
        .clone();
    let (bucket, database) =
        (where_["S3BucketName"].as_str().expect("bucket"), where_["GlueDatabaseName"].as_str().expect("db"));

    // The table is granted (as processing would leave it), the folder not yet: only the table is
    // described.
    let used = app.ok(&bob, USE, json!({"s": share})).await["getS3ConsumptionData"].clone();
    assert_eq!(used["sharedGlueDatabase"], database, "same account and region: the dataset's own database");
    assert_eq!(
        (used["s3bucketName"].clone(), used["s3Prefixes"].clone()),
        (Value::Null, json!([])),
        "{used}"
    );
    assert!(used["principalRoleArn"].as_str().is_some_and(|r| r.starts_with("arn:aws:iam::")), "{used}");
    assert_eq!(used["s3AccessPointName"], Value::Null);

    mark_shared(&app, &share).await;
    for token in [&bob, &alice] {
        let used = app.ok(token, USE, json!({"s": share})).await["getS3ConsumptionData"].clone();
        assert_eq!(used["s3bucketName"], bucket, "{used}");
        assert_eq!(used["s3Prefixes"], json!([format!("s3://{bucket}/raw/")]), "{used}");
        assert_eq!(used["s3AccessPointName"], format!("sluice-share-{share}"), "{used}");
    }
    let columns = app.ok(&bob, COLUMNS, json!({"s": share, "t": world.table})).await;
    assert_eq!(
        columns["listSharedDatasetTableColumns"],
        json!({"count": 1, "nodes": [{"name": "id", "typeName": "bigint"}]})
    );

    // Neither is anyone else's to read, and only the share's own tables are listed.
    for refused in [
        app.gql(Some(&carol), USE, json!({"s": share})).await,
        app.gql(Some(&carol), COLUMNS, json!({"s": share, "t": world.table})).await,
    ] {
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    }
    let other = app.gql(Some(&bob), COLUMNS, json!({"s": share, "t": folder})).await;
    assert_eq!(error_code(&other), Some("BAD_USER_INPUT"), "{other}");
    assert_eq!(other["errors"][0]["extensions"]["field"], "tableUri");
}

on_both_backends!(a_share_says_how_to_use_what_it_grants_and_nothing_before);
