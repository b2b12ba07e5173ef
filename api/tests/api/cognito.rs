//! Test support: a Cognito user pool in moto, driven over Cognito's JSON wire protocol, so
//! tests get real RS256 tokens and a real JWKS without AWS.
//!
//! moto behaviour this relies on (moto 5.2):
//! - the region comes from the credential scope of the `Authorization` header; the signature
//!   itself is not checked, and with no header at all moto assumes us-east-1;
//! - `iss` is `https://cognito-idp.<region>.amazonaws.com/<poolId>`, not the moto URL;
//! - the JWKS is served at `<moto>/<poolId>/.well-known/jwks.json`, and every pool (even one
//!   that does not exist) shares one key with `kid` "dummy", so only `iss` tells pools apart;
//! - id tokens carry no `email` claim; access tokens carry `client_id` and `username`, no `aud`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sluice_api::auth::{AuthError, FederatedGroups, IssuerSettings, TokenUse, UsernameClaim, Verifier};

pub struct LocalCognito {
    pub base_url: String,
    pub region: String,
    pub pool_id: String,
    pub client_id: String,
}

impl LocalCognito {
    /// A new pool with a unique name and an app client allowing USER_PASSWORD_AUTH and refresh.
    pub async fn setup(base_url: &str, region: &str) -> LocalCognito {
        Self::setup_with(base_url, region, json!({}), json!({})).await
    }

    /// As [`Self::setup`], with more fields for CreateUserPool and CreateUserPoolClient.
    pub async fn setup_with(base_url: &str, region: &str, pool: Value, client: Value) -> LocalCognito {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let pool = call(
            &base_url,
            region,
            "CreateUserPool",
            merged(json!({"PoolName": unique_name("sluice-test")}), pool),
        )
        .await
        .expect("CreateUserPool");
        let pool_id = str_at(&pool, "/UserPool/Id");
        let client = call(
            &base_url,
            region,
            "CreateUserPoolClient",
            merged(
                json!({
                    "UserPoolId": pool_id,
                    "ClientName": "sluice-test",
                    "GenerateSecret": false,
                    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                }),
                client,
            ),
        )
        .await
        .expect("CreateUserPoolClient");
        let client_id = str_at(&client, "/UserPoolClient/ClientId");
        LocalCognito { base_url, region: region.to_owned(), pool_id, client_id }
    }

    pub fn issuer(&self) -> String {
        format!("https://cognito-idp.{}.amazonaws.com/{}", self.region, self.pool_id)
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/{}/.well-known/jwks.json", self.base_url, self.pool_id)
    }

    /// Creates the user with a permanent password (so no NEW_PASSWORD_REQUIRED challenge) and
    /// adds it to `groups`, creating those that do not exist yet.
    pub async fn create_user(&self, username: &str, password: &str, groups: &[&str]) {
        let pool = self.pool_id.as_str();
        self.op(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS"}),
        )
        .await;
        self.op(
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": username, "Password": password, "Permanent": true}),
        )
        .await;
        for group in groups {
            match call(
                &self.base_url,
                &self.region,
                "CreateGroup",
                json!({"UserPoolId": pool, "GroupName": group}),
            )
            .await
            {
                Ok(_) => {}
                Err(error) if error.contains("GroupExistsException") => {}
                Err(error) => panic!("CreateGroup {group}: {error}"),
            }
            self.op(
                "AdminAddUserToGroup",
                json!({"UserPoolId": pool, "Username": username, "GroupName": group}),
            )
            .await;
        }
    }

    pub async fn id_token(&self, username: &str, password: &str) -> String {
        self.tokens(username, password).await.0
    }

    pub async fn access_token(&self, username: &str, password: &str) -> String {
        self.tokens(username, password).await.1
    }

    async fn tokens(&self, username: &str, password: &str) -> (String, String) {
        let result = self
            .op(
                "InitiateAuth",
                json!({
                    "ClientId": self.client_id,
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "AuthParameters": {"USERNAME": username, "PASSWORD": password},
                }),
            )
            .await;
        (
            str_at(&result, "/AuthenticationResult/IdToken"),
            str_at(&result, "/AuthenticationResult/AccessToken"),
        )
    }

    /// Verifier settings for this pool's tokens of one kind.
    pub fn settings(&self, token_use: TokenUse) -> IssuerSettings {
        IssuerSettings::new(self.issuer(), self.jwks_url(), self.client_id.clone(), token_use)
    }

    /// UpdateUserAttributes with the user's own access token: what any signed-in user may try.
    pub async fn update_own_attributes(&self, access_token: &str, attributes: &[(&str, &str)]) {
        let attributes: Vec<Value> =
            attributes.iter().map(|(name, value)| json!({"Name": name, "Value": value})).collect();
        self.op("UpdateUserAttributes", json!({"AccessToken": access_token, "UserAttributes": attributes}))
            .await;
    }

    async fn op(&self, operation: &str, body: Value) -> Value {
        call(&self.base_url, &self.region, operation, body)
            .await
            .unwrap_or_else(|error| panic!("{operation}: {error}"))
    }
}

/// One Cognito JSON-protocol call. Returns the error body as text on a non-2xx answer.
async fn call(base_url: &str, region: &str, operation: &str, body: Value) -> Result<Value, String> {
    // moto reads the region from the credential scope and does not check the signature.
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/cognito-idp/aws4_request, \
         SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
    );
    let response = reqwest::Client::new()
        .post(format!("{base_url}/"))
        .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", authorization)
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{operation}: is moto running at {base_url}? {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_else(|e| panic!("{operation}: reading the answer: {e}"));
    if !status.is_success() {
        return Err(format!("HTTP {status}: {text}"));
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {text}"))
}

fn merged(mut base: Value, more: Value) -> Value {
    if let (Some(base), Value::Object(more)) = (base.as_object_mut(), more) {
        base.extend(more);
    }
    base
}

fn str_at(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {value}"))
        .to_owned()
}

/// Unique across tests in one process and across runs against one long-lived moto.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

#[tokio::test]
async fn moto_cognito_tokens_verify_through_the_verifier() {
    let moto = std::env::var("SLUICE_TEST_MOTO_URL")
        .expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL");
    let cognito = LocalCognito::setup(&moto, "eu-west-1").await;
    cognito.create_user("alice", "Passw0rd!", &["TeamA", "DAAdministrators"]).await;
    cognito.create_user("bob", "Passw0rd!", &["TeamA"]).await;
    let admin_group = "DAAdministrators".to_owned();
    let id_verifier =
        Verifier::new(vec![cognito.settings(TokenUse::Id)], admin_group.clone(), reqwest::Client::new());

    let alice = id_verifier
        .verify(&cognito.id_token("alice", "Passw0rd!").await)
        .await
        .expect("moto id token verifies");
    assert_eq!(alice.username(), "alice", "cognito:username names the user");
    assert_eq!(alice.groups(), ["DAAdministrators", "TeamA"]);
    assert!(alice.is_admin());

    let bob = id_verifier.verify(&cognito.id_token("bob", "Passw0rd!").await).await.expect("bob's id token");
    assert_eq!((bob.username(), bob.groups(), bob.is_admin()), ("bob", &["TeamA".to_owned()][..], false));

    let access = cognito.access_token("alice", "Passw0rd!").await;
    assert_eq!(id_verifier.verify(&access).await, Err(AuthError::WrongTokenUse { expected: TokenUse::Id }));
    let access_verifier =
        Verifier::new(vec![cognito.settings(TokenUse::Access)], admin_group, reqwest::Client::new());
    let via_access = access_verifier.verify(&access).await.expect("moto access token verifies");
    assert_eq!(via_access.username(), "alice");
    assert_eq!(via_access.groups(), ["DAAdministrators", "TeamA"]);
    assert!(via_access.is_admin());

    // moto signs every pool with the same key, so this shows the issuer check, not the key,
    // keeps another pool's users out.
    let other = LocalCognito::setup(&moto, "eu-west-1").await;
    other.create_user("mallory", "Passw0rd!", &["DAAdministrators"]).await;
    let foreign = other.id_token("mallory", "Passw0rd!").await;
    assert_eq!(id_verifier.verify(&foreign).await, Err(AuthError::UnknownIssuer));
}

/// Issue 23, hole 3, replayed against moto (which, like a Cognito app client without
/// WriteAttributes, lets a user write any of their attributes): a user sets their own
/// `custom:saml.groups` to the admin group and their `email` to someone else's address, signs
/// in again, and presents the new id token. The claims really are in the token; the verifier
/// gives them nothing.
#[tokio::test]
async fn a_user_who_rewrites_their_own_attributes_gains_no_group_and_no_other_name() {
    let moto = std::env::var("SLUICE_TEST_MOTO_URL")
        .expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL");
    let schema = json!({"Schema": [{"Name": "saml.groups", "AttributeDataType": "String", "Mutable": true}]});
    let client = json!({"ReadAttributes": ["email", "email_verified", "custom:saml.groups"]});
    let cognito = LocalCognito::setup_with(&moto, "eu-west-1", schema, client).await;
    cognito.create_user("mallory", "Passw0rd!", &["TeamM"]).await;
    let access = cognito.access_token("mallory", "Passw0rd!").await;
    cognito
        .update_own_attributes(
            &access,
            &[("custom:saml.groups", "DAAdministrators"), ("email", "alice@example.com")],
        )
        .await;
    let token = cognito.id_token("mallory", "Passw0rd!").await;
    let claims = payload(&token);
    assert_eq!(
        (claims["custom:saml.groups"].as_str(), claims["email"].as_str()),
        (Some("DAAdministrators"), Some("alice@example.com")),
        "the attack is in the token: {claims}"
    );
    let admin_group = "DAAdministrators".to_owned();
    let verify = |settings: IssuerSettings| {
        let verifier = Verifier::new(vec![settings], admin_group.clone(), reqwest::Client::new());
        let token = token.clone();
        async move { verifier.verify(&token).await }
    };

    let actor = verify(cognito.settings(TokenUse::Id)).await.expect("a valid token");
    assert_eq!(
        (actor.username(), actor.groups(), actor.is_admin()),
        ("mallory", &["TeamM".to_owned()][..], false),
        "no identity-provider mapping configured"
    );

    let federated_groups =
        FederatedGroups { claim: "custom:saml.groups".into(), providers: vec!["CorpIdP".into()] };
    let federated =
        IssuerSettings { federated_groups: Some(federated_groups), ..cognito.settings(TokenUse::Id) };
    let actor = verify(federated).await.expect("a valid token");
    assert!(!actor.is_admin(), "a mapping is configured, but mallory did not sign in through CorpIdP");

    let by_email =
        IssuerSettings { username_claim: UsernameClaim::VerifiedEmail, ..cognito.settings(TokenUse::Id) };
    assert_eq!(verify(by_email).await, Err(AuthError::EmailNotVerified));
}

fn payload(token: &str) -> Value {
    use base64::Engine as _;
    let part = token.split('.').nth(1).expect("a JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).expect("base64url payload");
    serde_json::from_slice(&bytes).expect("a JSON payload")
}
