//! The command line, and how each command becomes GraphQL.

mod audit;
mod datasets;
mod environments;
mod login;
mod organizations;
mod raw;
mod shares;

use clap::{Args, Parser, Subcommand};

use crate::{
    Failure,
    client::{self, Auth, Client},
    profile,
};

#[derive(Parser)]
#[command(name = "sluice-cli", version, about = "Sluice from scripts and terminals")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// The Sluice server. Default: the one `login` saved, else http://127.0.0.1:8080.
    #[arg(long, env = "SLUICE_URL", global = true)]
    pub url: Option<String>,
    /// A bearer token (Cognito or `sluice dev-token`); overrides the saved login.
    #[arg(long, env = "SLUICE_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// Sign every request with the AWS credentials of the standard chain, whatever was saved.
    #[arg(long, global = true)]
    pub iam: bool,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Sign in and remember how: IAM by default when AWS credentials are present, else a token
    /// or a Cognito user name and password.
    Login(login::LoginArgs),
    /// Organizations.
    #[command(subcommand)]
    Org(organizations::OrgCommand),
    /// Environments (linked AWS accounts).
    #[command(subcommand)]
    Env(environments::EnvCommand),
    /// Datasets.
    #[command(subcommand)]
    Dataset(datasets::DatasetCommand),
    /// Share requests.
    #[command(subcommand)]
    Share(shares::ShareCommand),
    /// The activity trail: who did what, and what was refused.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Find datasets by a term in their name, description, tags or topics.
    Search(raw::SearchArgs),
    /// Run any GraphQL document from a file, with `--var name=value` variables.
    Gql(raw::GqlArgs),
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let global = cli.global;
    match cli.command {
        Command::Login(args) => login::run(&global, args).await,
        other => {
            let client = connect(&global).await?;
            match other {
                Command::Org(c) => organizations::run(&client, global.json, c).await,
                Command::Env(c) => environments::run(&client, global.json, c).await,
                Command::Dataset(c) => datasets::run(&client, global.json, c).await,
                Command::Share(c) => shares::run(&client, global.json, c).await,
                Command::Audit(c) => audit::run(&client, global.json, c).await,
                Command::Search(a) => raw::search(&client, global.json, a).await,
                Command::Gql(a) => raw::gql(&client, a).await,
                Command::Login(_) => Ok(()),
            }
        }
    }
}

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// The client for this invocation: flags and environment first, then the saved login, then IAM
/// when AWS credentials are present.
pub async fn connect(global: &Global) -> Result<Client, Failure> {
    let saved = profile::load();
    let url = global.url.clone().or(saved.url.clone()).unwrap_or_else(|| DEFAULT_URL.to_owned());
    let auth = if global.iam {
        Auth::Iam(client::iam_signer(&url).await?)
    } else if let Some(token) = &global.token {
        Auth::Token(token.clone())
    } else if saved.auth.as_deref() == Some("token")
        && let Some(token) = saved.token
    {
        Auth::Token(token)
    } else if saved.auth.as_deref() == Some("iam") || client::aws_credentials().await.is_some() {
        Auth::Iam(client::iam_signer(&url).await?)
    } else {
        Auth::None
    };
    Client::new(&url, auth)
}

/// `--var name=value`: the value as JSON when it parses as JSON (numbers, true, lists), else a
/// string.
pub fn parse_vars(vars: &[String]) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    let mut out = serde_json::Map::new();
    for var in vars {
        let (name, value) = var
            .split_once('=')
            .ok_or_else(|| Failure::Usage(format!("--var {var:?}: expected name=value")))?;
        let value =
            serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        out.insert(name.trim().to_owned(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn variables_are_json_when_they_parse_and_strings_otherwise() {
        let vars =
            parse_vars(&["a=1".into(), "b=hello".into(), "c=[\"x\"]".into(), "d=a=b".into()]).expect("vars");
        assert_eq!(serde_json::Value::Object(vars), json!({"a": 1, "b": "hello", "c": ["x"], "d": "a=b"}));
        assert!(parse_vars(&["novalue".into()]).is_err());
    }
}
