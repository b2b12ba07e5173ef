//! The AWS adapter of the account-link port: assume the account's pivot role with the tenant's
//! ExternalId, then read the role back through that session.
//!
//! Reading the role back matters because an AssumeRole success alone proves less than it seems
//! in emulators (moto accepts any role name and never checks ExternalId or trust policies);
//! `iam:GetRole` through the assumed session fails unless the role really exists in the
//! target account.

use std::{fmt, sync::Mutex, time::SystemTime};

use aws_config::{Region, SdkConfig};
use aws_credential_types::{
    Credentials,
    provider::{ProvideCredentials, SharedCredentialsProvider, error::CredentialsError, future},
};
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use sluice_core::environments::{
    AccountLinker, LinkError, PivotRole, PivotTrust, link::STACK_TAG_PREFIX_TAG,
};

/// The session name of every pivot-role session, so the account's CloudTrail shows Sluice's
/// calls as `assumed-role/<pivot role>/sluice-link`.
pub const SESSION_NAME: &str = "sluice-link";

/// STS and IAM error codes that mean "try again later" rather than "no".
const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ServiceUnavailable",
    "ServiceFailure",
    "InternalFailure",
    "IDPCommunicationError",
];

#[derive(Debug, Clone)]
pub struct PivotLinker {
    base: SdkConfig,
}

impl PivotLinker {
    /// `base` is Sluice's own configuration (its credentials assume the pivot role).
    pub fn new(base: SdkConfig) -> Self {
        Self { base }
    }

    pub(crate) fn base(&self) -> &SdkConfig {
        &self.base
    }
}

#[async_trait::async_trait]
impl AccountLinker for PivotLinker {
    async fn verify(&self, pivot: &PivotRole) -> Result<PivotTrust, LinkError> {
        let session = assume_pivot(&self.base, pivot).await?;
        let iam = aws_sdk_iam::Client::new(&session);
        match iam.get_role().role_name(&pivot.role_name).send().await {
            Ok(found) => {
                // Core reads the trust policy: STS checks the ExternalId only where it is real.
                let role = found.role;
                let stack_tag_prefix = role.as_ref().and_then(|r| {
                    r.tags().iter().find(|t| t.key() == STACK_TAG_PREFIX_TAG).map(|t| t.value().to_owned())
                });
                let policy = role.and_then(|r| r.assume_role_policy_document).ok_or_else(|| {
                    LinkError::Refused(format!(
                        "the role {} in account {} has no trust policy Sluice could read",
                        pivot.role_name, pivot.account_id
                    ))
                })?;
                Ok(PivotTrust { trust_policy: policy, stack_tag_prefix })
            }
            Err(e) => Err(get_role_error(pivot, &e)),
        }
    }
}

/// A configuration whose clients act as the pivot role in `pivot.region`. The first
/// credentials come from an AssumeRole made here, so a refusal surfaces now, mapped; later
/// ones are fetched again as they expire (a deploy can outlast a session).
pub async fn assume_pivot(base: &SdkConfig, pivot: &PivotRole) -> Result<SdkConfig, LinkError> {
    let sts = aws_sdk_sts::Client::new(base);
    let first = assume(&sts, pivot).await?;
    let provider = PivotCredentials { sts, pivot: pivot.clone(), first: Mutex::new(Some(first)) };
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .region(Region::new(pivot.region.clone()))
        .build())
}

async fn assume(sts: &aws_sdk_sts::Client, pivot: &PivotRole) -> Result<Credentials, LinkError> {
    let arn = pivot.arn();
    let out = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(SESSION_NAME)
        .external_id(&pivot.external_id)
        .send()
        .await
        .map_err(|e| assume_role_error(&arn, &e))?;
    let credentials = out
        .credentials
        .ok_or_else(|| LinkError::Unreachable(format!("STS AssumeRole of {arn} returned no credentials")))?;
    Ok(Credentials::new(
        credentials.access_key_id,
        credentials.secret_access_key,
        Some(credentials.session_token),
        SystemTime::try_from(credentials.expiration).ok(),
        "sluice-pivot-role",
    ))
}

/// Hands out the credentials `assume_pivot` got, then assumes the role again whenever the
/// SDK's identity cache finds them expired.
struct PivotCredentials {
    sts: aws_sdk_sts::Client,
    pivot: PivotRole,
    first: Mutex<Option<Credentials>>,
}

impl fmt::Debug for PivotCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PivotCredentials").field("role", &self.pivot.arn()).finish_non_exhaustive()
    }
}

impl ProvideCredentials for PivotCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            // A poisoned lock only loses the first credentials; assuming again is fine.
            if let Some(first) = self.first.lock().ok().and_then(|mut first| first.take()) {
                return Ok(first);
            }
            assume(&self.sts, &self.pivot).await.map_err(CredentialsError::provider_error)
        })
    }
}

/// What an SDK error says, for the mapping below.
enum Failure {
    /// AWS answered with this error code and message.
    Answered { code: String, message: String },
    /// No usable answer: connection, timeout, throttling, a response that did not parse.
    Unreachable(String),
}

fn failure<E, R>(e: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    let detail = DisplayErrorContext(e).to_string();
    match e.as_service_error() {
        Some(service) => match service.code() {
            Some(code) if !TRANSIENT_CODES.contains(&code) => Failure::Answered {
                code: code.to_owned(),
                message: service.message().map_or_else(|| detail.clone(), str::to_owned),
            },
            _ => Failure::Unreachable(detail),
        },
        None => Failure::Unreachable(detail),
    }
}

fn assume_role_error<E, R>(arn: &str, e: &SdkError<E, R>) -> LinkError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    match failure(e) {
        Failure::Answered { code, message }
            if matches!(code.as_str(), "AccessDenied" | "AccessDeniedException" | "InvalidClientTokenId") =>
        {
            LinkError::Refused(format!(
                "could not assume {arn} with the ExternalId shown in onboarding: check the role's trust policy \
                 and ExternalId ({message})"
            ))
        }
        // STS must be active in the region for the target account; its owner turns it on.
        Failure::Answered { code, message } if code == "RegionDisabledException" => {
            LinkError::Refused(format!("could not assume {arn}: {message}"))
        }
        Failure::Answered { code, message } if code == "ValidationError" => {
            LinkError::Refused(format!("could not assume {arn}: {message}"))
        }
        // Anything else (e.g. our own expired token) is Sluice's problem, not the user's.
        Failure::Answered { code, message } => {
            LinkError::Unreachable(format!("STS AssumeRole of {arn} failed: {code}: {message}"))
        }
        Failure::Unreachable(detail) => {
            LinkError::Unreachable(format!("STS AssumeRole of {arn} failed: {detail}"))
        }
    }
}

fn get_role_error<E, R>(pivot: &PivotRole, e: &SdkError<E, R>) -> LinkError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    let name = &pivot.role_name;
    match failure(e) {
        Failure::Answered { code, .. } if code == "NoSuchEntity" => LinkError::Refused(format!(
            "no role {name} in account {}: deploy the pivot-role template there first",
            pivot.account_id
        )),
        Failure::Answered { code, message } if code == "AccessDenied" || code == "AccessDeniedException" => {
            LinkError::Refused(format!(
                "the role {name} in account {} was assumed but may not read itself (iam:GetRole): update it \
                 from the current pivot-role template ({message})",
                pivot.account_id
            ))
        }
        Failure::Answered { code, message } => {
            LinkError::Unreachable(format!("IAM GetRole of {name} failed: {code}: {message}"))
        }
        Failure::Unreachable(detail) => {
            LinkError::Unreachable(format!("IAM GetRole of {name} failed: {detail}"))
        }
    }
}
