//! IAM authentication over HTTP against moto's STS: a presigned GetCallerIdentity request,
//! signed with credentials moto handed out, signs a caller in as its mapped user and teams.
//!
//! What moto cannot show: it does not verify SigV4 signatures at all (it believes whichever
//! access key a request names), so a forged or tampered signature is only refused here through
//! the checks Sluice makes itself (body exactly GetCallerIdentity, body hash equal to the signed
//! `X-Amz-Content-Sha256`, host, server id, age, replay). Real STS also verifies the signature.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sluice_api::auth::IamSettings;
use sluice_cloud::{
    emulator_sdk_config,
    iam_auth::sign_get_caller_identity,
    sdk::sts::{self, config::Credentials},
};
use sluice_core::iam::wire::SignedIdentityRequest;

use crate::support::{Backend, Options, TestApp, error_code, on_both_backends};

const SERVER_ID: &str = "sluice-iam-tests";
const CREATE: &str = "mutation($i: IamPrincipalMappingInput!) { createIamPrincipalMapping(input: $i) { mappingUri arnPattern username groups allowSessionName createdBy } }";
const ME: &str = "mutation { createOrganization(input: {label: \"Scripted\", SamlGroupName: \"TeamA\"}) { organizationUri owner } }";

fn moto() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

async fn spawn(backend: Backend) -> TestApp {
    let settings = IamSettings {
        sts_endpoint: reqwest::Url::parse(&moto()).expect("moto url"),
        region: "us-east-1".into(),
        server_id: SERVER_ID.into(),
    };
    TestApp::spawn_with(backend, Options { iam: Some(settings), ..Options::default() }).await
}

/// An account no other test uses, so moto's per-account state never collides.
fn fresh_account() -> String {
    let nanos =
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("3{:05}{:06}", std::process::id() % 100_000, (nanos / 1000 + n * 7919) % 1_000_000)
}

/// Credentials of a session of `role` in `account`, from moto's AssumeRole.
async fn assume(account: &str, role: &str, session: &str) -> Credentials {
    let client = sts::Client::new(&emulator_sdk_config(&moto()).await);
    let out = client
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{role}"))
        .role_session_name(session)
        .send()
        .await
        .expect("moto AssumeRole");
    let c = out.credentials().expect("credentials");
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "moto",
    )
}

fn signed(creds: &Credentials, at: SystemTime) -> SignedIdentityRequest {
    sign_get_caller_identity(creds, &moto(), "us-east-1", SERVER_ID, at).expect("signed")
}

async fn call(app: &TestApp, req: &SignedIdentityRequest, query: &str) -> Value {
    let value = req.header_value();
    let (status, body) = app.post_authorized("/graphql", Some(&value), &json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn map(app: &TestApp, pattern: &str, username: &str, groups: &[&str]) -> Value {
    let admin = app.token("dave", &["DAAdministrators"]);
    let allow = username.contains("{{SessionName}}");
    let input = json!({"i": {"arnPattern": pattern, "username": username, "groups": groups, "allowSessionName": allow}});
    app.ok(&admin, CREATE, input).await["createIamPrincipalMapping"].clone()
}

fn assert_refused(body: &Value, reason: &str) {
    assert_eq!(error_code(body), Some("UNAUTHENTICATED"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(reason), "expected {reason:?} in {message:?}");
}

async fn a_mapped_role_signs_in_with_its_mapped_user_and_groups(backend: Backend) {
    let app = spawn(backend).await;
    let account = fresh_account();
    // The session name is the caller's choice: a mapping takes it only when told to, and never
    // for every account in the world.
    let admin = app.token("dave", &["DAAdministrators"]);
    let pattern = format!("arn:aws:iam::{account}:role/ci/Deployer");
    for (pattern, username, field) in [
        (pattern.as_str(), "ci-{{SessionName}}", "username"),
        ("arn:aws:iam::*:role/Deployer", "ci", "arnPattern"),
    ] {
        let input = json!({"i": {"arnPattern": pattern, "username": username, "groups": ["TeamA"]}});
        let refused = app.gql(Some(&admin), CREATE, input).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field, "{refused}");
    }
    let mapping = map(
        &app,
        &format!("arn:aws:iam::{account}:role/ci/Deployer"),
        "ci-{{SessionName}}",
        &["TeamA", "TeamB"],
    )
    .await;
    assert_eq!(mapping["createdBy"], "dave");
    assert_eq!(mapping["groups"], json!(["TeamA", "TeamB"]));
    assert_eq!(mapping["allowSessionName"], true);

    let creds = assume(&account, "Deployer", "build-7").await;
    let body = call(&app, &signed(&creds, SystemTime::now()), ME).await;
    assert!(body.get("errors").is_none(), "{body}");
    // Creating an organization for TeamA needs membership of TeamA, so this shows the groups.
    assert_eq!(body["data"]["createOrganization"]["owner"], "ci-build-7");
    // The trail names the mapped user, and the role session that signed: one mapping may match
    // many of them.
    let trail = app
        .ok(
            &admin,
            "{ listActivity(filter: {action: \"createOrganization\", actor: \"ci-build-7\"}) { nodes { actorKind actorIssuer actorPrincipal } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        trail["listActivity"]["nodes"],
        json!([{"actorKind": "iam", "actorIssuer": "sluice:iam", "actorPrincipal": format!("arn:aws:sts::{account}:assumed-role/Deployer/build-7")}])
    );

    // A fresh signature for each request; the same one again is a replay.
    let again = signed(&creds, SystemTime::now());
    assert!(call(&app, &again, "{ listOrganizations { count } }").await.get("errors").is_none());
    assert_refused(&call(&app, &again, "{ listOrganizations { count } }").await, "used before");
}

async fn unmapped_expired_tampered_and_misdirected_requests_are_unauthenticated(backend: Backend) {
    let app = spawn(backend).await;
    let account = fresh_account();
    map(&app, &format!("arn:aws:iam::{account}:role/Deployer"), "deployer", &["TeamA"]).await;
    let mapped = assume(&account, "Deployer", "s").await;

    let unmapped = assume(&account, "Intruder", "s").await;
    assert_refused(&call(&app, &signed(&unmapped, SystemTime::now()), ME).await, "not mapped");

    let old = SystemTime::now() - Duration::from_secs(16 * 60);
    assert_refused(&call(&app, &signed(&mapped, old), ME).await, "older than 15 minutes");

    let mut tampered = signed(&mapped, SystemTime::now());
    tampered.body = base64_of("Action=GetCallerIdentity&Version=2011-06-15&Extra=1");
    assert_refused(&call(&app, &tampered, ME).await, "exactly its form body");

    // Signed for another host: Sluice never forwards it, wherever it points.
    let elsewhere =
        sign_get_caller_identity(&mapped, "http://127.0.0.1:9", "us-east-1", SERVER_ID, SystemTime::now())
            .expect("signed");
    assert_refused(&call(&app, &elsewhere, ME).await, "STS endpoint");
    let aws = sign_get_caller_identity(
        &mapped,
        "https://evil.example.com",
        "us-east-1",
        SERVER_ID,
        SystemTime::now(),
    )
    .expect("signed");
    assert_refused(&call(&app, &aws, ME).await, "STS endpoint");

    let other_server =
        sign_get_caller_identity(&mapped, &moto(), "us-east-1", "another-sluice", SystemTime::now())
            .expect("signed");
    assert_refused(&call(&app, &other_server, ME).await, "X-Sluice-Server-ID");

    let (_, garbage) =
        app.post_authorized("/graphql", Some("SluiceIAM bm90IGpzb24="), &json!({"query": ME})).await;
    assert_refused(&garbage, "malformed");

    // After all that, a good request from the mapped role still signs in.
    let body = call(&app, &signed(&mapped, SystemTime::now()), ME).await;
    assert_eq!(body["data"]["createOrganization"]["owner"], "deployer", "{body}");
}

async fn admins_manage_mappings_and_a_deleted_mapping_no_longer_signs_in(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.token("dave", &["DAAdministrators"]);
    let account = fresh_account();
    let pattern = format!("arn:aws:iam::{account}:role/Deploy*");
    let created = map(&app, &pattern, "deployer", &["TeamB"]).await;
    let uri = created["mappingUri"].as_str().expect("uri").to_owned();

    let input = json!({"i": {"arnPattern": pattern, "username": "other", "groups": []}});
    assert_eq!(error_code(&app.gql(Some(&admin), CREATE, input).await), Some("CONFLICT"));
    let bad = json!({"i": {"arnPattern": "arn:aws:s3:::bucket", "username": "x", "groups": []}});
    assert_eq!(error_code(&app.gql(Some(&admin), CREATE, bad).await), Some("BAD_USER_INPUT"));

    let updated = app
        .ok(
            &admin,
            "mutation($m: String!, $i: IamPrincipalMappingInput!) { updateIamPrincipalMapping(mappingUri: $m, input: $i) { username groups } }",
            json!({"m": uri, "i": {"arnPattern": pattern, "username": "deployer", "groups": ["TeamA"]}}),
        )
        .await;
    assert_eq!(updated["updateIamPrincipalMapping"], json!({"username": "deployer", "groups": ["TeamA"]}));
    let listed = app.ok(&admin, "{ listIamPrincipalMappings { mappingUri arnPattern } }", json!({})).await;
    assert_eq!(listed["listIamPrincipalMappings"], json!([{"mappingUri": uri, "arnPattern": pattern}]));

    // The more specific exact mapping wins over the wildcard.
    map(&app, &format!("arn:aws:iam::{account}:role/Deployer"), "exact", &["TeamA"]).await;
    let creds = assume(&account, "Deployer", "s").await;
    let body = call(&app, &signed(&creds, SystemTime::now()), ME).await;
    assert_eq!(body["data"]["createOrganization"]["owner"], "exact", "{body}");

    let exact = app.ok(&admin, "{ listIamPrincipalMappings { mappingUri username } }", json!({})).await;
    for m in exact["listIamPrincipalMappings"].as_array().expect("list") {
        app.ok(
            &admin,
            "mutation($m: String!) { deleteIamPrincipalMapping(mappingUri: $m) }",
            json!({"m": m["mappingUri"]}),
        )
        .await;
    }
    assert_refused(&call(&app, &signed(&creds, SystemTime::now()), ME).await, "not mapped");

    let audit = audit_actions(&app).await;
    for action in ["createIamPrincipalMapping", "updateIamPrincipalMapping", "deleteIamPrincipalMapping"] {
        assert!(audit.iter().any(|(a, o)| a == action && o == "success"), "{action} in {audit:?}");
    }
    assert!(audit.iter().any(|(a, o)| a == "createIamPrincipalMapping" && o == "failed"), "{audit:?}");
}

async fn an_unreachable_sts_refuses_without_spending_the_signature(backend: Backend) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port");
    let endpoint = format!("http://{closed}");
    let settings = IamSettings {
        sts_endpoint: reqwest::Url::parse(&endpoint).expect("url"),
        region: "us-east-1".into(),
        server_id: SERVER_ID.into(),
    };
    let app = TestApp::spawn_with(backend, Options { iam: Some(settings), ..Options::default() }).await;
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
    let req = sign_get_caller_identity(&creds, &endpoint, "us-east-1", SERVER_ID, SystemTime::now())
        .expect("signed");
    assert_refused(&call(&app, &req, ME).await, "could not be checked");
    // The same request again is not a replay: a sign-in that was never checked spends nothing.
    assert_refused(&call(&app, &req, ME).await, "could not be checked");
}

async fn the_server_publishes_what_clients_sign_for(backend: Backend) {
    let app = spawn(backend).await;
    let (status, body) = app.get("/auth/iam").await;
    assert_eq!(status, 200);
    let params: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(params["serverId"], SERVER_ID);
    assert_eq!(params["region"], "us-east-1");
    assert_eq!(params["serverIdHeader"], "X-Sluice-Server-ID");
    assert!(params["stsEndpoint"].as_str().is_some_and(|u| u.starts_with(&moto())), "{params}");
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    use sea_orm::EntityTrait;
    sluice_entities::activity::Entity::find()
        .all(&app.db)
        .await
        .expect("activity")
        .into_iter()
        .map(|a| (a.action, a.outcome))
        .collect()
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

on_both_backends!(
    a_mapped_role_signs_in_with_its_mapped_user_and_groups,
    unmapped_expired_tampered_and_misdirected_requests_are_unauthenticated,
    admins_manage_mappings_and_a_deleted_mapping_no_longer_signs_in,
    an_unreachable_sts_refuses_without_spending_the_signature,
    the_server_publishes_what_clients_sign_for,
);
