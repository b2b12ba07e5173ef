//! IAM authentication: a caller proves who it is in AWS by sending a presigned
//! `sts:GetCallerIdentity` request (see `sluice_core::iam::wire` for the format). Sluice checks
//! what it can itself (`iam_checks`), forwards the request to its configured STS endpoint, reads
//! back the caller's ARN, and maps it to a user and teams through the IAM principal mappings.
//!
//! The signature itself is verified by STS only. Replays are refused through signatures
//! recorded in the database for the 15 minutes a signature is accepted, so every replica sees
//! them. Nothing touches the database or STS before the request passes `iam_checks`, and a
//! source that keeps failing is refused before even those (`attempts`).

mod attempts;

use std::{
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use attempts::FailedSignIns;
pub use attempts::FailureLimit;
use sluice_core::{Actor, Core, iam::wire::SignedIdentityRequest};

use super::iam_checks;

/// Where and for whom IAM-signed requests are checked.
#[derive(Debug, Clone)]
pub struct IamSettings {
    /// The STS endpoint requests are forwarded to; clients must sign for exactly this host.
    pub sts_endpoint: reqwest::Url,
    /// The region clients sign for, published to them with the endpoint.
    pub region: String,
    /// The value the signed `X-Sluice-Server-ID` header must have.
    pub server_id: String,
}

/// Why an IAM-signed request was refused. The texts go to clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IamAuthError {
    #[error("malformed IAM-signed request")]
    Malformed,
    #[error("the IAM-signed request must be sts:GetCallerIdentity, POSTed with exactly its form body")]
    NotGetCallerIdentity,
    #[error("the IAM-signed request is not for this server's STS endpoint")]
    WrongHost,
    #[error(
        "the IAM-signed request's {} header is not this server's id",
        sluice_core::iam::wire::SERVER_ID_HEADER
    )]
    WrongServerId,
    #[error("the IAM-signed request does not sign the `{0}` header")]
    UnsignedHeader(&'static str),
    #[error("the IAM-signed request's body does not match its signed hash")]
    BodyMismatch,
    #[error("the IAM signature is older than 15 minutes")]
    Expired,
    #[error("the IAM signature is dated in the future")]
    NotYetValid,
    #[error("this IAM-signed request was used before; sign a new one for every request")]
    Replayed,
    #[error("STS refused the signature")]
    StsRefused,
    /// STS could not be asked or answered nonsense, or the database could not record the
    /// signature; details are logged.
    #[error("the IAM signature could not be checked right now; try again with a new one")]
    StsUnavailable,
    #[error("the AWS principal is not mapped to a Sluice user; ask an admin for an IAM principal mapping")]
    Unmapped,
    #[error("IAM authentication is off on this server")]
    Disabled,
    #[error("too many failed sign-ins from your address; retry after {0} s")]
    TooManyFailures(u64),
}

impl IamAuthError {
    pub fn is_server_side(&self) -> bool {
        matches!(self, IamAuthError::StsUnavailable)
    }

    /// The caller's doing, so it counts against their source; our own failures do not.
    fn is_callers_fault(&self) -> bool {
        !matches!(self, IamAuthError::StsUnavailable | IamAuthError::TooManyFailures(_))
    }
}

#[derive(Clone)]
pub struct IamVerifier {
    settings: IamSettings,
    admin_group: String,
    http: reqwest::Client,
    failures: Arc<FailedSignIns>,
    /// When this replica last swept expired signatures, in seconds since the epoch.
    last_sweep: Arc<AtomicI64>,
}

/// How often a replica sweeps the replay table; a swept row is one too old to be accepted
/// anyway, so the sweep only bounds the table's size.
const SWEEP_EVERY_SECS: i64 = 60;

impl IamVerifier {
    pub fn new(settings: IamSettings, admin_group: String) -> Result<Self, reqwest::Error> {
        // Never follow redirects: the request must reach the configured endpoint or nothing.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            settings,
            admin_group,
            http,
            failures: Arc::new(FailedSignIns::new(FailureLimit::default())),
            last_sweep: Arc::new(AtomicI64::new(0)),
        })
    }

    pub fn with_failure_limit(self, limit: FailureLimit) -> Self {
        Self { failures: Arc::new(FailedSignIns::new(limit)), ..self }
    }

    pub fn settings(&self) -> &IamSettings {
        &self.settings
    }

    /// Verifies the value after `SluiceIAM ` from a client at `source` and returns who the
    /// caller is.
    pub async fn verify(
        &self,
        core: &Core,
        encoded: &str,
        source: Option<IpAddr>,
    ) -> Result<Actor, IamAuthError> {
        let now = Instant::now();
        if let Some(wait) = self.failures.blocked(source, now) {
            return Err(IamAuthError::TooManyFailures(wait.as_secs().max(1)));
        }
        let verified = self.verify_signed(core, encoded).await;
        if let Err(err) = &verified
            && err.is_callers_fault()
        {
            self.failures.record_failure(source, now);
        }
        verified
    }

    async fn verify_signed(&self, core: &Core, encoded: &str) -> Result<Actor, IamAuthError> {
        let req = SignedIdentityRequest::decode(encoded).map_err(|_| IamAuthError::Malformed)?;
        let checked = iam_checks::check(&req, &self.settings, chrono::Utc::now())?;
        let principals = core.iam_principals();
        self.sweep_now_and_then(&principals).await;
        let expires = checked.signed_at + iam_checks::MAX_AGE;
        match principals.claim_signature(&checked.signature, expires).await {
            Ok(true) => {}
            Ok(false) => return Err(IamAuthError::Replayed),
            Err(err) => {
                tracing::warn!(error = %err.chain(), "could not record an IAM signature");
                return Err(IamAuthError::StsUnavailable);
            }
        }
        let arn = match self.ask_sts(checked.forward_headers, checked.body).await {
            Ok(arn) => arn,
            Err(err) => {
                // A refused request must not hold its slot: the client may fix its clock and
                // retry with a new signature anyway, but a transient STS failure should not
                // turn a retry of the same request into a "replay".
                if let Err(e) = principals.release_signature(&checked.signature).await {
                    tracing::warn!(error = %e.chain(), "could not forget a refused IAM signature");
                }
                return Err(err);
            }
        };
        let mapped = match principals.resolve(&arn).await {
            Ok(Some(mapped)) => mapped,
            Ok(None) => {
                tracing::info!(%arn, "an AWS principal with no IAM principal mapping tried to sign in");
                return Err(IamAuthError::Unmapped);
            }
            Err(err) => {
                tracing::warn!(error = %err.chain(), "could not read IAM principal mappings");
                return Err(IamAuthError::StsUnavailable);
            }
        };
        tracing::debug!(%arn, mapping = %mapped.mapping_uri, user = %mapped.username, "IAM caller authenticated");
        Ok(Actor::iam(arn, mapped.username, mapped.groups, &self.admin_group))
    }

    /// Sweeps expired signatures at most once a minute per replica, and only for a request that
    /// passed every check of its own.
    async fn sweep_now_and_then(&self, principals: &sluice_core::iam::IamPrincipals<'_>) {
        let now = chrono::Utc::now().timestamp();
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now - last < SWEEP_EVERY_SECS
            || self.last_sweep.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
        {
            return;
        }
        if let Err(err) = principals.sweep_signatures().await {
            tracing::warn!(error = %err.chain(), "could not sweep expired IAM signatures");
        }
    }

    /// Sends the request, as signed, to the configured endpoint (never to the URL the client
    /// named, which was only compared with it) and reads the caller's ARN from the answer.
    async fn ask_sts(
        &self,
        headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
        body: Vec<u8>,
    ) -> Result<String, IamAuthError> {
        // reqwest sets Host and Content-Length from the URL and body: the values checked.
        let headers: reqwest::header::HeaderMap = headers.into_iter().collect();
        let forward = self.http.post(self.settings.sts_endpoint.clone()).headers(headers).body(body);
        let response = forward.send().await.map_err(|err| {
            tracing::warn!(error = %err, "STS did not answer an IAM sign-in");
            IamAuthError::StsUnavailable
        })?;
        let status = response.status();
        let text = response.text().await.map_err(|_| IamAuthError::StsUnavailable)?;
        if status.is_client_error() {
            tracing::info!(%status, "STS refused an IAM-signed request");
            return Err(IamAuthError::StsRefused);
        }
        if !status.is_success() {
            tracing::warn!(%status, "STS failed an IAM sign-in");
            return Err(IamAuthError::StsUnavailable);
        }
        caller_arn(&text).ok_or_else(|| {
            tracing::warn!("STS answered GetCallerIdentity without an Arn");
            IamAuthError::StsUnavailable
        })
    }
}

/// The `<Arn>` of a GetCallerIdentity response. The XML is STS's own and flat; ARNs hold no
/// characters XML escapes except `&`, which no IAM name allows.
fn caller_arn(xml: &str) -> Option<String> {
    let start = xml.find("<Arn>")? + "<Arn>".len();
    let end = start + xml[start..].find("</Arn>")?;
    let arn = xml[start..end].trim();
    (arn.starts_with("arn:") && !arn.contains('<')).then(|| arn.to_owned())
}

#[cfg(test)]
mod tests {
    use super::caller_arn;

    #[test]
    fn the_arn_is_read_from_sts_xml() {
        let xml = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:assumed-role/Deployer/ci</Arn>
    <UserId>AROA:ci</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
</GetCallerIdentityResponse>"#;
        assert_eq!(caller_arn(xml).as_deref(), Some("arn:aws:sts::123456789012:assumed-role/Deployer/ci"));
        assert_eq!(caller_arn("<Error><Code>SignatureDoesNotMatch</Code></Error>"), None);
        assert_eq!(caller_arn("<Arn>not-an-arn</Arn>"), None);
    }
}
