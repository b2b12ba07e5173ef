//! `startGlueCrawler` over GraphQL, in data.all's shape: `GlueCrawler { Name status }`, the
//! task it queued, the dataset's `GlueCrawlerName`, and the refusals data.all's clients see.

use serde_json::json;

use crate::support::{Backend, TestApp, error_code, on_both_backends, two_teams::two_teams};

const START: &str = "mutation($d: String, $i: CrawlerInput) { startGlueCrawler(datasetUri: $d, input: $i) { Name status taskUri location } }";
const NAME: &str =
    "query($d: String!) { getDataset(datasetUri: $d) { restricted { GlueCrawlerName S3BucketName } } }";

async fn the_admin_team_starts_the_crawler_in_data_alls_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let ds = &world.dataset;

    let before = app.ok(&alice, NAME, json!({"d": ds})).await;
    assert!(before["getDataset"]["restricted"]["GlueCrawlerName"].is_null(), "no crawler yet: {before}");
    let bucket = before["getDataset"]["restricted"]["S3BucketName"].as_str().expect("bucket").to_owned();

    let started = app.ok(&alice, START, json!({"d": ds, "i": {"prefix": "raw/"}})).await;
    let crawler = &started["startGlueCrawler"];
    // `<resourcePrefix>-<datasetUri>-crawler`; the fixture's environment uses the prefix `dl`.
    assert_eq!(crawler["Name"], format!("dl-{ds}-crawler"), "{crawler}");
    assert_eq!(crawler["status"], "PENDING", "{crawler}");
    assert_eq!(crawler["location"], format!("s3://{bucket}/raw/"), "{crawler}");
    let task_uri = crawler["taskUri"].as_str().expect("a task");
    let task = app
        .ok(
            &alice,
            "query($t: String!) { getTask(taskUri: $t) { action targetUri } }",
            json!({"t": task_uri}),
        )
        .await;
    assert_eq!(task["getTask"]["action"], "dataset.start-crawler", "{task}");
    assert_eq!(task["getTask"]["targetUri"], ds.as_str(), "{task}");

    // Without input: the whole bucket, as in data.all.
    let whole = app.ok(&alice, START, json!({"d": ds})).await;
    assert_eq!(whole["startGlueCrawler"]["location"], format!("s3://{bucket}/"), "{whole}");

    let refused = app.gql(Some(&bob), START, json!({"d": ds})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(refused.to_string().contains("CRAWL_DATASET"), "data.all's permission name: {refused}");
    let outside = app.gql(Some(&alice), START, json!({"d": ds, "i": {"prefix": "../other"}})).await;
    assert_eq!(error_code(&outside), Some("BAD_USER_INPUT"), "{outside}");
    let no_uri = app.gql(Some(&alice), START, json!({})).await;
    assert_eq!(error_code(&no_uri), Some("BAD_USER_INPUT"), "{no_uri}");
    let missing = app.gql(Some(&alice), START, json!({"d": "nosuchds"})).await;
    assert!(matches!(error_code(&missing), Some("NOT_FOUND" | "FORBIDDEN")), "{missing}");
}

on_both_backends!(the_admin_team_starts_the_crawler_in_data_alls_shape);
