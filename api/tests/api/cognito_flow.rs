//! The organization flow with real RS256 tokens from moto's Cognito, on both backends.

use serde_json::json;
use sluice_api::auth::TokenUse;

use crate::{
    cognito::LocalCognito,
    organizations::create_org,
    support::{Backend, Options, TestApp, error_code, on_both_backends},
};

fn moto_url() -> String {
    std::env::var("SLUICE_TEST_MOTO_URL").expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL")
}

async fn cognito_users_create_share_and_are_kept_out_of_organizations(backend: Backend) {
    let cognito = LocalCognito::setup(&moto_url(), "eu-west-1").await;
    for (user, team) in [("alice", "TeamA"), ("bob", "TeamB"), ("carol", "TeamC")] {
        cognito.create_user(user, "Passw0rd!", &[team]).await;
    }
    let app = TestApp::spawn_with(
        backend,
        Options { issuers: vec![cognito.settings(TokenUse::Id)], ..Default::default() },
    )
    .await;
    let alice = cognito.id_token("alice", "Passw0rd!").await;
    let bob = cognito.id_token("bob", "Passw0rd!").await;
    let carol = cognito.id_token("carol", "Passw0rd!").await;

    let uri = create_org(&app, &alice, "Cognito Org", "TeamA").await;
    app.ok(
        &alice,
        "mutation($uri: String!) { inviteGroupToOrganization(input: {organizationUri: $uri, groupUri: \"TeamB\"}) { organizationUri } }",
        json!({"uri": uri}),
    )
    .await;
    let list = "{ listOrganizations { count nodes { organizationUri owner } } }";
    let seen = app.ok(&bob, list, json!({})).await;
    assert_eq!(seen["listOrganizations"]["nodes"], json!([{"organizationUri": uri, "owner": "alice"}]));
    assert_eq!(app.ok(&carol, list, json!({})).await["listOrganizations"]["count"], 0);
    let get = "query($uri: String!) { getOrganization(organizationUri: $uri) { label } }";
    assert_eq!(error_code(&app.gql(Some(&carol), get, json!({"uri": uri})).await), Some("FORBIDDEN"));

    // An access token is not what this deployment accepts.
    let access = cognito.access_token("alice", "Passw0rd!").await;
    assert_eq!(error_code(&app.gql(Some(&access), list, json!({})).await), Some("UNAUTHENTICATED"));
}

on_both_backends!(cognito_users_create_share_and_are_kept_out_of_organizations);
