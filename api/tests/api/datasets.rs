//! Datasets over GraphQL in data.all's dialect: what each team sees and may do, imports checked
//! at the (faked) pivot-role port, and the inputs Sluice cannot honour refused by name.

use serde_json::{Value, json};

use crate::{
    environments::link,
    organizations::{create_org, invite_to_org},
    support::{Backend, MISSING_PREFIX, TestApp, error_code, on_both_backends},
};

const CREATE: &str = r#"mutation($input: NewDatasetInput!) {
  createDataset(input: $input) { datasetUri label name owner SamlAdminGroupName stewards topics language confidentiality
    imported autoApprovalEnabled userRoleForDataset userRoleInEnvironment admins AwsAccountId region
    environment { environmentUri label organization { organizationUri label } }
    stack { status stack targetUri taskUri } }
}"#;
const GET: &str = r#"query($d: String!) { getDataset(datasetUri: $d) { datasetUri label userRoleForDataset userRoleInEnvironment
  stack { status }
  restricted { S3BucketName GlueDatabaseName KmsAlias IAMDatasetAdminRoleArn AwsAccountId importedS3Bucket importedAdminRole } } }"#;
const IMPORT: &str = r#"mutation($input: ImportDatasetInput) {
  importDataset(input: $input) { datasetUri imported stack { status } restricted { S3BucketName GlueDatabaseName KmsAlias importedKmsKey importedAdminRole IAMDatasetAdminRoleArn } }
}"#;

/// An organization and environment of TeamA, with TeamB invited to create datasets and TeamC
/// invited without that right. Returns (app, alice, bob, carol, org, env).
pub(crate) async fn setup(backend: Backend) -> (TestApp, String, String, String, String, String) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    invite_to_org(&app, &alice, &org, &["TeamB", "TeamC"]).await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let env = env["environmentUri"].as_str().expect("env").to_owned();
    let invite = "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";
    app.ok(
        &alice,
        invite,
        json!({"i": {"environmentUri": env, "groupUri": "TeamB", "permissions": ["CREATE_DATASET"]}}),
    )
    .await;
    app.ok(&alice, invite, json!({"i": {"environmentUri": env, "groupUri": "TeamC", "permissions": []}}))
        .await;
    (app, alice, bob, carol, org, env)
}

pub(crate) fn new_input(org: &str, env: &str, team: &str) -> Value {
    json!({"input": {"label": "Sales Orders", "organizationUri": org, "environmentUri": env, "SamlAdminGroupName": team,
        "topics": ["Sales", "Orders"], "language": "French", "confidentiality": "Official", "stewards": "TeamD",
        "tags": ["eu"], "owner": "ignored@example.com", "businessOwnerEmail": "owner@example.com"}})
}

async fn a_team_creates_a_dataset_and_other_teams_see_only_its_catalog_entry(backend: Backend) {
    let (app, _alice, bob, carol, org, env) = setup(backend).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await["createDataset"].clone();
    let uri = created["datasetUri"].as_str().expect("uri").to_owned();
    assert_eq!(created["owner"], "bob", "the caller is the creator, whatever `owner` says");
    assert_eq!(created["userRoleForDataset"], "Creator");
    assert_eq!(created["userRoleInEnvironment"], "Invited");
    assert_eq!(created["topics"], json!(["Sales", "Orders"]));
    assert_eq!((created["language"].as_str(), created["imported"].as_bool()), (Some("French"), Some(false)));
    assert_eq!(created["environment"]["environmentUri"], env.as_str());
    assert_eq!(created["environment"]["organization"]["label"], "Org");
    assert_eq!(created["AwsAccountId"], "111122223333");
    assert_eq!(created["stack"]["status"], "PENDING");
    assert_eq!(created["stack"]["stack"], "dataset");
    assert!(created["name"].as_str().expect("name").ends_with(&uri));

    let mine = app.ok(&bob, GET, json!({"d": uri})).await["getDataset"].clone();
    let bucket = mine["restricted"]["S3BucketName"].as_str().expect("bucket");
    assert!(bucket.starts_with("dl-sales-orders-") && bucket.len() <= 63, "{bucket}");
    assert!(
        mine["restricted"]["IAMDatasetAdminRoleArn"]
            .as_str()
            .expect("arn")
            .starts_with("arn:aws:iam::111122223333:role/dl-")
    );
    assert_eq!(mine["restricted"]["importedS3Bucket"], false);

    // Carol's team is in the environment but has no grant on the dataset.
    let theirs = app.gql(Some(&carol), GET, json!({"d": uri})).await;
    assert_eq!(
        theirs["data"]["getDataset"]["label"], "Sales Orders",
        "the catalog entry is public: {theirs}"
    );
    assert_eq!(theirs["data"]["getDataset"]["userRoleForDataset"], "NoPermission");
    assert!(theirs["data"]["getDataset"]["stack"].is_null(), "{theirs}");
    assert!(theirs["data"]["getDataset"]["restricted"].is_null(), "{theirs}");
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "{theirs}");
    assert_eq!(theirs["errors"][0]["path"], json!(["getDataset", "restricted"]));

    for (name, doc, vars) in [
        (
            "update",
            "mutation($d: String) { updateDataset(datasetUri: $d, input: {label: \"Mine\"}) { label } }",
            json!({"d": uri}),
        ),
        ("delete", "mutation($d: String!) { deleteDataset(datasetUri: $d) }", json!({"d": uri})),
    ] {
        let refused = app.gql(Some(&carol), doc, vars).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{name}: {refused}");
    }
    let redeploy = "mutation($d: String!) { updateStack(targetUri: $d, targetType: \"dataset\") { status taskUri stack } }";
    let refused = app.gql(Some(&carol), redeploy, json!({"d": uri})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let redeployed = app.ok(&bob, redeploy, json!({"d": uri})).await["updateStack"].clone();
    assert_eq!(redeployed["stack"], "dataset");
    assert_ne!(redeployed["taskUri"], created["stack"]["taskUri"], "a new deploy task: {redeployed}");
    let logs = app
        .ok(
            &bob,
            "query($d: String!) { getStackLogs(targetUri: $d, targetType: \"dataset\") { message } }",
            json!({"d": uri}),
        )
        .await;
    assert_eq!(logs["getStackLogs"], json!([]), "nothing deployed yet");
    let list = "{ listDatasets { count nodes { datasetUri } } }";
    assert_eq!(app.ok(&carol, list, json!({})).await["listDatasets"]["count"], 0);
    assert_eq!(app.ok(&bob, list, json!({})).await["listDatasets"]["count"], 1);
    let stewards = app.token("dana", &["TeamD"]);
    let seen = app
        .ok(
            &stewards,
            "{ listDatasets(filter: {roles: [DataSteward]}) { count nodes { userRoleForDataset } } }",
            json!({}),
        )
        .await;
    assert_eq!(seen["listDatasets"]["nodes"], json!([{"userRoleForDataset": "DataSteward"}]));
    let in_env = app
        .ok(&carol, "query($e: String!) { listDatasetsCreatedInEnvironment(environmentUri: $e) { count nodes { label stack { status } } } }", json!({"e": env}))
        .await;
    assert_eq!(
        in_env["listDatasetsCreatedInEnvironment"]["count"], 1,
        "environment teams see what was published there"
    );
    assert!(in_env["listDatasetsCreatedInEnvironment"]["nodes"][0]["stack"].is_null());

    let updated = app
        .ok(
            &bob,
            "mutation($d: String) { updateDataset(datasetUri: $d, input: {label: \"Orders\", topics: [Finances], stewards: \"\"}) { label topics stewards } }",
            json!({"d": uri}),
        )
        .await;
    assert_eq!(
        updated["updateDataset"],
        json!({"label": "Orders", "topics": ["Finances"], "stewards": null})
    );
    let seen = app.ok(&stewards, list, json!({})).await;
    assert_eq!(seen["listDatasets"]["count"], 0, "former stewards lose their view");
}

async fn inputs_sluice_cannot_honour_are_refused_by_name(backend: Backend) {
    let (app, _alice, bob, _carol, org, env) = setup(backend).await;
    let mut expiring = new_input(&org, &env, "TeamB");
    expiring["input"]["enableExpiration"] = json!(true);
    let refused = app.gql(Some(&bob), CREATE, expiring).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    // Expiry needs its unit and bounds with it.
    assert_eq!(refused["errors"][0]["extensions"]["field"], "expirySetting", "{refused}");
    assert!(
        refused["errors"][0]["message"].as_str().expect("msg").contains("Monthly or Quarterly"),
        "{refused}"
    );

    let mut wrong_org = new_input(&org, &env, "TeamB");
    wrong_org["input"]["organizationUri"] = json!("someother");
    let refused = app.gql(Some(&bob), CREATE, wrong_org).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");

    let mut bad_email = new_input(&org, &env, "TeamB");
    bad_email["input"]["businessOwnerEmail"] = json!("not-an-address");
    let refused = app.gql(Some(&bob), CREATE, bad_email).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");

    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri");
    let rekey = app
        .gql(Some(&bob), "mutation($d: String) { updateDataset(datasetUri: $d, input: {KmsAlias: \"alias/other\"}) { label } }", json!({"d": uri}))
        .await;
    assert_eq!(error_code(&rekey), Some("BAD_USER_INPUT"), "{rekey}");
    let terms = app
        .gql(
            Some(&bob),
            "mutation($d: String) { updateDataset(datasetUri: $d, input: {terms: [\"t\"]}) { label } }",
            json!({"d": uri}),
        )
        .await;
    assert_eq!(error_code(&terms), Some("BAD_USER_INPUT"), "{terms}");
    let listed = app.ok(&bob, "{ listDatasets { count } }", json!({})).await;
    assert_eq!(listed["listDatasets"]["count"], 1, "refused requests created nothing");
}

async fn imports_are_checked_through_the_pivot_role(backend: Backend) {
    let (app, _alice, bob, _carol, org, env) = setup(backend).await;
    let import = |bucket: &str, db: Option<&str>, role: Option<&str>| {
        json!({"input": {"label": "Legacy", "organizationUri": org, "environmentUri": env, "SamlAdminGroupName": "TeamB",
            "owner": "bob", "bucketName": bucket, "glueDatabaseName": db, "KmsKeyAlias": "legacy-key", "adminRoleName": role}})
    };
    let missing_bucket = format!("{MISSING_PREFIX}-bucket");
    let refused = app.gql(Some(&bob), IMPORT, import(&missing_bucket, Some("legacy_db"), None)).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("S3 bucket {missing_bucket}")) && message.contains("111122223333"),
        "{message}"
    );
    // As data.all: without a Glue database, the import makes one (its registration task does).
    let no_db = app.ok(&bob, IMPORT, import("fresh-bucket", None, None)).await;
    let made = no_db["importDataset"]["restricted"]["GlueDatabaseName"].as_str().expect("a database");
    assert!(made.starts_with("dl_legacy_"), "named as a created dataset's: {made}");
    let missing_role = format!("{MISSING_PREFIX}Role");
    let no_role =
        app.gql(Some(&bob), IMPORT, import("legacy-bucket", Some("legacy_db"), Some(&missing_role))).await;
    assert!(
        no_role["errors"][0]["message"].as_str().expect("m").contains(&format!("IAM role {missing_role}")),
        "{no_role}"
    );

    let imported = app
        .ok(&bob, IMPORT, import("legacy-bucket", Some("legacy_db"), Some("LegacyAdmin")))
        .await["importDataset"]
        .clone();
    assert_eq!(imported["imported"], true);
    assert!(imported["stack"].is_null(), "an import deploys no stack");
    assert_eq!(
        imported["restricted"],
        json!({"S3BucketName": "legacy-bucket", "GlueDatabaseName": "legacy_db", "KmsAlias": "alias/legacy-key",
            "importedKmsKey": true, "importedAdminRole": true, "IAMDatasetAdminRoleArn": "arn:aws:iam::111122223333:role/LegacyAdmin"})
    );
}

/// data.all's `importDataset` with `KmsKeyAlias: ""`, or none, takes a bucket encrypted with
/// SSE-S3, and its `KmsAlias` then reads `SSE-S3` with `importedKmsKey: false`, as data.all's do.
async fn an_sse_s3_import_answers_as_data_all_does(backend: Backend) {
    let (app, _alice, bob, _carol, org, env) = setup(backend).await;
    let input = |bucket: &str| {
        json!({"label": "Plain", "organizationUri": org, "environmentUri": env, "SamlAdminGroupName": "TeamB",
            "owner": "bob", "bucketName": bucket, "glueDatabaseName": "plain_db"})
    };
    let mut empty = input("plain-empty");
    empty["KmsKeyAlias"] = json!("");
    let mut null = input("plain-null");
    null["KmsKeyAlias"] = Value::Null;
    for sent in [empty, input("plain-absent"), null] {
        let imported = app.ok(&bob, IMPORT, json!({"input": sent})).await["importDataset"].clone();
        assert_eq!(imported["imported"], true);
        assert_eq!(
            imported["restricted"],
            json!({"S3BucketName": sent["bucketName"], "GlueDatabaseName": "plain_db", "KmsAlias": "SSE-S3",
                "importedKmsKey": false, "importedAdminRole": true,
                "IAMDatasetAdminRoleArn": imported["restricted"]["IAMDatasetAdminRoleArn"]}),
            "{sent}"
        );
        let uri = imported["datasetUri"].as_str().expect("uri");
        let read = app.ok(&bob, GET, json!({"d": uri})).await;
        assert_eq!(read["getDataset"]["restricted"]["KmsAlias"], "SSE-S3", "read back");
        // A data.all client sends back what it read.
        let update = "mutation($d: String, $k: String) { updateDataset(datasetUri: $d, input: {KmsAlias: $k}) { datasetUri } }";
        app.ok(&bob, update, json!({"d": uri, "k": "SSE-S3"})).await;
        let keyed = app.gql(Some(&bob), update, json!({"d": uri, "k": "alias/some-key"})).await;
        assert_eq!(error_code(&keyed), Some("BAD_USER_INPUT"), "the encryption cannot change: {keyed}");
    }

    let mut malformed = input("plain-bad");
    malformed["KmsKeyAlias"] = json!("not an alias!");
    let refused = app.gql(Some(&bob), IMPORT, json!({"input": malformed})).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().expect("message").contains("KmsKeyAlias"), "{refused}");
}

async fn tables_show_in_the_catalog_and_only_the_datasets_teams_see_where_they_live(backend: Backend) {
    use sluice_core::datasets::tables::{GlueColumn, GlueTable};
    let (app, _alice, bob, carol, org, env) = setup(backend).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    let mut sync = app.core.system("test").start_table_sync(&uri, 10).await.expect("sync");
    let column = |name: &str| GlueColumn { name: name.into(), type_: Some("string".into()), comment: None };
    let table = GlueTable {
        name: "orders".into(),
        description: Some("all orders".into()),
        location: Some("s3://bucket/orders/".into()),
        columns: vec![column("id"), column("total")],
        partition_keys: vec![column("day")],
        parameters: [("classification".to_owned(), "parquet".to_owned())].into(),
        table_type: Some("EXTERNAL_TABLE".into()),
    };
    sync.apply_page(vec![table]).await.expect("page");
    sync.finish().await.expect("finish");

    let doc = r#"query($d: String!) { getDataset(datasetUri: $d) { statistics { tables locations upvotes }
      tables { count nodes { tableUri name description LastGlueTableStatus GlueTableProperties userRoleForTable region
        columns { count nodes { name typeName columnType GlueTableName } } } } } }"#;
    let seen = app.ok(&carol, doc, json!({"d": uri})).await["getDataset"].clone();
    assert_eq!(seen["statistics"], json!({"tables": 1, "locations": 0, "upvotes": 0}));
    let table = &seen["tables"]["nodes"][0];
    assert_eq!(
        (table["name"].as_str(), table["LastGlueTableStatus"].as_str(), table["userRoleForTable"].as_str()),
        (Some("orders"), Some("InSync"), Some("NoPermission"))
    );
    assert_eq!(table["GlueTableProperties"], Value::Null, "Glue's parameters are the dataset's teams' only");
    assert_eq!(table["region"], "eu-west-1");
    let own = app.ok(&bob, doc, json!({"d": uri})).await["getDataset"]["tables"]["nodes"][0].clone();
    assert_eq!(own["GlueTableProperties"], r#"{"classification":"parquet"}"#);
    assert_eq!(
        table["columns"]["nodes"],
        json!([
            {"name": "id", "typeName": "string", "columnType": "column", "GlueTableName": "orders"},
            {"name": "total", "typeName": "string", "columnType": "column", "GlueTableName": "orders"},
            {"name": "day", "typeName": "string", "columnType": "partition_0", "GlueTableName": "orders"},
        ])
    );
    let table_uri = table["tableUri"].as_str().expect("table uri").to_owned();
    let restricted = "query($t: String!) { getDatasetTable(tableUri: $t) { name restricted { GlueDatabaseName GlueTableName S3Prefix AwsAccountId } } }";
    let hidden = app.gql(Some(&carol), restricted, json!({"t": table_uri})).await;
    assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{hidden}");
    assert_eq!(hidden["data"]["getDatasetTable"]["name"], "orders");
    let shown = app.ok(&bob, restricted, json!({"t": table_uri})).await;
    assert_eq!(shown["getDatasetTable"]["restricted"]["S3Prefix"], "s3://bucket/orders/");
    assert_eq!(shown["getDatasetTable"]["restricted"]["AwsAccountId"], "111122223333");

    // The (faked) Glue now says the table has `id bigint` and partition key `day date`.
    let resynced = app
        .ok(&bob, "mutation($t: String!) { syncDatasetTableColumns(tableUri: $t) { count nodes { name typeName } } }", json!({"t": table_uri}))
        .await;
    assert_eq!(
        resynced["syncDatasetTableColumns"],
        json!({"count": 2, "nodes": [{"name": "id", "typeName": "bigint"}, {"name": "day", "typeName": "date"}]})
    );
    let refused = app
        .gql(Some(&carol), "mutation($d: String!) { syncTables(datasetUri: $d) }", json!({"d": uri}))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let queued =
        app.ok(&bob, "mutation($d: String!) { syncTables(datasetUri: $d) }", json!({"d": uri})).await;
    assert_eq!(queued["syncTables"], 1);
    let tasks = app
        .ok(
            &bob,
            "query($d: String!) { listTasks(filter: {targetUri: $d}) { nodes { action } } }",
            json!({"d": uri}),
        )
        .await;
    assert!(
        tasks["listTasks"]["nodes"]
            .as_array()
            .expect("tasks")
            .iter()
            .any(|t| t["action"] == "dataset.sync-tables"),
        "{tasks}"
    );
}

async fn folders_are_prefixes_made_in_the_bucket_first(backend: Backend) {
    let (app, _alice, bob, carol, org, env) = setup(backend).await;
    let created = app.ok(&bob, CREATE, new_input(&org, &env, "TeamB")).await;
    let uri = created["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    let create = "mutation($d: String!, $i: NewDatasetStorageLocationInput) { createDatasetStorageLocation(datasetUri: $d, input: $i) { locationUri S3Prefix name label locationCreated userRoleForStorageLocation dataset { datasetUri } } }";
    let folder = app
        .ok(
            &bob,
            create,
            json!({"d": uri, "i": {"label": "Raw orders", "prefix": "/raw/orders/", "tags": ["raw"]}}),
        )
        .await;
    let folder = &folder["createDatasetStorageLocation"];
    assert_eq!(
        (
            folder["S3Prefix"].as_str(),
            folder["locationCreated"].as_bool(),
            folder["userRoleForStorageLocation"].as_str()
        ),
        (Some("raw/orders"), Some(true), Some("Creator"))
    );
    let again =
        app.gql(Some(&bob), create, json!({"d": uri, "i": {"label": "Again", "prefix": "raw/orders"}})).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let bad = app.gql(Some(&bob), create, json!({"d": uri, "i": {"label": "Up", "prefix": "../up"}})).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    let theirs =
        app.gql(Some(&carol), create, json!({"d": uri, "i": {"label": "Mine", "prefix": "mine"}})).await;
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"), "{theirs}");

    let location = folder["locationUri"].as_str().expect("uri").to_owned();
    let read = "query($l: String!) { getDatasetStorageLocation(locationUri: $l) { label restricted { S3BucketName } } }";
    let hidden = app.gql(Some(&carol), read, json!({"l": location})).await;
    assert_eq!(hidden["data"]["getDatasetStorageLocation"]["label"], "Raw orders");
    assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{hidden}");
    let listed = app
        .ok(&carol, "query($d: String!) { getDataset(datasetUri: $d) { locations { count nodes { S3Prefix } } statistics { locations } } }", json!({"d": uri}))
        .await;
    assert_eq!(listed["getDataset"]["locations"]["nodes"], json!([{"S3Prefix": "raw/orders"}]));
    assert_eq!(listed["getDataset"]["statistics"]["locations"], 1);

    let renamed = app
        .ok(&bob, "mutation($l: String) { updateDatasetStorageLocation(locationUri: $l, input: {label: \"Orders\"}) { label S3Prefix } }", json!({"l": location}))
        .await;
    assert_eq!(renamed["updateDatasetStorageLocation"], json!({"label": "Orders", "S3Prefix": "raw/orders"}));
    let gone = app
        .ok(
            &bob,
            "mutation($l: String!) { deleteDatasetStorageLocation(locationUri: $l) }",
            json!({"l": location}),
        )
        .await;
    assert_eq!(gone["deleteDatasetStorageLocation"], true);
    let missing = app.gql(Some(&bob), read, json!({"l": location})).await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
}

on_both_backends!(
    folders_are_prefixes_made_in_the_bucket_first,
    tables_show_in_the_catalog_and_only_the_datasets_teams_see_where_they_live,
    a_team_creates_a_dataset_and_other_teams_see_only_its_catalog_entry,
    inputs_sluice_cannot_honour_are_refused_by_name,
    imports_are_checked_through_the_pivot_role,
    an_sse_s3_import_answers_as_data_all_does,
);
