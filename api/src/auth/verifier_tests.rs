//! Verifier behaviour end to end: real RSA keys, a real JWKS served over HTTP.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::test_support::{
    ADMIN_GROUP, JwksServer, access_claims, id_claims, jwks_of, keys, now, raw_token, settings, sign,
    sign_with, with,
};
use super::{AuthError, FederatedGroups, IssuerSettings, TokenUse, UsernameClaim, Verifier};

fn verifier(issuers: Vec<IssuerSettings>) -> Verifier {
    Verifier::new(issuers, ADMIN_GROUP.to_owned(), reqwest::Client::new())
        .with_refresh_cooldown(Duration::ZERO)
}

/// A server with key A and an id-token verifier pointed at it.
async fn id_setup() -> (JwksServer, Verifier) {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let verifier = verifier(vec![settings(&server.url, TokenUse::Id)]);
    (server, verifier)
}

async fn verify_id(claims: serde_json::Value) -> Result<sluice_core::Actor, AuthError> {
    let (_server, verifier) = id_setup().await;
    verifier.verify(&sign(&keys()[0], &claims)).await
}

#[tokio::test]
async fn a_cognito_id_token_is_accepted() {
    let actor = verify_id(id_claims()).await.expect("valid id token");
    assert_eq!(actor.username(), "alice", "cognito:username, not the e-mail the user may rewrite");
    assert_eq!(actor.groups(), ["TeamA"]);
    assert!(!actor.is_admin());
}

#[tokio::test]
async fn a_cognito_access_token_is_accepted_by_access_settings() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let verifier = verifier(vec![settings(&server.url, TokenUse::Access)]);
    let actor = verifier.verify(&sign(&keys()[0], &access_claims())).await.expect("valid access token");
    assert_eq!(actor.username(), "alice");
    assert_eq!(actor.groups(), ["TeamA"]);
}

#[tokio::test]
async fn an_access_token_is_rejected_by_id_settings() {
    let err = verify_id(access_claims()).await.expect_err("access token under id settings");
    assert_eq!(err, AuthError::WrongTokenUse { expected: TokenUse::Id });
}

#[tokio::test]
async fn an_id_token_is_rejected_by_access_settings() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let verifier = verifier(vec![settings(&server.url, TokenUse::Access)]);
    let err = verifier.verify(&sign(&keys()[0], &id_claims())).await.expect_err("id token under access");
    assert_eq!(err, AuthError::WrongTokenUse { expected: TokenUse::Access });
}

#[tokio::test]
async fn one_issuer_can_accept_both_id_and_access_tokens() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let verifier =
        verifier(vec![settings(&server.url, TokenUse::Id), settings(&server.url, TokenUse::Access)]);
    verifier.verify(&sign(&keys()[0], &id_claims())).await.expect("id token");
    verifier.verify(&sign(&keys()[0], &access_claims())).await.expect("access token");
    assert_eq!(server.hits(), 1, "settings sharing a JWKS URL share its cache");
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let claims = with(id_claims(), json!({"iat": now() - 7200, "exp": now() - 120}));
    assert_eq!(verify_id(claims).await, Err(AuthError::Expired));
}

#[tokio::test]
async fn a_token_expired_within_the_leeway_is_accepted() {
    let claims = with(id_claims(), json!({"exp": now() - 30}));
    verify_id(claims).await.expect("30 s of clock skew is tolerated");
}

#[tokio::test]
async fn a_token_that_is_not_yet_valid_is_rejected() {
    let claims = with(id_claims(), json!({"nbf": now() + 600}));
    assert_eq!(verify_id(claims).await, Err(AuthError::NotYetValid));
}

#[tokio::test]
async fn a_token_without_exp_is_rejected() {
    let claims = with(id_claims(), json!({"exp": null}));
    assert_eq!(verify_id(claims).await, Err(AuthError::MissingClaim("exp".into())));
}

#[tokio::test]
async fn a_token_without_token_use_is_rejected() {
    let claims = with(id_claims(), json!({"token_use": null}));
    assert_eq!(verify_id(claims).await, Err(AuthError::MissingClaim("token_use".into())));
}

#[tokio::test]
async fn a_token_for_another_app_client_is_rejected() {
    let claims = with(id_claims(), json!({"aud": "some-other-client"}));
    assert_eq!(verify_id(claims).await, Err(AuthError::WrongAudience));
}

#[tokio::test]
async fn an_unknown_issuer_is_rejected_without_fetching_keys() {
    let (server, verifier) = id_setup().await;
    let claims = with(id_claims(), json!({"iss": "https://evil.example.com"}));
    assert_eq!(verifier.verify(&sign(&keys()[0], &claims)).await, Err(AuthError::UnknownIssuer));
    assert_eq!(
        verifier.verify(&sign(&keys()[0], &with(id_claims(), json!({"iss": null})))).await,
        Err(AuthError::MissingClaim("iss".into()))
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let (_server, verifier) = id_setup().await;
    for header in [json!({"alg": "none", "kid": "key-a"}), json!({"alg": "None", "typ": "JWT"})] {
        for signature in ["", "AAAA"] {
            let token = raw_token(&header, &id_claims(), signature);
            assert_eq!(verifier.verify(&token).await, Err(AuthError::UnsupportedAlgorithm), "{header}");
        }
    }
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_rejected() {
    let (server, verifier) = id_setup().await;
    let key = &keys()[0];
    for secret in [key.public_pem.as_bytes(), b"any shared secret".as_slice()] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let token = sign_with(&header, &id_claims(), &EncodingKey::from_secret(secret));
        assert_eq!(verifier.verify(&token).await, Err(AuthError::UnsupportedAlgorithm));
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn rsa_algorithms_other_than_rs256_are_rejected() {
    let (_server, verifier) = id_setup().await;
    let key = &keys()[0];
    for alg in [Algorithm::RS384, Algorithm::RS512, Algorithm::PS256] {
        let mut header = Header::new(alg);
        header.kid = Some(key.kid.clone());
        let token = sign_with(&header, &id_claims(), &key.encoding);
        assert_eq!(verifier.verify(&token).await, Err(AuthError::UnsupportedAlgorithm), "{alg:?}");
    }
}

#[tokio::test]
async fn a_token_without_kid_is_rejected() {
    let (_server, verifier) = id_setup().await;
    let token = sign_with(&Header::new(Algorithm::RS256), &id_claims(), &keys()[0].encoding);
    assert_eq!(verifier.verify(&token).await, Err(AuthError::MissingKeyId));
}

#[tokio::test]
async fn an_unknown_kid_is_rejected_after_one_refresh() {
    let (server, verifier) = id_setup().await;
    // Signed by key B, which the issuer does not publish.
    let token = sign(&keys()[1], &id_claims());
    assert_eq!(verifier.verify(&token).await, Err(AuthError::UnknownKey));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_signature_by_another_key_under_a_known_kid_is_rejected() {
    let (_server, verifier) = id_setup().await;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(keys()[0].kid.clone());
    let token = sign_with(&header, &id_claims(), &keys()[1].encoding);
    assert_eq!(verifier.verify(&token).await, Err(AuthError::InvalidSignature));
}

#[tokio::test]
async fn a_tampered_payload_fails_the_signature_check() {
    let (_server, verifier) = id_setup().await;
    let token = sign(&keys()[0], &id_claims());
    let parts: Vec<&str> = token.split('.').collect();
    let promoted = with(id_claims(), json!({"cognito:groups": [ADMIN_GROUP]}));
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&promoted).expect("serialise"));
    let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_eq!(verifier.verify(&forged).await, Err(AuthError::InvalidSignature));
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    assert_eq!(verifier.verify(&unsigned).await, Err(AuthError::InvalidSignature));
}

#[tokio::test]
async fn garbage_and_wrong_segment_counts_are_rejected() {
    let (server, verifier) = id_setup().await;
    let good = sign(&keys()[0], &id_claims());
    let too_long = format!("{good}.{}", "A".repeat(20_000));
    for token in ["", "garbage", "a.b", "a.b.c.d", "!!!.???.###", "..", &format!("{good}.extra"), &too_long] {
        assert_eq!(verifier.verify(token).await, Err(AuthError::Malformed), "{token:.40}");
    }
    let not_json = format!("eyJub3QganNvbg.{}", good.split_once('.').map(|(_, rest)| rest).unwrap_or(""));
    assert_eq!(verifier.verify(&not_json).await, Err(AuthError::Malformed));
    assert_eq!(server.hits(), 0);
}

/// A verifier for a deployment whose IdP `CorpIdP` maps its groups into `custom:saml.groups`.
async fn federated_setup() -> (JwksServer, Verifier) {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let federated_groups =
        FederatedGroups { claim: "custom:saml.groups".into(), providers: vec!["CorpIdP".into()] };
    let settings =
        IssuerSettings { federated_groups: Some(federated_groups), ..settings(&server.url, TokenUse::Id) };
    (server, verifier(vec![settings]))
}

fn signed_in_through(provider: &str) -> serde_json::Value {
    json!({"identities": [{"userId": "corp-7", "providerName": provider, "providerType": "SAML", "primary": "true"}]})
}

#[tokio::test]
async fn a_saml_groups_claim_the_user_wrote_does_not_make_an_admin() {
    // The attack: a user of the pool's own directory sets their `custom:saml.groups` attribute
    // (UpdateUserAttributes) and signs in again.
    let claims = with(id_claims(), json!({"custom:saml.groups": "DAAdministrators"}));
    let actor = verify_id(claims.clone()).await.expect("valid token");
    assert_eq!((actor.groups(), actor.is_admin()), (&["TeamA".to_owned()][..], false), "no IdP mapping");

    let (_server, federated) = federated_setup().await;
    let actor = federated.verify(&sign(&keys()[0], &claims)).await.expect("valid token");
    assert_eq!((actor.groups(), actor.is_admin()), (&["TeamA".to_owned()][..], false), "not federated");
    let through_other = with(claims, signed_in_through("SomeOtherIdP"));
    let actor = federated.verify(&sign(&keys()[0], &through_other)).await.expect("valid token");
    assert!(!actor.is_admin(), "signed in through a provider that is not mapped");
}

#[tokio::test]
async fn saml_groups_of_a_user_who_signed_in_through_the_mapped_provider_are_merged() {
    let (_server, verifier) = federated_setup().await;
    for saml in
        [json!("[TeamB, TeamC]"), json!("TeamB,TeamC"), json!(["TeamB", "TeamC"]), json!("TeamB, TeamC")]
    {
        let claims = with(
            with(id_claims(), json!({"cognito:groups": ["TeamA", "TeamB"], "custom:saml.groups": saml})),
            signed_in_through("CorpIdP"),
        );
        let actor = verifier.verify(&sign(&keys()[0], &claims)).await.expect("valid token");
        assert_eq!(actor.groups(), ["TeamA", "TeamB", "TeamC"], "saml groups {saml}");
    }
    let idp_admin = with(
        with(id_claims(), json!({"cognito:groups": null, "custom:saml.groups": "[DAAdministrators]"})),
        signed_in_through("CorpIdP"),
    );
    let actor = verifier.verify(&sign(&keys()[0], &idp_admin)).await.expect("valid token");
    assert_eq!(actor.groups(), [ADMIN_GROUP]);
    assert!(actor.is_admin(), "the IdP's own groups still count");
}

#[tokio::test]
async fn a_configured_groups_claim_replaces_cognito_groups() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let settings = IssuerSettings { groups_claim: "groups".into(), ..settings(&server.url, TokenUse::Id) };
    let verifier = verifier(vec![settings]);
    let claims = with(id_claims(), json!({"groups": "OidcTeam", "cognito:groups": ["Ignored"]}));
    let actor = verifier.verify(&sign(&keys()[0], &claims)).await.expect("valid token");
    assert_eq!(actor.groups(), ["OidcTeam"]);
}

#[tokio::test]
async fn the_admin_flag_follows_the_configured_admin_group() {
    let claims = with(id_claims(), json!({"cognito:groups": ["TeamA", ADMIN_GROUP]}));
    assert!(verify_id(claims.clone()).await.expect("valid token").is_admin());

    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let ops_admins =
        Verifier::new(vec![settings(&server.url, TokenUse::Id)], "Ops".into(), reqwest::Client::new());
    assert!(!ops_admins.verify(&sign(&keys()[0], &claims)).await.expect("valid token").is_admin());
}

#[tokio::test]
async fn the_username_falls_back_to_cognito_username_then_sub_and_never_to_email() {
    let only_sub = with(id_claims(), json!({"cognito:username": null}));
    assert_eq!(
        verify_id(only_sub.clone()).await.expect("valid").username(),
        "0b6c1b8e-0000-4000-8000-000000000001"
    );
    let nobody = with(only_sub, json!({"sub": null}));
    assert_eq!(verify_id(nobody).await, Err(AuthError::MissingUsername), "the e-mail is left unused");
}

#[tokio::test]
async fn an_email_username_must_be_verified() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let settings = IssuerSettings {
        username_claim: UsernameClaim::VerifiedEmail,
        ..settings(&server.url, TokenUse::Id)
    };
    let verifier = verifier(vec![settings]);
    let actor = verifier.verify(&sign(&keys()[0], &id_claims())).await.expect("verified e-mail");
    assert_eq!(actor.username(), "alice@example.com");
    for unverified in [json!({"email_verified": false}), json!({"email_verified": null})] {
        let claims = with(with(id_claims(), json!({"email": "bob@example.com"})), unverified);
        let err = verifier.verify(&sign(&keys()[0], &claims)).await.expect_err("an unverified e-mail");
        assert_eq!(err, AuthError::EmailNotVerified);
        assert_eq!(err.to_string(), "token's e-mail address is not verified, so it cannot name the user");
    }
}

#[tokio::test]
async fn known_keys_are_served_from_the_cache() {
    let (server, verifier) = id_setup().await;
    for _ in 0..3 {
        verifier.verify(&sign(&keys()[0], &id_claims())).await.expect("valid token");
    }
    assert_eq!(server.hits(), 1);
    let clone = verifier.clone();
    clone.verify(&sign(&keys()[0], &id_claims())).await.expect("valid token");
    assert_eq!(server.hits(), 1, "clones share the cache");
}

#[tokio::test]
async fn concurrent_requests_with_a_cold_cache_fetch_the_jwks_once() {
    let (server, verifier) = id_setup().await;
    let token = sign(&keys()[0], &id_claims());
    let results = futures::future::join_all((0..16).map(|_| verifier.verify(&token))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_and_the_withdrawn_one_dropped() {
    let (server, verifier) = id_setup().await;
    let [a, b] = keys();
    verifier.verify(&sign(a, &id_claims())).await.expect("key A");
    server.set(jwks_of(&[b]));
    verifier.verify(&sign(b, &id_claims())).await.expect("key B after rotation");
    assert_eq!(server.hits(), 2);
    assert_eq!(verifier.verify(&sign(a, &id_claims())).await, Err(AuthError::UnknownKey));
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn the_refresh_cooldown_limits_refetches_for_unknown_kids() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    let verifier =
        verifier(vec![settings(&server.url, TokenUse::Id)]).with_refresh_cooldown(Duration::from_secs(3600));
    verifier.verify(&sign(&keys()[0], &id_claims())).await.expect("key A");
    for _ in 0..3 {
        assert_eq!(verifier.verify(&sign(&keys()[1], &id_claims())).await, Err(AuthError::UnknownKey));
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_failing_jwks_endpoint_is_an_error_not_a_panic() {
    let (server, verifier) = id_setup().await;
    server.fail(true);
    let token = sign(&keys()[0], &id_claims());
    let err = verifier.verify(&token).await.expect_err("keys unavailable");
    assert_eq!(err, AuthError::KeysUnavailable);
    assert!(err.is_server_side());
    server.fail(false);
    verifier.verify(&token).await.expect("recovers once the endpoint is back");

    server.set(json!("not a jwks"));
    let fresh = self::verifier(vec![settings(&server.url, TokenUse::Id)]);
    assert_eq!(fresh.verify(&token).await, Err(AuthError::KeysUnavailable));
}

#[tokio::test]
async fn a_failed_fetch_is_not_retried_within_the_cooldown() {
    let server = JwksServer::start(jwks_of(&[&keys()[0]])).await;
    server.fail(true);
    let verifier =
        verifier(vec![settings(&server.url, TokenUse::Id)]).with_refresh_cooldown(Duration::from_secs(3600));
    let token = sign(&keys()[0], &id_claims());
    for _ in 0..3 {
        assert_eq!(verifier.verify(&token).await, Err(AuthError::KeysUnavailable));
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn an_unreachable_jwks_endpoint_is_an_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
    drop(listener);
    let verifier = verifier(vec![settings(&url, TokenUse::Id)]);
    let token = sign(&keys()[0], &id_claims());
    assert_eq!(verifier.verify(&token).await, Err(AuthError::KeysUnavailable));
}

#[tokio::test]
async fn error_messages_name_the_rule_and_nothing_secret() {
    let (_server, verifier) = id_setup().await;
    let err = verifier.verify(&sign(&keys()[0], &with(id_claims(), json!({"exp": now() - 600})))).await;
    assert_eq!(err.map_err(|e| e.to_string()), Err("token expired".to_owned()));
    assert_eq!(AuthError::UnknownKey.to_string(), "unknown signing key");
    assert!(!format!("{verifier:?}").contains(&keys()[0].public_pem));
}
