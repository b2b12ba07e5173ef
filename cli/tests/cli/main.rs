//! `sluice-cli` end to end against a real `sluice serve` with moto as AWS: two CI roles, mapped
//! by an admin to TeamA and TeamB, sign in with their AWS credentials alone, link an
//! environment, create a dataset, sync its tables and share one, all with `--json`.

mod audit;
mod cognito;
mod dataall_client;
mod support;

use std::time::Duration;

use serde_json::Value;
use sluice_cloud::{sdk, sdk::aws_config::SdkConfig};

use support::{Cli, REGION, Server, assume, fresh_account, owner};

const MAP: &str = "mutation($arn: String!, $user: String!, $group: String!) {
  createIamPrincipalMapping(input: {arnPattern: $arn, username: $user, groups: [$group]}) { mappingUri }
}";
const TASK: &str = "query($t: String!) { getTask(taskUri: $t) { status lastError } }";
const GLUE_DB: &str = "query($d: String!) { getDataset(datasetUri: $d) { restricted { GlueDatabaseName } } }";

/// The organization's ExternalId, which its pivot roles must require.
const EXTERNAL_ID: &str = "query($o: String!) { getPivotRoleExternalId(organizationUri: $o) }";

/// The pivot role's trust as the organization's template writes it: Sluice's account (the
/// server's `SLUICE_TRUST_ACCOUNT_ID`) with the organization's ExternalId.
fn trust_policy(external_id: &str) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
    }]})
    .to_string()
}

fn text<'v>(value: &'v Value, path: &str) -> &'v str {
    let found = path.split('.').fold(value, |v, k| &v[k]);
    found.as_str().unwrap_or_else(|| panic!("no string at {path} in {value}"))
}

/// Polls a task through `gql` until it ends, and fails the test unless it succeeded.
async fn wait_for_task(cli: &Cli, file: &str, task: &str, server: &Server) {
    for _ in 0..240 {
        let data = cli.ok(&["gql", file, "--var", &format!("t={task}")]).await;
        match data["getTask"]["status"].as_str() {
            Some("succeeded") => return,
            Some("failed") => panic!("task {task} failed: {data}\n{}", server.log()),
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    panic!("task {task} did not finish\n{}", server.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn ci_roles_link_an_environment_and_share_a_dataset_from_the_command_line() {
    let server = Server::start().await;
    let docs = server.dir.path();
    for (name, doc) in [
        ("map.graphql", MAP),
        ("task.graphql", TASK),
        ("glue.graphql", GLUE_DB),
        ("trust.graphql", EXTERNAL_ID),
    ] {
        std::fs::write(docs.join(name), doc).expect("document");
    }
    let file = |name: &str| docs.join(name).display().to_string();

    // An admin (a dev-issuer token) maps the two CI roles.
    let ci_account = fresh_account();
    let admin = Cli::with_token(&server, "admin", &server.dev_token("dave", "DAAdministrators"));
    for (role, user, team) in [
        ("producer-ci", "producer", "TeamA"),
        ("consumer-ci", "consumer", "TeamB"),
        ("analyst-ci", "analyst", "TeamC"),
    ] {
        let arn = format!("arn:aws:iam::{ci_account}:role/{role}");
        admin
            .ok(&[
                "gql",
                &file("map.graphql"),
                "--var",
                &format!("arn={arn}"),
                "--var",
                &format!("user={user}"),
                "--var",
                &format!("group={team}"),
            ])
            .await;
    }

    // Both sign in with nothing but AWS credentials: IAM is the default when they are present.
    let producer = Cli::with_credentials(&server, "producer", &assume(&ci_account, "producer-ci").await);
    let consumer = Cli::with_credentials(&server, "consumer", &assume(&ci_account, "consumer-ci").await);
    let login = producer.ok(&["login"]).await;
    assert_eq!(login["auth"], "iam", "{login}");
    consumer.ok(&["login"]).await;

    // An unmapped role is refused with the authentication exit code.
    let stranger = Cli::with_credentials(&server, "stranger", &assume(&ci_account, "stranger").await);
    let refused = stranger.run(&["org", "list"]).await;
    assert_eq!(refused.code, 3, "{}{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("not mapped"), "{}", refused.stderr);

    // The producer links a data account whose owner deployed the pivot role.
    let org = producer.ok(&["org", "create", "--label", "Data Platform", "--team", "TeamA"]).await;
    let org = text(&org, "organizationUri").to_owned();
    assert_eq!(producer.ok(&["org", "list"]).await[0]["owner"], "producer");
    let data_account = fresh_account();
    let owner_session = owner(&data_account).await;
    let external_id = producer.ok(&["gql", &file("trust.graphql"), "--var", &format!("o={org}")]).await;
    let external_id = text(&external_id, "getPivotRoleExternalId").to_owned();
    sdk::iam::Client::new(&owner_session)
        .create_role()
        .role_name("sluice-pivot-role")
        .assume_role_policy_document(trust_policy(&external_id))
        .send()
        .await
        .expect("the account owner deploys the pivot role");
    let env = producer
        .ok(&[
            "env",
            "link",
            "--org",
            &org,
            "--account",
            &data_account,
            "--region",
            REGION,
            "--label",
            "Lake",
            "--team",
            "TeamA",
            "--prefix",
            "cli",
        ])
        .await;
    let env = text(&env, "environmentUri").to_owned();
    // A team outside the organization can't join its environments: invite it there first.
    let outside = producer
        .run(&["env", "invite", "--env", &env, "--team", "TeamB", "--permission", "CREATE_SHARE_OBJECT"])
        .await;
    assert_eq!(outside.code, 1, "{}{}", outside.stdout, outside.stderr);
    assert!(outside.stderr.contains("is not a member of the organization"), "{}", outside.stderr);
    for team in ["TeamB", "TeamC"] {
        let joined = producer.ok(&["org", "invite", "--org", &org, "--team", team]).await;
        assert_eq!(text(&joined, "organizationUri"), org.as_str(), "{joined}");
    }
    producer
        .ok(&["env", "invite", "--env", &env, "--team", "TeamB", "--permission", "CREATE_SHARE_OBJECT"])
        .await;
    let envs = producer.ok(&["env", "list"]).await;
    assert_eq!(envs[0]["AwsAccountId"], data_account.as_str(), "{envs}");

    // A dataset, deployed by the long task; a producer job puts a table in its Glue database.
    let dataset =
        producer.ok(&["dataset", "create", "--env", &env, "--label", "Orders", "--team", "TeamA"]).await;
    let dataset_uri = text(&dataset, "datasetUri").to_owned();
    wait_for_task(&producer, &file("task.graphql"), text(&dataset, "stack.taskUri"), &server).await;
    let glue = producer.ok(&["gql", &file("glue.graphql"), "--var", &format!("d={dataset_uri}")]).await;
    let database = text(&glue, "getDataset.restricted.GlueDatabaseName");
    let column = sdk::glue::types::Column::builder().name("id").r#type("bigint").build().expect("column");
    sdk::glue::Client::new(&owner_session)
        .create_table()
        .database_name(database)
        .table_input(
            sdk::glue::types::TableInput::builder()
                .name("orders")
                .storage_descriptor(sdk::glue::types::StorageDescriptor::builder().columns(column).build())
                .build()
                .expect("table"),
        )
        .send()
        .await
        .expect("a producer job creates a table");
    producer.ok(&["dataset", "sync", &dataset_uri]).await;
    let mut tables = Value::Null;
    for _ in 0..120 {
        tables = producer.ok(&["dataset", "tables", &dataset_uri]).await;
        if tables.as_array().is_some_and(|t| !t.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(tables[0]["name"], "orders", "{tables}\n{}", server.log());
    let table = text(&tables[0], "tableUri").to_owned();
    // The consumer finds the table in the catalog once its index task has run.
    let mut found = Value::Array(vec![]);
    for _ in 0..60 {
        found = consumer.ok(&["search", "orders", "--kind", "table"]).await;
        if found.as_array().is_some_and(|hits| hits.iter().any(|h| h["uri"] == table.as_str())) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let hit = found.as_array().and_then(|hits| hits.iter().find(|h| h["uri"] == table.as_str())).cloned();
    let hit = hit.unwrap_or_else(|| panic!("the table is in the catalog: {found}\n{}", server.log()));
    assert_eq!(
        (hit["kind"].as_str(), hit["datasetUri"].as_str()),
        (Some("table"), Some(dataset_uri.as_str()))
    );

    // The consumer asks; the producer approves; the share is processed in moto.
    let share = consumer
        .ok(&[
            "share",
            "request",
            "--dataset",
            &dataset_uri,
            "--env",
            &env,
            "--team",
            "TeamB",
            "--table",
            &table,
            "--purpose",
            "reporting",
            "--submit",
        ])
        .await;
    assert_eq!(share["status"], "Submitted", "{share}");
    let share_uri = text(&share, "shareUri").to_owned();
    let approved = producer.ok(&["share", "approve", &share_uri]).await;
    assert_eq!(approved["status"], "Approved", "{approved}");
    let done = consumer.run(&["share", "status", &share_uri, "--wait", "--timeout", "120"]).await;
    assert_eq!(done.code, 0, "{}{}\n{}", done.stdout, done.stderr, server.log());
    assert_eq!(done.json["status"], "Processed", "{}", done.stdout);
    assert_eq!(done.json["items"]["nodes"][0]["status"], "Share_Succeeded", "{}", done.stdout);

    // A second approval is refused by the server: exit code 1 with its error code.
    let again = producer.run(&["share", "approve", &share_uri]).await;
    assert_eq!(again.code, 1, "{}{}", again.stdout, again.stderr);
    assert!(again.stderr.contains("INVALID_STATE") || again.stderr.contains("CONFLICT"), "{}", again.stderr);

    // examples/bulk_approve.py (Python, requests, IAM-signed) approves TeamA's inbox: here,
    // TeamC's request for the same table.
    let analyst = Cli::with_credentials(&server, "analyst", &assume(&ci_account, "analyst-ci").await);
    producer
        .ok(&["env", "invite", "--env", &env, "--team", "TeamC", "--permission", "CREATE_SHARE_OBJECT"])
        .await;
    let second = analyst
        .ok(&[
            "share",
            "request",
            "--dataset",
            &dataset_uri,
            "--env",
            &env,
            "--team",
            "TeamC",
            "--table",
            &table,
            "--submit",
        ])
        .await;
    let second_uri = text(&second, "shareUri").to_owned();
    let approved = producer.python_example("bulk_approve.py", &["--team", "TeamA"]).await;
    let printed = String::from_utf8_lossy(&approved.stdout);
    assert!(approved.status.success(), "{printed}{}", String::from_utf8_lossy(&approved.stderr));
    assert!(printed.contains(&format!("approved {second_uri}")), "{printed}");
    assert!(!printed.contains(&share_uri), "only submitted shares are approved: {printed}");
    let done = analyst.run(&["share", "status", &second_uri, "--wait", "--timeout", "120"]).await;
    assert_eq!(done.code, 0, "{}{}", done.stdout, done.stderr);
    assert_eq!(done.json["items"]["nodes"][0]["status"], "Share_Succeeded", "{}", done.stdout);

    // The consumer's share is revoked from the command line, item by item as shared.
    let revoked = producer.ok(&["share", "revoke", &share_uri]).await;
    // The worker may already have picked it up by the time the answer is read.
    let state = revoked["items"]["nodes"][0]["status"].as_str().unwrap_or_default();
    assert!(state.starts_with("Revoke_") && state != "Revoke_Failed", "{revoked}");
    let done = consumer.run(&["share", "status", &share_uri, "--wait", "--timeout", "120"]).await;
    assert_eq!(done.code, 0, "{}{}\n{}", done.stdout, done.stderr, server.log());
    assert_eq!(done.json["items"]["nodes"][0]["status"], "Revoke_Succeeded", "{}", done.stdout);

    bash_examples(&server, &producer, &org, &external_id, &env, &owner_session).await;
}

/// The bash examples, which read sluice-cli's JSON with jq. Debian's `jq` package is not in
/// every base image; without it these are skipped, and said so, except in CI, whose script
/// installs it.
async fn bash_examples(
    server: &Server,
    producer: &Cli,
    org: &str,
    external_id: &str,
    env: &str,
    owner_session: &SdkConfig,
) {
    if std::process::Command::new("jq").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "jq is missing in CI: .ci/run installs it");
        eprintln!("jq is not installed: the bash examples are not run (apt-get install jq)");
        return;
    }
    // onboard-account.sh links a second account (its pivot role already deployed) and invites
    // a team of the organization and one it first brings into the organization.
    let account = fresh_account();
    sdk::iam::Client::new(&owner(&account).await)
        .create_role()
        .role_name("sluice-pivot-role")
        .assume_role_policy_document(trust_policy(external_id))
        .send()
        .await
        .expect("the pivot role");
    let onboarded = producer
        .bash_example(
            "onboard-account.sh",
            &[org, &account, REGION, "TeamA", "TeamB", "TeamD"],
            &[("SKIP_PIVOT_DEPLOY", "1")],
        )
        .await;
    let printed = String::from_utf8_lossy(&onboarded.stdout).trim().to_owned();
    assert!(onboarded.status.success(), "{printed}{}", String::from_utf8_lossy(&onboarded.stderr));
    let envs = producer.ok(&["env", "list"]).await;
    assert!(
        envs.as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["environmentUri"] == printed.as_str() && e["AwsAccountId"] == account.as_str())),
        "{printed} not in {envs}"
    );

    // publish-dataset.sh imports a bucket and Glue database a pipeline writes to, then syncs;
    // run twice, it finds the dataset instead of importing it again.
    let bucket = format!("cli-e2e-{}", fresh_account());
    sdk::s3::Client::new(owner_session)
        .create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            sdk::s3::types::CreateBucketConfiguration::builder()
                .location_constraint(sdk::s3::types::BucketLocationConstraint::from(REGION))
                .build(),
        )
        .send()
        .await
        .expect("bucket");
    let kms = sdk::kms::Client::new(owner_session);
    // The owner opens the key to Sluice by tagging it for the pivot role (docs/PIVOT_ROLE.md).
    let pivot_tag = sdk::kms::types::Tag::builder()
        .tag_key("sluice:pivot-role")
        .tag_value("sluice-pivot-role")
        .build()
        .expect("tag");
    let key = kms.create_key().tags(pivot_tag).send().await.expect("key");
    let key_id = key.key_metadata().map(|m| m.key_id().to_owned()).expect("key id");
    kms.create_alias().alias_name("alias/refunds").target_key_id(key_id).send().await.expect("alias");
    let glue = sdk::glue::Client::new(owner_session);
    glue.create_database()
        .database_input(sdk::glue::types::DatabaseInput::builder().name("refunds_raw").build().expect("db"))
        .send()
        .await
        .expect("database");
    glue.create_table()
        .database_name("refunds_raw")
        .table_input(sdk::glue::types::TableInput::builder().name("refunds").build().expect("table"))
        .send()
        .await
        .expect("table");
    let spec = server.dir.path().join("dataset.json");
    let json = serde_json::json!({"environmentUri": env, "label": "Refunds", "team": "TeamA", "bucket": bucket,
        "kmsAlias": "refunds", "glueDatabase": "refunds_raw", "tags": ["finance"]});
    std::fs::write(&spec, json.to_string()).expect("dataset.json");
    let spec = spec.display().to_string();
    let mut uris = Vec::new();
    for _ in 0..2 {
        let published = producer.bash_example("publish-dataset.sh", &[&spec], &[]).await;
        let stderr = String::from_utf8_lossy(&published.stderr).into_owned();
        assert!(published.status.success(), "{stderr}\n{}", server.log());
        assert!(stderr.contains("table refunds"), "{stderr}");
        uris.push(String::from_utf8_lossy(&published.stdout).trim().to_owned());
    }
    assert_eq!(uris[0], uris[1], "the second run publishes the same dataset");
}
