//! `login`: checks a way of signing in works, then saves it with the server's URL.

use clap::Args;
use serde_json::{Value, json};

use super::{DEFAULT_URL, Global};
use crate::{
    Failure,
    client::{self, Auth, Client},
    profile::{self, Profile},
};

#[derive(Args)]
pub struct LoginArgs {
    /// Save this bearer token (e.g. from `sluice dev-token` on a local server).
    #[arg(long = "with-token", value_name = "TOKEN")]
    pub with_token: Option<String>,
    /// A Cognito user name; signs in with USER_PASSWORD_AUTH and saves the ID token.
    #[arg(long)]
    pub username: Option<String>,
    /// The password; default SLUICE_PASSWORD, else read from standard input.
    #[arg(long, env = "SLUICE_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The Cognito app client id (USER_PASSWORD_AUTH must be enabled on it).
    #[arg(long, env = "SLUICE_COGNITO_CLIENT_ID")]
    pub cognito_client_id: Option<String>,
    /// The user pool's region; default AWS_REGION.
    #[arg(long, env = "SLUICE_COGNITO_REGION")]
    pub cognito_region: Option<String>,
    /// Another Cognito endpoint, e.g. a local emulator.
    #[arg(long, env = "SLUICE_COGNITO_ENDPOINT")]
    pub cognito_endpoint: Option<String>,
}

pub async fn run(global: &Global, args: LoginArgs) -> Result<(), Failure> {
    let url = global.url.clone().or(profile::load().url).unwrap_or_else(|| DEFAULT_URL.to_owned());
    let token = match (&args.with_token, &global.token, &args.username) {
        (Some(token), _, _) | (None, Some(token), None) if !global.iam => Some(token.clone()),
        (None, _, Some(user)) if !global.iam => Some(cognito_password(&args, user).await?),
        _ => None,
    };
    let (auth, saved) = match token {
        Some(token) => (
            Auth::Token(token.clone()),
            Profile { url: Some(url.clone()), auth: Some("token".into()), token: Some(token) },
        ),
        None => {
            let signer = client::iam_signer(&url).await.map_err(|e| match e {
                Failure::Auth(why) => Failure::Auth(format!(
                    "{why}; pass --with-token, or --username with a Cognito app client"
                )),
                other => other,
            })?;
            (Auth::Iam(signer), Profile { url: Some(url.clone()), auth: Some("iam".into()), token: None })
        }
    };
    let client = Client::new(&url, auth)?;
    // Any authenticated query proves the sign-in; this one is cheap and open to everyone.
    client.gql("{ listOrganizations(filter: {pageSize: 1}) { count } }", json!({})).await?;
    let path = profile::save(&saved)?;
    if global.json {
        println!("{}", json!({"url": url, "auth": client.auth_kind(), "saved": path}));
    } else {
        println!("Signed in to {url} ({}); saved in {}", client.auth_kind(), path.display());
    }
    Ok(())
}

/// Cognito's USER_PASSWORD_AUTH over its JSON protocol; the ID token carries the groups.
async fn cognito_password(args: &LoginArgs, username: &str) -> Result<String, Failure> {
    let client_id = args.cognito_client_id.clone().ok_or_else(|| {
        Failure::Usage("--username needs --cognito-client-id (or SLUICE_COGNITO_CLIENT_ID)".into())
    })?;
    let password = match &args.password {
        Some(p) => p.clone(),
        None => {
            eprint!("Password for {username}: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| Failure::Usage(e.to_string()))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let endpoint = match (&args.cognito_endpoint, &args.cognito_region) {
        (Some(endpoint), _) => endpoint.clone(),
        (None, Some(region)) => format!("https://cognito-idp.{region}.amazonaws.com/"),
        (None, None) => match std::env::var("AWS_REGION") {
            Ok(region) => format!("https://cognito-idp.{region}.amazonaws.com/"),
            Err(_) => return Err(Failure::Usage("--cognito-region (or AWS_REGION) is required".into())),
        },
    };
    let response = reqwest::Client::new()
        .post(&endpoint)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.InitiateAuth")
        .body(
            json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": username, "PASSWORD": password},
            })
            .to_string(),
        )
        .send()
        .await
        .map_err(|e| Failure::Request(format!("{endpoint}: {e}")))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| Failure::Request(format!("{endpoint}: {e}")))?;
    match body["AuthenticationResult"]["IdToken"].as_str() {
        Some(token) => Ok(token.to_owned()),
        None if body["ChallengeName"].is_string() => Err(Failure::Auth(format!(
            "Cognito asks for {}; finish it in the web UI first",
            body["ChallengeName"]
        ))),
        None => Err(Failure::Auth(format!(
            "Cognito refused ({status}): {}",
            body["message"].as_str().or(body["Message"].as_str()).unwrap_or("no reason given")
        ))),
    }
}
