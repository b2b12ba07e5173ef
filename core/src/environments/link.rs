//! The port that proves an AWS account can be linked: Sluice assumes the account's pivot role
//! with the tenant's ExternalId and reads the role back. The AWS adapter is in `cloud/`.

/// Where the pivot role is and how to assume it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotRole {
    pub account_id: String,
    pub region: String,
    pub role_name: String,
    pub external_id: String,
}

impl PivotRole {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account_id, self.role_name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// AWS said no: the role is missing, its trust policy or ExternalId does not match, or the
    /// account is wrong. The message says which and what to fix; users see it.
    #[error("{0}")]
    Refused(String),
    /// AWS could not be asked (network, throttling, our own credentials).
    #[error("AWS could not be reached to check the pivot role: {0}")]
    Unreachable(String),
}

#[async_trait::async_trait]
pub trait AccountLinker: Send + Sync {
    /// Assumes the pivot role with its ExternalId, then reads it back through the assumed
    /// session (`iam:GetRole`), which proves the role exists even where STS does not check.
    async fn verify(&self, pivot: &PivotRole) -> Result<(), LinkError>;
}
