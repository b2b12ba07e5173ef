//! Failed IAM sign-ins are counted per client address, and a source over its limit is refused
//! before any database or STS work. STS is a local server here that counts what reaches it and
//! refuses everything: moto would accept these signatures, and the point is what never gets
//! as far as STS.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, SystemTime},
};

use axum::{Router, http::StatusCode, routing::post};
use serde_json::{Value, json};
use sluice_api::auth::{FailureLimit, IamSettings};
use sluice_cloud::{iam_auth::sign_get_caller_identity, sdk::sts::config::Credentials};

use crate::support::{Backend, Options, TestApp, error_code};

const SERVER_ID: &str = "sluice-hostile-signin";

/// An STS that refuses every request and counts them.
async fn refusing_sts() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let app = Router::new().route(
        "/",
        post(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async {
                (
                    StatusCode::FORBIDDEN,
                    "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, calls)
}

async fn spawn(sts: &str, trusted_proxy_hops: usize) -> TestApp {
    let settings = IamSettings {
        sts_endpoint: reqwest::Url::parse(sts).expect("url"),
        region: "us-east-1".into(),
        server_id: SERVER_ID.into(),
    };
    let limit = FailureLimit { max_failures: 3, window: Duration::from_secs(60), max_sources: 100 };
    let options = Options {
        iam: Some(settings),
        trusted_proxy_hops,
        iam_failure_limit: Some(limit),
        ..Options::default()
    };
    TestApp::spawn_with(Backend::Sqlite, options).await
}

/// A well-formed signed request for `sts`: it passes every check Sluice makes itself.
fn signed(sts: &str) -> String {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
    sign_get_caller_identity(&creds, sts, "us-east-1", SERVER_ID, SystemTime::now())
        .expect("signed")
        .header_value()
}

async fn sign_in(app: &TestApp, authorization: &str, forwarded_for: Option<&str>) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .header("authorization", authorization)
        .json(&json!({"query": "{ __typename }"}));
    if let Some(forwarded) = forwarded_for {
        req = req.header("x-forwarded-for", forwarded);
    }
    let resp = req.send().await.expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().await.expect("json")
}

fn message(body: &Value) -> &str {
    assert_eq!(error_code(body), Some("UNAUTHENTICATED"), "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_source_over_its_failures_is_refused_before_sts_or_the_database() {
    let (sts, calls) = refusing_sts().await;
    let app = spawn(&sts, 0).await;
    // A malformed header fails on its shape alone: no database, no STS.
    assert!(message(&sign_in(&app, "SluiceIAM not-base64!", None).await).contains("malformed"));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "a malformed request never reaches STS");
    for _ in 0..2 {
        assert!(message(&sign_in(&app, &signed(&sts), None).await).contains("STS refused"));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let blocked = sign_in(&app, &signed(&sts), None).await;
    assert!(message(&blocked).contains("too many failed sign-ins"), "{blocked}");
    assert!(message(&blocked).contains("retry after"), "{blocked}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "a blocked source never reaches STS");
    let seen = <sluice_entities::iam_signature_seen::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await
        .expect("seen signatures")
        .len();
    assert_eq!(seen, 0, "refused signatures were released, and the blocked one never written");
    // A forged X-Forwarded-For changes nothing when no proxy is trusted.
    let forged = sign_in(&app, &signed(&sts), Some("198.51.100.99")).await;
    assert!(message(&forged).contains("too many failed sign-ins"), "{forged}");
    // Tokens are another door: a signed-in user from the same address is still served.
    let token = app.token("alice", &["TeamA"]);
    assert_eq!(app.gql(Some(&token), "{ __typename }", json!({})).await["data"]["__typename"], "Query");
}

#[tokio::test]
async fn behind_a_trusted_proxy_failures_count_against_the_address_it_forwarded() {
    let (sts, calls) = refusing_sts().await;
    let app = spawn(&sts, 1).await;
    for _ in 0..3 {
        sign_in(&app, &signed(&sts), Some("198.51.100.1")).await;
    }
    // The client may prepend what it likes; the proxy's entry is the last one.
    let blocked = sign_in(&app, &signed(&sts), Some("203.0.113.7, 198.51.100.1")).await;
    assert!(message(&blocked).contains("too many failed sign-ins"), "{blocked}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let other = sign_in(&app, &signed(&sts), Some("198.51.100.2")).await;
    assert!(message(&other).contains("STS refused"), "another client is not blocked: {other}");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}
