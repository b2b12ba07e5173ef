//! `sluice-cli login` with a Cognito user name and password (USER_PASSWORD_AUTH), against
//! moto's Cognito and a server that trusts that pool; and what a caller with no way to sign in
//! is told.

use serde_json::{Value, json};

use crate::support::{Cli, Server, moto};

/// One Cognito JSON-protocol call to moto. moto routes on `X-Amz-Target` and checks no
/// signature, so none is made.
async fn cognito(operation: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/", moto()))
        .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(body.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{operation}: {e}"));
    assert!(response.status().is_success(), "{operation}: {}", response.text().await.unwrap_or_default());
    response.json().await.unwrap_or(Value::Null)
}

/// A pool with its app client, and alice in TeamA; returns (pool id, client id).
async fn pool_with_alice() -> (String, String) {
    let name = format!("cli-e2e-{}", crate::support::fresh_account());
    let pool = cognito("CreateUserPool", json!({"PoolName": name})).await;
    let pool_id = pool["UserPool"]["Id"].as_str().expect("pool id").to_owned();
    let client = cognito(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "cli", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"].as_str().expect("client id").to_owned();
    cognito(
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "alice", "MessageAction": "SUPPRESS"}),
    )
    .await;
    cognito(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "alice", "Password": "Passw0rd!", "Permanent": true}),
    )
    .await;
    cognito("CreateGroup", json!({"UserPoolId": pool_id, "GroupName": "TeamA"})).await;
    cognito("AdminAddUserToGroup", json!({"UserPoolId": pool_id, "Username": "alice", "GroupName": "TeamA"}))
        .await;
    (pool_id, client_id)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cognito_user_logs_in_with_a_password_and_the_token_is_saved() {
    let (pool_id, client_id) = pool_with_alice().await;
    // A pool id starts with its region, which moto chose (no signature named one).
    let region = pool_id.split('_').next().expect("region");
    let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}");
    let jwks = format!("{}/{pool_id}/.well-known/jwks.json", moto());
    let server = Server::start_with(&[
        ("SLUICE_AUTH_ISSUER", &issuer),
        ("SLUICE_AUTH_JWKS_URL", &jwks),
        ("SLUICE_AUTH_CLIENT_ID", &client_id),
    ])
    .await;
    let endpoint = moto();
    let alice = Cli::without_credentials(
        &server,
        "alice",
        &[("SLUICE_COGNITO_CLIENT_ID", &client_id), ("SLUICE_COGNITO_ENDPOINT", &endpoint)],
    );

    // With nothing to sign in with, the CLI says so and exits 3.
    let anonymous = alice.run(&["org", "list"]).await;
    assert_eq!(anonymous.code, 3, "{}{}", anonymous.stdout, anonymous.stderr);

    let wrong = alice.run(&["login", "--username", "alice", "--password", "nope"]).await;
    assert_eq!(wrong.code, 3, "{}{}", wrong.stdout, wrong.stderr);
    assert!(wrong.stderr.contains("Cognito refused"), "{}", wrong.stderr);

    let login = alice.ok(&["login", "--username", "alice", "--password", "Passw0rd!"]).await;
    assert_eq!(login["auth"], "token", "{login}");
    // The saved ID token carries alice's groups: she may create an organization for TeamA.
    let org = alice.ok(&["org", "create", "--label", "Cognito Org", "--team", "TeamA"]).await;
    assert_eq!(org["owner"], "alice", "{org}");
    let saved = std::fs::read_to_string(server.dir.path().join("alice/cli.json")).expect("saved login");
    assert!(saved.contains("\"auth\": \"token\""), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(server.dir.path().join("alice/cli.json")).expect("file").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the saved token is readable by its owner only");
    }
}
