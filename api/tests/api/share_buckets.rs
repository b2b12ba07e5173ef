//! Sharing a dataset's whole bucket (`itemType: S3Bucket`): the item is named by the dataset's
//! URI, a share holds it once, the plan shows the share's access point, and once granted
//! `getS3ConsumptionData` names the access point to read through.

use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{mark_shared, two_teams},
};

const ADD: &str = "mutation($s: String!, $i: String!) { addSharedItem(shareUri: $s, input: {itemUri: $i, itemType: S3Bucket}) { itemUri itemType itemName status } }";
const PLAN: &str = "query($s: String!) { getShareObject(shareUri: $s) { plan { items { item folder { bucket wholeBucket prefixes accessPoint accessPointArn } } } } }";
const USE: &str = "query($s: String) { getS3ConsumptionData(shareUri: $s) { s3AccessPointName s3AccessPointArn s3bucketName s3Prefixes } }";

async fn a_share_holds_the_whole_bucket_once_through_its_access_point(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let share = world.share_with_team_b(&app, &app.core, &world.env).await;
    let bucket = app
        .ok(
            &alice,
            "query($d: String!) { getDataset(datasetUri: $d) { restricted { S3BucketName } } }",
            json!({"d": world.dataset}),
        )
        .await["getDataset"]["restricted"]["S3BucketName"]
        .as_str()
        .expect("bucket")
        .to_owned();

    let added = app.ok(&bob, ADD, json!({"s": share, "i": world.dataset})).await["addSharedItem"].clone();
    assert_eq!(
        added,
        json!({"itemUri": world.dataset, "itemType": "S3Bucket", "itemName": bucket, "status": "PendingApproval"})
    );

    // A second bucket item is the same item, by the bucket's name or the dataset's URI.
    for again in [&world.dataset, &bucket] {
        let refused = app.gql(Some(&bob), ADD, json!({"s": share, "i": again})).await;
        assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    }
    // Anything else is not this dataset's bucket.
    let other = app.gql(Some(&bob), ADD, json!({"s": share, "i": world.table})).await;
    assert_eq!(error_code(&other), Some("BAD_USER_INPUT"), "{other}");
    assert_eq!(other["errors"][0]["extensions"]["field"], "itemUri");

    let access_point = format!("sluice-share-{share}");
    let plan = app.ok(&alice, PLAN, json!({"s": share})).await["getShareObject"]["plan"]["items"].clone();
    let planned: Vec<&Value> =
        plan.as_array().expect("items").iter().filter(|i| i["item"] == bucket).collect();
    assert_eq!(planned.len(), 1, "{plan}");
    let folder = &planned[0]["folder"];
    assert_eq!(
        (folder["bucket"].as_str(), folder["wholeBucket"].as_bool()),
        (Some(bucket.as_str()), Some(true))
    );
    assert_eq!(folder["prefixes"], json!([]));
    assert_eq!(folder["accessPoint"], access_point.as_str());
    assert!(
        folder["accessPointArn"]
            .as_str()
            .is_some_and(|a| a.ends_with(&format!(":accesspoint/{access_point}"))),
        "{folder}"
    );

    // Not granted yet: no access point to read through.
    let used = app.ok(&bob, USE, json!({"s": share})).await["getS3ConsumptionData"].clone();
    assert_eq!((used["s3AccessPointName"].clone(), used["s3bucketName"].clone()), (Value::Null, Value::Null));
    mark_shared(&app, &share).await;
    let used = app.ok(&bob, USE, json!({"s": share})).await["getS3ConsumptionData"].clone();
    assert_eq!(used["s3AccessPointName"], access_point.as_str(), "{used}");
    assert_eq!(used["s3AccessPointArn"], folder["accessPointArn"], "{used}");
    assert_eq!(used["s3bucketName"], bucket.as_str());
    assert_eq!(used["s3Prefixes"], json!([format!("s3://{bucket}/")]));
}

on_both_backends!(a_share_holds_the_whole_bucket_once_through_its_access_point);
