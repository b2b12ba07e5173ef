//! Talking to a Sluice server: GraphQL over HTTP, authenticated with a bearer token or with a
//! freshly signed IAM request per call (a signature is accepted once, so none is reused).

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sluice_cloud::iam_auth;

use crate::Failure;

pub enum Auth {
    Token(String),
    Iam(IamSigner),
    None,
}

/// What the server publishes at `/auth/iam`, and the credentials to sign with.
pub struct IamSigner {
    pub credentials: sluice_cloud::sdk::sts::config::Credentials,
    pub sts_endpoint: String,
    pub region: String,
    pub server_id: String,
}

pub struct Client {
    pub url: String,
    auth: Auth,
    http: reqwest::Client,
}

impl Client {
    pub fn new(url: &str, auth: Auth) -> Result<Self, Failure> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Failure::Request(format!("HTTP client: {e}")))?;
        Ok(Self { url: url.trim_end_matches('/').to_owned(), auth, http })
    }

    pub fn auth_kind(&self) -> &'static str {
        match self.auth {
            Auth::Token(_) => "token",
            Auth::Iam(_) => "iam",
            Auth::None => "none",
        }
    }

    /// Runs a GraphQL document and returns `data`; any GraphQL error is a failure carrying its
    /// `extensions.code`.
    pub async fn gql(&self, query: &str, variables: Value) -> Result<Value, Failure> {
        let req = self.http.post(format!("{}/graphql", self.url)).json(&json!({
            "query": query,
            "variables": variables,
        }));
        let response =
            self.authorize(req)?.send().await.map_err(|e| Failure::Request(format!("{}: {e}", self.url)))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| Failure::Request(e.to_string()))?;
        let body: Value = serde_json::from_str(&text)
            .map_err(|_| Failure::Request(format!("the server answered {status}: {}", first_line(&text))))?;
        if let Some(failure) = failure_of(&body) {
            return Err(failure);
        }
        Ok(body["data"].clone())
    }

    /// GETs `path_and_query` and copies the answer's body to `out` as it arrives, chunk by
    /// chunk, so a large answer is never held; returns how many bytes were written. A refusal
    /// (a GraphQL error body) is a failure carrying its code. A body that ends early, because
    /// the server failed mid-way, is a failure too, never a short file taken for a whole one.
    pub async fn download(
        &self,
        path_and_query: &str,
        out: &mut impl std::io::Write,
    ) -> Result<u64, Failure> {
        // No overall timeout: a long export keeps sending. A stall is still caught.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| Failure::Request(format!("HTTP client: {e}")))?;
        let url = format!("{}{path_and_query}", self.url);
        let mut response = self
            .authorize(http.get(&url))?
            .send()
            .await
            .map_err(|e| Failure::Request(format!("{}: {e}", self.url)))?;
        let status = response.status();
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return Err(failure_of(&body).unwrap_or_else(|| {
                Failure::Request(format!("the server answered {status}: {}", first_line(&text)))
            }));
        }
        let mut written = 0u64;
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                Failure::Request(format!("the transfer broke off after {written} bytes: {e}"))
            })?;
            let Some(chunk) = chunk else { break };
            out.write_all(&chunk).map_err(|e| Failure::Request(format!("writing the export: {e}")))?;
            written += chunk.len() as u64;
        }
        out.flush().map_err(|e| Failure::Request(format!("writing the export: {e}")))?;
        Ok(written)
    }

    /// Adds this client's credentials to a request: a bearer token, or a freshly signed IAM
    /// request (a signature is accepted once).
    fn authorize(&self, req: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, Failure> {
        Ok(match &self.auth {
            Auth::Token(token) => req.bearer_auth(token),
            Auth::Iam(signer) => {
                let signed = iam_auth::sign_get_caller_identity(
                    &signer.credentials,
                    &signer.sts_endpoint,
                    &signer.region,
                    &signer.server_id,
                    SystemTime::now(),
                )
                .map_err(|e| Failure::Auth(e.to_string()))?;
                req.header("authorization", signed.header_value())
            }
            Auth::None => req,
        })
    }
}

/// The first GraphQL error of an answer, as a failure: its `extensions.code`, and Sluice's
/// explanation (`extensions.reason`) when the server gives one, else its message.
fn failure_of(body: &Value) -> Option<Failure> {
    let error = body["errors"].as_array().and_then(|e| e.first())?;
    let code = error["extensions"]["code"].as_str().unwrap_or("ERROR").to_owned();
    let message = error["extensions"]["reason"]
        .as_str()
        .or(error["message"].as_str())
        .unwrap_or("unknown error")
        .to_owned();
    Some(if code == "UNAUTHENTICATED" { Failure::Auth(message) } else { Failure::Graphql { code, message } })
}

/// The server's IAM parameters, then credentials from the standard AWS chain.
pub async fn iam_signer(http_url: &str) -> Result<IamSigner, Failure> {
    let url = format!("{}/auth/iam", http_url.trim_end_matches('/'));
    let response = reqwest::get(&url).await.map_err(|e| Failure::Request(format!("{url}: {e}")))?;
    if !response.status().is_success() {
        return Err(Failure::Auth(format!(
            "the server does not accept IAM sign-in ({url} answered {})",
            response.status()
        )));
    }
    let params: Value = response.json().await.map_err(|e| Failure::Request(format!("{url}: {e}")))?;
    let field = |name: &str| {
        params[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::Request(format!("{url} has no {name}")))
    };
    let credentials = aws_credentials().await.ok_or_else(|| {
        Failure::Auth("no AWS credentials found (environment, profile, SSO or instance role)".into())
    })?;
    Ok(IamSigner {
        credentials,
        sts_endpoint: field("stsEndpoint")?,
        region: field("region")?,
        server_id: field("serverId")?,
    })
}

/// Credentials from the standard chain, if there are any; bounded in time because the chain's
/// last resort asks an instance metadata service that may not exist.
pub async fn aws_credentials() -> Option<sluice_cloud::sdk::sts::config::Credentials> {
    let look = async {
        let config = sluice_cloud::sdk_config().await;
        iam_auth::credentials(&config).await.ok()
    };
    tokio::time::timeout(Duration::from_secs(5), look).await.ok().flatten()
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(200).collect()
}
