//! The `sluice serve` configuration, from `SLUICE_*` environment variables. Every value is
//! parsed at start-up, and a bad one stops the process with a message naming the variable.

use std::{net::SocketAddr, path::PathBuf};

use secrecy::{ExposeSecret, SecretString};

use crate::{
    auth::{FailureLimit, IssuerSettings},
    graphql::Limits,
    web::SignIn,
};

mod hardening;
mod vending;

pub use vending::VendingConfig;

pub use sluice_core::env::EnvError as ConfigError;
use sluice_core::{
    catalog::CatalogVisibility,
    env::{DatabaseSettings, Env},
};
use sluice_search::SearchSettings;
use sluice_worker::{
    WorkerSettings,
    wiring::{LauncherSettings, QueueSettings},
};

#[derive(Debug, Clone)]
pub struct Config {
    /// `SLUICE_DATA_DIR`: where embedded mode keeps its SQLite file and the dev issuer's key.
    pub data_dir: PathBuf,
    /// `SLUICE_DATABASE_URL`: `postgres://…` or `sqlite://…`; default a SQLite file in the data dir.
    pub database_url: SecretString,
    /// `SLUICE_DB_MAX_CONNECTIONS`: pool size.
    pub db_max_connections: u32,
    /// `SLUICE_AUTO_MIGRATE`: apply migrations at start-up. Default on for SQLite, off for
    /// Postgres, where `sluice migrate` runs once before a rolling deploy.
    pub auto_migrate: bool,
    /// `SLUICE_BIND`: the address to listen on.
    pub bind: SocketAddr,
    /// `SLUICE_PUBLIC_URL`: how clients reach this server; the dev issuer's `iss`.
    pub public_url: String,
    /// The OIDC issuer (Cognito user pool) whose tokens are accepted, if any: `SLUICE_AUTH_*`,
    /// read by [`IssuerSettings::from_env`].
    pub oidc: Option<IssuerSettings>,
    /// `SLUICE_DEV_ISSUER`: accept tokens from the built-in dev issuer (`sluice dev-token`).
    /// Default on when no `SLUICE_AUTH_ISSUER` is set.
    pub dev_issuer: bool,
    /// `SLUICE_ADMIN_GROUP`: the platform admin group.
    pub admin_group: String,
    /// `SLUICE_LOG_FORMAT`: `text` or `json`.
    pub log_json: bool,
    /// What one GraphQL request may ask and get back (defaults and effects in docs/HARDENING.md):
    /// `SLUICE_GRAPHQL_INTROSPECTION`, `SLUICE_GRAPHQL_MAX_DEPTH`, `SLUICE_GRAPHQL_MAX_NESTING`
    /// (at most 64), `SLUICE_GRAPHQL_MAX_COMPLEXITY` and `SLUICE_GRAPHQL_MAX_ANSWER_BYTES`.
    pub graphql: Limits,
    /// `SLUICE_METRICS_BIND`: where `/metrics` is served, apart from the API (e.g.
    /// `127.0.0.1:9090`, which only this host or a sidecar in its task can scrape). Default off.
    pub metrics_bind: Option<SocketAddr>,
    /// `SLUICE_TRUSTED_PROXY_HOPS`: proxies in front of the server that append the client's
    /// address to `X-Forwarded-For` (1 behind an AWS load balancer); default 0, the TCP peer.
    pub trusted_proxy_hops: usize,
    /// `SLUICE_MAX_BODY_BYTES`: largest request body accepted.
    pub max_body_bytes: usize,
    /// `SLUICE_READ_CACHE_ENTRIES`: answers of each kind the read cache keeps (datasets, their
    /// tables, folders, environments, stacks, pages of datasets); 0 turns it off.
    pub read_cache_entries: usize,
    /// `SLUICE_QUEUE` and its settings: where tasks are published.
    pub queue: QueueSettings,
    /// `SLUICE_LAUNCHER` and its settings: where long tasks run.
    pub launcher: LauncherSettings,
    /// The worker settings, for the worker embedded in this process.
    pub worker: WorkerSettings,
    /// `SLUICE_TRUST_ACCOUNT_ID`: the AWS account Sluice runs in, which pivot roles trust.
    /// Default: asked of STS at start-up.
    pub trust_account_id: Option<String>,
    /// `SLUICE_PIVOT_ROLE_NAME`: the pivot role's name in every linked account.
    pub pivot_role_name: String,
    /// `SLUICE_SHARE_PERMISSIONS`: what shares may ask for besides Read (`Write`, `Modify`,
    /// comma-separated). Default: Read only.
    pub share_permissions: Vec<String>,
    /// IAM authentication (presigned `sts:GetCallerIdentity` requests); `None` when
    /// `SLUICE_IAM_AUTH` is off.
    pub iam: Option<IamConfig>,
    /// `SLUICE_EMBEDDED_WORKER`: run the worker inside `sluice serve`. Default on with the
    /// embedded queue, off with SQS (where `sluice-worker` consumes).
    pub embedded_worker: bool,
    /// `SLUICE_FRONTEND_DIR`: the built web UI served at `/`. Default `frontend/dist`.
    pub frontend_dir: PathBuf,
    /// How the web UI signs users in: `SLUICE_UI_COGNITO_DOMAIN` (the hosted UI, with PKCE),
    /// else `SLUICE_UI_COGNITO_ENDPOINT` (a username and password form against that Cognito
    /// API, e.g. the local emulator), else a pasted token. Both use `SLUICE_AUTH_CLIENT_ID`.
    pub sign_in: SignIn,
    /// The catalog's search engine: Tantivy in `SLUICE_SEARCH_DIR` (default
    /// `<SLUICE_DATA_DIR>/search`), or OpenSearch at `SLUICE_OPENSEARCH_URL`.
    pub search: SearchSettings,
    /// `SLUICE_CATALOG_VISIBILITY`: `open` (default; every signed-in user finds every entry, as
    /// in data.all) or `restricted` (only entries the user's teams may read).
    pub catalog_visibility: CatalogVisibility,
    /// Credential vending (`SLUICE_CREDENTIAL_VENDING`, `SLUICE_CONSOLE_FEDERATION_URL`);
    /// `None` when turned off.
    pub credential_vending: Option<VendingConfig>,
}

#[derive(Debug, Clone)]
pub struct IamConfig {
    /// `SLUICE_IAM_STS_ENDPOINT`: where IAM-signed requests are sent, and the only host clients
    /// may sign for. Default: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else
    /// `https://sts.<AWS_REGION>.amazonaws.com`, else `https://sts.amazonaws.com`.
    pub sts_endpoint: String,
    /// `SLUICE_IAM_STS_REGION`: the region clients sign for. Default: from a regional
    /// endpoint's host, else `AWS_REGION`, else `us-east-1`.
    pub region: String,
    /// `SLUICE_IAM_SERVER_ID`: the value clients must sign into the `X-Sluice-Server-ID`
    /// header, so requests signed for another server are refused. Default: the public URL.
    pub server_id: String,
    /// `SLUICE_IAM_MAX_FAILURES` failed sign-ins (default 10) from one client address within
    /// `SLUICE_IAM_FAILURE_WINDOW_SECS` (default 300) refuse its next ones until the window
    /// ends, without a database or STS call.
    pub failure_limit: FailureLimit,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from(&Env::process())
    }

    pub fn from(env: &Env) -> Result<Self, ConfigError> {
        let get = |var: &str| env.get(var);
        let database = DatabaseSettings::from_env(env)?;
        let queue = QueueSettings::from_env(env)?;
        let is_sqlite = database.is_sqlite();
        let (data_dir, database_url) = (database.data_dir, database.url);
        let bind: SocketAddr =
            env.parse("SLUICE_BIND", "127.0.0.1:8080", "an address like 127.0.0.1:8080")?;
        let public_url = get("SLUICE_PUBLIC_URL").unwrap_or_else(|| {
            let host =
                if bind.ip().is_unspecified() { "127.0.0.1".to_owned() } else { bind.ip().to_string() };
            format!("http://{host}:{}", bind.port())
        });
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError {
                var: "SLUICE_PUBLIC_URL",
                message: "must be an http:// or https:// URL".into(),
            });
        }

        let oidc = IssuerSettings::from_env(env)?;
        let dev_issuer = env.bool("SLUICE_DEV_ISSUER", oidc.is_none())?;
        if oidc.is_none() && !dev_issuer {
            return Err(ConfigError {
                var: "SLUICE_DEV_ISSUER",
                message: "is off and SLUICE_AUTH_ISSUER is unset, so no token could ever be accepted".into(),
            });
        }
        let log_json = match get("SLUICE_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "SLUICE_LOG_FORMAT",
                    message: format!("must be text or json, got {other:?}"),
                });
            }
        };
        let iam = iam(env, &public_url)?;
        let sign_in = sign_in(env, oidc.as_ref())?;
        Ok(Self {
            frontend_dir: PathBuf::from(get("SLUICE_FRONTEND_DIR").unwrap_or_else(|| "frontend/dist".into())),
            sign_in,
            iam,
            data_dir,
            database_url: SecretString::from(database_url),
            db_max_connections: env.parse("SLUICE_DB_MAX_CONNECTIONS", "10", "a whole number")?,
            auto_migrate: env.bool("SLUICE_AUTO_MIGRATE", is_sqlite)?,
            bind,
            public_url,
            oidc,
            dev_issuer,
            admin_group: get("SLUICE_ADMIN_GROUP").unwrap_or_else(|| "DAAdministrators".into()),
            log_json,
            graphql: hardening::graphql_limits(env)?,
            metrics_bind: hardening::metrics_bind(env)?,
            trusted_proxy_hops: env.parse("SLUICE_TRUSTED_PROXY_HOPS", "0", "a whole number of proxies")?,
            max_body_bytes: env.parse("SLUICE_MAX_BODY_BYTES", "1048576", "a number of bytes")?,
            read_cache_entries: env.parse(
                "SLUICE_READ_CACHE_ENTRIES",
                &crate::graphql::read_cache::DEFAULT_ENTRIES.to_string(),
                "a whole number",
            )?,
            embedded_worker: env.bool("SLUICE_EMBEDDED_WORKER", queue == QueueSettings::Embedded)?,
            trust_account_id: match env.get("SLUICE_TRUST_ACCOUNT_ID") {
                Some(id) if id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()) => Some(id),
                Some(_) => {
                    return Err(ConfigError::new(
                        "SLUICE_TRUST_ACCOUNT_ID",
                        "must be a 12-digit AWS account id",
                    ));
                }
                None => None,
            },
            pivot_role_name: env.get("SLUICE_PIVOT_ROLE_NAME").unwrap_or_else(|| "sluice-pivot-role".into()),
            share_permissions: share_permissions(env)?,
            search: SearchSettings::from_env(env)?,
            catalog_visibility: match env.choice(
                "SLUICE_CATALOG_VISIBILITY",
                "open",
                &["open", "restricted"],
            )? {
                "restricted" => CatalogVisibility::Restricted,
                _ => CatalogVisibility::Open,
            },
            credential_vending: vending::vending(env)?,
            queue,
            launcher: LauncherSettings::from_env(env)?,
            worker: WorkerSettings::from_env(env)?,
        })
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    pub fn dev_key_path(&self) -> PathBuf {
        self.data_dir.join("dev-issuer-key.pem")
    }

    /// Where this server fetches its own dev issuer's JWKS: over HTTP like any other issuer.
    pub fn dev_jwks_url(&self) -> String {
        let host =
            if self.bind.ip().is_unspecified() { "127.0.0.1".to_owned() } else { self.bind.ip().to_string() };
        format!("http://{host}:{}/.well-known/jwks.json", self.bind.port())
    }
}

fn iam(env: &Env, public_url: &str) -> Result<Option<IamConfig>, ConfigError> {
    if !env.bool("SLUICE_IAM_AUTH", true)? {
        return Ok(None);
    }
    let aws_region = env.get("AWS_REGION").or_else(|| env.get("AWS_DEFAULT_REGION"));
    let sts_endpoint = env
        .get("SLUICE_IAM_STS_ENDPOINT")
        .or_else(|| env.get("AWS_ENDPOINT_URL_STS"))
        .or_else(|| env.get("AWS_ENDPOINT_URL"))
        .or_else(|| aws_region.as_ref().map(|r| format!("https://sts.{r}.amazonaws.com")))
        .unwrap_or_else(|| "https://sts.amazonaws.com".into());
    let url = reqwest::Url::parse(&sts_endpoint)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    let Some(url) = url else {
        return Err(ConfigError::new("SLUICE_IAM_STS_ENDPOINT", "must be an http:// or https:// URL"));
    };
    let from_host = url
        .host_str()
        .and_then(|h| h.strip_prefix("sts."))
        .and_then(|h| h.strip_suffix(".amazonaws.com"))
        .map(str::to_owned);
    let region =
        env.get("SLUICE_IAM_STS_REGION").or(from_host).or(aws_region).unwrap_or_else(|| "us-east-1".into());
    let server_id = env.get("SLUICE_IAM_SERVER_ID").unwrap_or_else(|| public_url.to_owned());
    if server_id.trim().is_empty() || server_id.chars().any(char::is_control) {
        return Err(ConfigError::new("SLUICE_IAM_SERVER_ID", "must be a non-empty printable string"));
    }
    let failure_limit = hardening::failure_limit(env)?;
    Ok(Some(IamConfig { sts_endpoint: url.to_string(), region, server_id, failure_limit }))
}

fn sign_in(env: &Env, oidc: Option<&IssuerSettings>) -> Result<SignIn, ConfigError> {
    let domain = env.get("SLUICE_UI_COGNITO_DOMAIN");
    let endpoint = env.get("SLUICE_UI_COGNITO_ENDPOINT");
    if domain.is_none() && endpoint.is_none() {
        return Ok(SignIn::Token);
    }
    let var = if domain.is_some() { "SLUICE_UI_COGNITO_DOMAIN" } else { "SLUICE_UI_COGNITO_ENDPOINT" };
    let Some(oidc) = oidc else {
        return Err(ConfigError::new(
            var,
            "needs SLUICE_AUTH_ISSUER and SLUICE_AUTH_CLIENT_ID: the pool the UI signs in to",
        ));
    };
    let url = |value: String| {
        let value = value.trim_end_matches('/').to_owned();
        if value.starts_with("https://") || value.starts_with("http://") {
            Ok(value)
        } else {
            Err(ConfigError::new(var, "must be an http:// or https:// URL"))
        }
    };
    if let Some(domain) = domain {
        let scopes = env.list("SLUICE_UI_SCOPES");
        let scopes =
            if scopes.is_empty() { vec!["openid".into(), "email".into(), "profile".into()] } else { scopes };
        return Ok(SignIn::Hosted { domain: url(domain)?, client_id: oidc.client_id.clone(), scopes });
    }
    // A Cognito pool id starts with its region (`eu-west-1_AbC`), and so does the issuer's last part.
    let region = oidc
        .issuer
        .rsplit('/')
        .next()
        .and_then(|pool| pool.split_once('_'))
        .map(|(region, _)| region.to_owned())
        .or_else(|| env.get("AWS_REGION"))
        .unwrap_or_else(|| "us-east-1".into());
    Ok(SignIn::Password {
        endpoint: url(endpoint.unwrap_or_default())?,
        region,
        client_id: oidc.client_id.clone(),
    })
}

fn share_permissions(env: &Env) -> Result<Vec<String>, ConfigError> {
    let mut out = vec![];
    for p in env.list("SLUICE_SHARE_PERMISSIONS") {
        match sluice_core::shares::PERMISSIONS.iter().find(|k| k.eq_ignore_ascii_case(&p)) {
            Some(known) => out.push((*known).to_owned()),
            None => {
                return Err(ConfigError::new(
                    "SLUICE_SHARE_PERMISSIONS",
                    "use a comma-separated list of Read, Write, Modify",
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from(&Env::new(|k| map.get(k).cloned()))
    }

    #[test]
    fn nothing_set_means_embedded_mode() {
        let c = config(&[]).expect("defaults are valid");
        assert!(c.database_url().starts_with("sqlite://"));
        assert!(c.auto_migrate);
        assert!(c.dev_issuer);
        assert!(c.oidc.is_none());
        assert_eq!(c.admin_group, "DAAdministrators");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert_eq!(c.queue, QueueSettings::Embedded);
        assert!(c.embedded_worker, "embedded mode runs its worker in-process");
        assert!(matches!(c.search, SearchSettings::Tantivy { .. }), "embedded mode searches with Tantivy");
        assert_eq!(c.catalog_visibility, CatalogVisibility::Open);
    }

    #[test]
    fn catalog_visibility_may_be_restricted() {
        let c = config(&[("SLUICE_CATALOG_VISIBILITY", "restricted")]).expect("valid");
        assert_eq!(c.catalog_visibility, CatalogVisibility::Restricted);
        assert_eq!(
            config(&[("SLUICE_CATALOG_VISIBILITY", "secret")]).expect_err("invalid").var,
            "SLUICE_CATALOG_VISIBILITY"
        );
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = config(&[("SLUICE_BIND", "not-an-address")]).expect_err("invalid");
        assert_eq!(err.var, "SLUICE_BIND");
        assert!(err.to_string().starts_with("SLUICE_BIND:"), "{err}");
        assert_eq!(
            config(&[("SLUICE_DATABASE_URL", "mysql://x")]).expect_err("invalid").var,
            "SLUICE_DATABASE_URL"
        );
        assert_eq!(
            config(&[("SLUICE_AUTO_MIGRATE", "maybe")]).expect_err("invalid").var,
            "SLUICE_AUTO_MIGRATE"
        );
        assert_eq!(config(&[("SLUICE_LOG_FORMAT", "xml")]).expect_err("invalid").var, "SLUICE_LOG_FORMAT");
        assert_eq!(
            config(&[("SLUICE_SHARE_PERMISSIONS", "Write,Admin")]).expect_err("invalid").var,
            "SLUICE_SHARE_PERMISSIONS"
        );
    }

    #[test]
    fn shares_are_read_only_unless_write_or_modify_is_allowed() {
        assert!(config(&[]).expect("defaults").share_permissions.is_empty());
        let c = config(&[("SLUICE_SHARE_PERMISSIONS", "write, Modify")]).expect("valid");
        assert_eq!(c.share_permissions, ["Write", "Modify"]);
    }

    #[test]
    fn an_issuer_needs_a_client_id_and_turns_the_dev_issuer_off() {
        let err = config(&[("SLUICE_AUTH_ISSUER", "https://idp")]).expect_err("no client");
        assert_eq!(err.var, "SLUICE_AUTH_CLIENT_ID");
        let c = config(&[("SLUICE_AUTH_ISSUER", "https://idp/"), ("SLUICE_AUTH_CLIENT_ID", "web")])
            .expect("valid");
        let oidc = c.oidc.expect("oidc");
        assert_eq!(oidc.jwks_url, "https://idp/.well-known/jwks.json");
        assert_eq!(oidc.token_use, crate::auth::TokenUse::Id);
        assert!(!c.dev_issuer);
        assert!(
            !config(&[("SLUICE_DATABASE_URL", "postgres://db/x"), ("SLUICE_DEV_ISSUER", "true")])
                .expect("valid")
                .auto_migrate
        );
    }

    #[test]
    fn iam_auth_follows_the_sdk_endpoint_and_region() {
        let c = config(&[]).expect("defaults");
        let iam = c.iam.expect("on by default");
        assert_eq!(iam.sts_endpoint, "https://sts.amazonaws.com/");
        assert_eq!(iam.region, "us-east-1");
        assert_eq!(iam.server_id, "http://127.0.0.1:8080");
        let iam = config(&[("AWS_REGION", "eu-west-1")]).expect("valid").iam.expect("on");
        assert_eq!(
            (iam.sts_endpoint.as_str(), iam.region.as_str()),
            ("https://sts.eu-west-1.amazonaws.com/", "eu-west-1")
        );
        let iam = config(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("SLUICE_IAM_SERVER_ID", "prod")])
            .expect("valid")
            .iam
            .expect("on");
        assert_eq!((iam.sts_endpoint.as_str(), iam.server_id.as_str()), ("http://127.0.0.1:5000/", "prod"));
        assert!(config(&[("SLUICE_IAM_AUTH", "false")]).expect("valid").iam.is_none());
        assert_eq!(
            config(&[("SLUICE_IAM_STS_ENDPOINT", "sts")]).expect_err("invalid").var,
            "SLUICE_IAM_STS_ENDPOINT"
        );
    }

    #[test]
    fn the_ui_signs_in_by_hosted_ui_password_or_token() {
        assert_eq!(config(&[]).expect("defaults").sign_in, SignIn::Token);
        assert_eq!(config(&[]).expect("defaults").frontend_dir, PathBuf::from("frontend/dist"));
        let pool = [
            ("SLUICE_AUTH_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"),
            ("SLUICE_AUTH_CLIENT_ID", "web"),
        ];
        let local = config(&[pool[0], pool[1], ("SLUICE_UI_COGNITO_ENDPOINT", "http://127.0.0.1:5055/")])
            .expect("valid");
        assert_eq!(
            local.sign_in,
            SignIn::Password {
                endpoint: "http://127.0.0.1:5055".into(),
                region: "eu-west-1".into(),
                client_id: "web".into()
            }
        );
        let hosted = config(&[
            pool[0],
            pool[1],
            ("SLUICE_UI_COGNITO_DOMAIN", "https://x.auth.eu-west-1.amazoncognito.com"),
        ])
        .expect("valid");
        assert!(matches!(hosted.sign_in, SignIn::Hosted { ref scopes, .. } if scopes.len() == 3));
        assert_eq!(
            config(&[("SLUICE_UI_COGNITO_ENDPOINT", "http://m")]).expect_err("no pool").var,
            "SLUICE_UI_COGNITO_ENDPOINT"
        );
        assert_eq!(
            config(&[pool[0], pool[1], ("SLUICE_UI_COGNITO_DOMAIN", "x.auth")]).expect_err("not a URL").var,
            "SLUICE_UI_COGNITO_DOMAIN"
        );
    }

    #[test]
    fn turning_off_every_issuer_is_refused() {
        assert_eq!(
            config(&[("SLUICE_DEV_ISSUER", "false")]).expect_err("no issuer").var,
            "SLUICE_DEV_ISSUER"
        );
    }
}
