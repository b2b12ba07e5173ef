//! Bad tokens are UNAUTHENTICATED over HTTP, whatever is wrong with them. The verifier's unit
//! tests cover each rule in depth; these prove the API maps every refusal the same way.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, error_code};

const QUERY: &str = "{ listOrganizations { count } }";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(app: &TestApp) -> Value {
    json!({
        "iss": app.base_url,
        "sub": "alice",
        "aud": "sluice-dev",
        "token_use": "id",
        "cognito:username": "alice",
        "cognito:groups": ["TeamA"],
        "iat": now(),
        "exp": now() + 600,
    })
}

fn rs256(app: &TestApp) -> Header {
    Header { kid: Some(app.dev_kid()), ..Header::new(Algorithm::RS256) }
}

fn with(app: &TestApp, key: &str, value: Value) -> String {
    let mut c = claims(app);
    c[key] = value;
    app.sign(rs256(app), &c)
}

async fn assert_rejected(app: &TestApp, name: &str, token: &str) {
    let body = app.gql(Some(token), QUERY, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{name}: {body}");
    assert!(body["data"].is_null() || body["data"]["listOrganizations"].is_null(), "{name}: {body}");
}

#[tokio::test]
async fn every_kind_of_bad_token_is_unauthenticated() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let good = app.sign(rs256(&app), &claims(&app));
    assert_eq!(
        app.ok(&good, QUERY, json!({})).await["listOrganizations"]["count"],
        0,
        "the baseline token works"
    );

    assert_rejected(&app, "expired", &with(&app, "exp", json!(now() - 3600))).await;
    assert_rejected(&app, "not yet valid", &with(&app, "nbf", json!(now() + 3600))).await;
    assert_rejected(&app, "wrong issuer", &with(&app, "iss", json!("https://evil.example"))).await;
    assert_rejected(&app, "wrong audience", &with(&app, "aud", json!("another-client"))).await;
    assert_rejected(
        &app,
        "access token where an id token is required",
        &with(&app, "token_use", json!("access")),
    )
    .await;

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims(&app).to_string())
    );
    assert_rejected(&app, "alg none", &unsigned).await;

    // HS256 keyed with the public key: the classic algorithm-confusion attack.
    let public_pem = {
        use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(&app.dev_key_pem()).expect("private key");
        private.to_public_key().to_public_key_pem(LineEnding::LF).expect("public pem")
    };
    let hs = jsonwebtoken::encode(
        &Header { kid: Some(app.dev_kid()), ..Header::new(Algorithm::HS256) },
        &claims(&app),
        &jsonwebtoken::EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .expect("hs256");
    assert_rejected(&app, "HS256 with the public key", &hs).await;

    let unknown_kid =
        app.sign(Header { kid: Some("not-a-key".into()), ..Header::new(Algorithm::RS256) }, &claims(&app));
    assert_rejected(&app, "unknown kid", &unknown_kid).await;

    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let mut payload = claims(&app);
    payload["cognito:groups"] = json!(["DAAdministrators"]);
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    assert_rejected(&app, "tampered payload", &parts.join(".")).await;

    assert_rejected(&app, "garbage", "not-a-jwt").await;
    let (status, body) = app.post("/graphql", None, &json!({"query": QUERY})).await;
    assert_eq!((status, error_code(&body)), (200, Some("UNAUTHENTICATED")), "no token: {body}");
}
