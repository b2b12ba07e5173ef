//! Keys, a JWKS server and token minting for the auth unit tests.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};

use super::{IssuerSettings, TokenUse};

pub(crate) const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test";
pub(crate) const CLIENT_ID: &str = "client-under-test";
pub(crate) const ADMIN_GROUP: &str = "DAAdministrators";

pub(crate) struct TestKey {
    pub(crate) kid: String,
    pub(crate) encoding: EncodingKey,
    pub(crate) public_pem: String,
    n: String,
    e: String,
}

impl TestKey {
    fn generate(kid: &str) -> Self {
        let private = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("generate an RSA key");
        let pem = private.to_pkcs8_pem(LineEnding::LF).expect("encode the private key");
        let public_pem =
            private.to_public_key().to_public_key_pem(LineEnding::LF).expect("encode the public key");
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).expect("load the private key"),
            public_pem,
            n: URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
        }
    }

    pub(crate) fn jwk(&self) -> Value {
        json!({"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": self.n, "e": self.e})
    }
}

/// Two keys, generated once per test binary because RSA key generation is slow.
pub(crate) fn keys() -> &'static [TestKey; 2] {
    static KEYS: OnceLock<[TestKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| [TestKey::generate("key-a"), TestKey::generate("key-b")])
}

pub(crate) fn jwks_of(keys: &[&TestKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})
}

/// Serves a swappable JWKS document and counts how often it was asked for.
#[derive(Clone)]
pub(crate) struct JwksServer {
    pub(crate) url: String,
    document: Arc<Mutex<Value>>,
    hits: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

impl JwksServer {
    pub(crate) async fn start(document: Value) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a test port");
        let addr = listener.local_addr().expect("local address");
        let server = Self {
            url: format!("http://{addr}/jwks.json"),
            document: Arc::new(Mutex::new(document)),
            hits: Arc::new(AtomicUsize::new(0)),
            failing: Arc::new(AtomicBool::new(false)),
        };
        let app = Router::new().route("/jwks.json", get(serve_jwks)).with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        server
    }

    pub(crate) fn set(&self, document: Value) {
        *self.document.lock().expect("jwks lock") = document;
    }

    pub(crate) fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    pub(crate) fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn serve_jwks(State(server): State<JwksServer>) -> Response {
    server.hits.fetch_add(1, Ordering::SeqCst);
    if server.failing.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    let document = server.document.lock().expect("jwks lock").clone();
    axum::Json(document).into_response()
}

pub(crate) fn settings(jwks_url: &str, token_use: TokenUse) -> IssuerSettings {
    IssuerSettings::new(ISSUER.to_owned(), jwks_url.to_owned(), CLIENT_ID.to_owned(), token_use)
}

pub(crate) fn now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    i64::try_from(secs).expect("sane clock")
}

/// The claims of a Cognito id token, as real Cognito (and moto) shape them.
pub(crate) fn id_claims() -> Value {
    let now = now();
    json!({
        "iss": ISSUER,
        "sub": "0b6c1b8e-0000-4000-8000-000000000001",
        "aud": CLIENT_ID,
        "token_use": "id",
        "cognito:username": "alice",
        "email": "alice@example.com",
        "email_verified": true,
        "cognito:groups": ["TeamA"],
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
    })
}

/// The claims of a Cognito access token: `client_id` and `username`, no `aud`, no `email`.
pub(crate) fn access_claims() -> Value {
    let now = now();
    json!({
        "iss": ISSUER,
        "sub": "0b6c1b8e-0000-4000-8000-000000000001",
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "username": "alice",
        "cognito:groups": ["TeamA"],
        "iat": now,
        "exp": now + 3600,
    })
}

/// Applies `changes` on top of `base`; a `null` value removes the claim.
pub(crate) fn with(mut base: Value, changes: Value) -> Value {
    if let (Some(map), Value::Object(changes)) = (base.as_object_mut(), changes) {
        for (name, value) in changes {
            if value.is_null() {
                map.remove(&name);
            } else {
                map.insert(name, value);
            }
        }
    }
    base
}

/// RS256-signs `claims` with `key`, naming `key.kid` in the header.
pub(crate) fn sign(key: &TestKey, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    sign_with(&header, claims, &key.encoding)
}

pub(crate) fn sign_with(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).expect("sign a test token")
}

/// Assembles a token from raw JSON parts, for headers jsonwebtoken refuses to produce.
pub(crate) fn raw_token(header: &Value, claims: &Value, signature: &str) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).expect("serialise"));
    format!("{}.{}.{signature}", part(header), part(claims))
}
