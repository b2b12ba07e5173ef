//! Credential vending over GraphQL: who receives a role's credentials and links, what the
//! activity trail keeps of it, the refusals, and (against moto) that what is vended works as
//! the right role.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::support::{Backend, Options, TestApp, error_code, on_both_backends, two_teams::two_teams};

const DATASET_TOKEN: &str = "mutation($d: String!) { generateDatasetAccessToken(datasetUri: $d) }";
const DATASET_URL: &str = "query($d: String) { getDatasetAssumeRoleUrl(datasetUri: $d) }";
const UPLOAD: &str =
    "query($d: String!, $i: DatasetPresignedUrlInput) { getDatasetPresignedUrl(datasetUri: $d, input: $i) }";
const ENV_TOKEN: &str =
    "query($e: String!, $g: String) { generateEnvironmentAccessToken(environmentUri: $e, groupUri: $g) }";
const ENV_URL: &str =
    "query($e: String!, $g: String) { getEnvironmentAssumeRoleUrl(environmentUri: $e, groupUri: $g) }";
const GRANT: &str = "mutation($i: InviteGroupOnEnvironmentInput!) { updateGroupEnvironmentPermissions(input: $i) { environmentUri } }";

fn parsed(data: &Value, op: &str) -> Value {
    serde_json::from_str(data[op].as_str().unwrap_or_else(|| panic!("{op}: {data}"))).expect("json")
}

/// The activity rows of `action` on `target`.
async fn trail(app: &TestApp, action: &str, target: &str) -> Vec<sluice_entities::activity::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use sluice_entities::activity;
    activity::Entity::find()
        .filter(activity::Column::Action.eq(action))
        .filter(activity::Column::TargetUri.eq(target))
        .all(&app.db)
        .await
        .expect("activity")
}

async fn a_datasets_admin_team_alone_receives_its_role_and_the_trail_keeps_no_secret(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let vars = json!({"d": world.dataset});

    let token = parsed(&app.ok(&alice, DATASET_TOKEN, vars.clone()).await, "generateDatasetAccessToken");
    let secret = token["SessionKey"].as_str().expect("secret key").to_owned();
    assert!(token["AccessKey"].is_string() && token["sessionToken"].is_string(), "{token}");
    let rows = trail(&app, "generateDatasetAccessToken", &world.dataset).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!((row.actor.as_str(), row.outcome.as_str()), ("alice", "success"));
    assert!(row.summary.contains(token["AccessKey"].as_str().expect("key")), "{}", row.summary);
    assert!(row.summary.contains("for TeamA"), "{}", row.summary);
    assert!(!row.summary.contains(&secret), "the secret stays out of the trail: {}", row.summary);
    assert!(!row.summary.contains(token["sessionToken"].as_str().expect("token")), "{}", row.summary);

    let url = app.ok(&alice, DATASET_URL, vars.clone()).await["getDatasetAssumeRoleUrl"].clone();
    assert!(url.as_str().is_some_and(|u| u.contains("/s3/buckets/")), "lands on the bucket: {url}");

    for (doc, op) in [(DATASET_TOKEN, "generateDatasetAccessToken"), (DATASET_URL, "getDatasetAssumeRoleUrl")]
    {
        let refused = app.gql(Some(&bob), doc, vars.clone()).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{op}: {refused}");
        let denied = trail(&app, op, &world.dataset).await;
        assert!(denied.iter().any(|r| r.actor == "bob" && r.outcome == "denied"), "{op}: {denied:?}");
    }
}

async fn an_upload_link_writes_one_key_of_the_datasets_bucket_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let vars = |input: Value| json!({"d": world.dataset, "i": input});

    let form =
        parsed(&app.ok(&alice, UPLOAD, vars(json!({"fileName": "a.csv"}))).await, "getDatasetPresignedUrl");
    assert_eq!(form["fields"]["key"], "uploads/a.csv", "{form}");
    let form = parsed(
        &app.ok(&alice, UPLOAD, vars(json!({"prefix": "raw/2026", "fileName": "b.csv"}))).await,
        "getDatasetPresignedUrl",
    );
    assert_eq!(form["fields"]["key"], "raw/2026/b.csv", "{form}");

    for (input, field) in [
        (json!({"fileName": "../../other/a.csv"}), "fileName"),
        (json!({"prefix": "/", "fileName": "a.csv"}), "prefix"),
        (json!({"prefix": "s3://someone-elses-bucket", "fileName": "a.csv"}), "prefix"),
        (json!({"prefix": "raw/..", "fileName": "a.csv"}), "prefix"),
        (json!({}), "fileName"),
    ] {
        let refused = app.gql(Some(&alice), UPLOAD, vars(input.clone())).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{input}: {refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field, "{input}: {refused}");
    }
}

async fn an_environment_role_goes_to_members_of_its_team_with_the_permission(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob, dave) = (
        app.token("alice", &["TeamA"]),
        app.token("bob", &["TeamB"]),
        app.token("dave", &["DAAdministrators"]),
    );
    let env = |group: Option<&str>| json!({"e": world.env, "g": group});

    let owners = parsed(&app.ok(&alice, ENV_TOKEN, env(None)).await, "generateEnvironmentAccessToken");
    assert!(owners["AccessKey"].is_string(), "{owners}");
    // bob's team was invited without CREDENTIALS_ENVIRONMENT; nobody outside TeamA gets TeamA's
    // role, platform admins included.
    for (who, group) in
        [(&bob, Some("TeamB")), (&bob, Some("TeamA")), (&bob, None), (&dave, None), (&alice, Some("TeamB"))]
    {
        let refused = app.gql(Some(who), ENV_TOKEN, env(group)).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{group:?}: {refused}");
    }
    app.ok(
        &alice,
        GRANT,
        json!({"i": {"environmentUri": world.env, "groupUri": "TeamB", "permissions": ["CREATE_SHARE_OBJECT", "CREDENTIALS_ENVIRONMENT"]}}),
    )
    .await;
    let bobs = app.ok(&bob, ENV_URL, env(Some("TeamB"))).await["getEnvironmentAssumeRoleUrl"].clone();
    assert!(
        bobs.as_str().is_some_and(|u| u.contains(&format!("dl-teamb-{}", world.env))),
        "TeamB's role: {bobs}"
    );
    let still = app.gql(Some(&bob), ENV_TOKEN, env(Some("TeamA"))).await;
    assert_eq!(error_code(&still), Some("FORBIDDEN"), "never another team's role: {still}");
    let rows = trail(&app, "getEnvironmentAssumeRoleUrl", &world.env).await;
    assert!(rows.iter().any(|r| r.actor == "bob" && r.summary.contains("for TeamB")), "{rows:?}");
}

async fn operators_can_turn_credential_vending_off(backend: Backend) {
    let app = TestApp::spawn_with(backend, Options { vending_off: true, ..Default::default() }).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    for (doc, vars) in [
        (DATASET_TOKEN, json!({"d": world.dataset})),
        (DATASET_URL, json!({"d": world.dataset})),
        (UPLOAD, json!({"d": world.dataset, "i": {"fileName": "a.csv"}})),
        (ENV_TOKEN, json!({"e": world.env})),
        (ENV_URL, json!({"e": world.env})),
    ] {
        let refused = app.gql(Some(&alice), doc, vars).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{doc}: {refused}");
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("SLUICE_CREDENTIAL_VENDING=false"), "{doc}: {message}");
    }
}

on_both_backends!(
    a_datasets_admin_team_alone_receives_its_role_and_the_trail_keeps_no_secret,
    an_upload_link_writes_one_key_of_the_datasets_bucket_only,
    an_environment_role_goes_to_members_of_its_team_with_the_permission,
    operators_can_turn_credential_vending_off,
);

/// A console federation endpoint on 127.0.0.1 that hands out a sign-in token and remembers the
/// sessions it was asked about.
async fn fake_federation() -> (reqwest::Url, Arc<Mutex<Vec<Value>>>) {
    use axum::{Json, Router, extract::Query, routing::get};
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let log = seen.clone();
    let app = Router::new().route(
        "/federation",
        get(move |Query(q): Query<std::collections::HashMap<String, String>>| {
            let log = log.clone();
            async move {
                assert_eq!(q.get("Action").map(String::as_str), Some("getSigninToken"));
                let session: Value = serde_json::from_str(q.get("Session").expect("Session")).expect("json");
                log.lock().expect("log").push(session);
                Json(json!({"SigninToken": "fake-signin-token"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/federation", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (reqwest::Url::parse(&url).expect("url"), seen)
}

fn moto_url() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

/// An SDK configuration for moto with vended credentials.
async fn as_vended(token: &Value) -> sluice_cloud::sdk::aws_config::SdkConfig {
    use sluice_cloud::sdk::{aws_config, sts::config::Credentials};
    let credentials = Credentials::new(
        token["AccessKey"].as_str().expect("key"),
        token["SessionKey"].as_str().expect("secret"),
        token["sessionToken"].as_str().map(str::to_owned),
        None,
        "vended",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(moto_url())
        .credentials_provider(credentials)
        .region(aws_config::Region::new("eu-west-1"))
        .load()
        .await
}

async fn caller(token: &Value) -> String {
    let sts = sluice_cloud::sdk::sts::Client::new(&as_vended(token).await);
    sts.get_caller_identity().send().await.expect("GetCallerIdentity").arn.expect("arn")
}

/// Against moto: vended credentials are the right role's in the right account (moto's STS
/// checks no trust policy or ExternalId, so which role may be assumed is Sluice's rule alone,
/// tested above).
async fn vended_credentials_act_as_the_teams_role(backend: Backend) {
    let (federation, sessions) = fake_federation().await;
    let vendor = sluice_cloud::RoleVendor::new(
        sluice_cloud::emulator_sdk_config(&moto_url()).await,
        federation.clone(),
    );
    let app =
        TestApp::spawn_with(backend, Options { vendor: Some(Arc::new(vendor)), ..Default::default() }).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));

    let restricted = app
        .ok(&alice, "query($d: String!) { getDataset(datasetUri: $d) { restricted { IAMDatasetAdminRoleArn S3BucketName } } }", json!({"d": world.dataset}))
        .await;
    let admin_role =
        restricted["getDataset"]["restricted"]["IAMDatasetAdminRoleArn"].as_str().expect("role").to_owned();
    let role_name = admin_role.rsplit('/').next().expect("name");
    let token = parsed(
        &app.ok(&alice, DATASET_TOKEN, json!({"d": world.dataset})).await,
        "generateDatasetAccessToken",
    );
    assert_eq!(
        caller(&token).await,
        format!("arn:aws:sts::111122223333:assumed-role/{role_name}/sluice-alice"),
        "the dataset admin role, named for the person it was vended to"
    );

    let env_token =
        parsed(&app.ok(&alice, ENV_TOKEN, json!({"e": world.env})).await, "generateEnvironmentAccessToken");
    assert_eq!(
        caller(&env_token).await,
        format!("arn:aws:sts::111122223333:assumed-role/dl-teama-{}/sluice-alice", world.env)
    );
    let refused = app.gql(Some(&bob), ENV_TOKEN, json!({"e": world.env, "g": "TeamA"})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let url = app.ok(&alice, ENV_URL, json!({"e": world.env})).await["getEnvironmentAssumeRoleUrl"]
        .as_str()
        .expect("url")
        .to_owned();
    let url = reqwest::Url::parse(&url).expect("a URL");
    assert!(url.as_str().starts_with(federation.as_str()), "{url}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query.get("Action").map(String::as_str), Some("login"));
    assert_eq!(query.get("SigninToken").map(String::as_str), Some("fake-signin-token"));
    assert_eq!(
        query.get("Destination").map(String::as_str),
        Some("https://eu-west-1.console.aws.amazon.com/")
    );
    let session = sessions.lock().expect("log").last().cloned().expect("the endpoint was asked");
    assert_eq!(
        caller(&json!({"AccessKey": session["sessionId"], "SessionKey": session["sessionKey"], "sessionToken": session["sessionToken"]})).await,
        format!("arn:aws:sts::111122223333:assumed-role/dl-teama-{}/sluice-alice", world.env),
        "the sign-in session is TeamA's role"
    );
}

on_both_backends!(vended_credentials_act_as_the_teams_role);
