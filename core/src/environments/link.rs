//! The port that proves an AWS account can be linked: Sluice assumes the account's pivot role
//! with the organization's ExternalId and reads the role back, trust policy included (see
//! `trust`). The AWS adapter is in `cloud/`.

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

/// The tag on the pivot role that says which key-value tags its account owner lets Sluice's
/// stacks carry: the prefix every such key starts with (empty: any key). The pivot-role
/// template writes it from its `StackTagKeys` value; a role without it allows none.
pub const STACK_TAG_PREFIX_TAG: &str = "sluice:stack-tag-prefix";

/// The pivot role as its account holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotTrust {
    /// The role's trust policy, as IAM returns it (URL-encoded or not).
    pub trust_policy: String,
    /// The value of its [`STACK_TAG_PREFIX_TAG`] tag, if it has one.
    pub stack_tag_prefix: Option<String>,
}

#[async_trait::async_trait]
pub trait AccountLinker: Send + Sync {
    /// Assumes the pivot role with its ExternalId, then reads it back through the assumed
    /// session (`iam:GetRole`), which proves the role exists even where STS does not check, and
    /// returns its trust policy for core to check.
    async fn verify(&self, pivot: &PivotRole) -> Result<PivotTrust, LinkError>;
}

/// An AWS resource a user names (an import), looked up through the pivot role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsResource {
    Bucket(String),
    GlueDatabase(String),
    /// `alias/<name>`.
    KmsAlias(String),
    Role(String),
}

impl AwsResource {
    /// The input field that named it, for the error users see.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Bucket(_) => "bucketName",
            Self::GlueDatabase(_) => "glueDatabaseName",
            Self::KmsAlias(_) => "KmsKeyAlias",
            Self::Role(_) => "adminRoleName",
        }
    }
}

impl std::fmt::Display for AwsResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bucket(n) => write!(f, "S3 bucket {n}"),
            Self::GlueDatabase(n) => write!(f, "Glue database {n}"),
            Self::KmsAlias(n) => write!(f, "KMS alias {n}"),
            Self::Role(n) => write!(f, "IAM role {n}"),
        }
    }
}

/// Why a resource an import names cannot become part of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// Not in the pivot role's account and region.
    Missing,
    /// It exists, but another account owns it (only buckets' names are global).
    InAnotherAccount,
    /// In the account, but in this region instead of the environment's.
    InAnotherRegion(String),
    /// A KMS key its owner has not opened to Sluice (the pivot role's tag).
    KeyNotOpened,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("not found"),
            Self::InAnotherAccount => f.write_str("owned by another account"),
            Self::InAnotherRegion(region) => write!(f, "in region {region}"),
            Self::KeyNotOpened => f.write_str("not tagged for Sluice's pivot role (see docs/PIVOT_ROLE.md)"),
        }
    }
}

/// One resource of a stack, as CloudFormation lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackResource {
    /// Its name in the template.
    pub logical_id: String,
    /// Its name or ARN in AWS, once CloudFormation made it.
    pub physical_id: Option<String>,
    /// e.g. `AWS::S3::Bucket`.
    pub resource_type: String,
    /// e.g. `CREATE_COMPLETE`.
    pub status: String,
}

/// Reads and writes resources in a linked account through its pivot role.
#[async_trait::async_trait]
pub trait AccountResources: Send + Sync {
    /// What keeps each of `wanted` out of a dataset of the pivot role's account and region:
    /// nothing for those that are fine. A resource the pivot role may not read is a
    /// [`LinkError::Refused`] saying so, not "missing".
    async fn check(
        &self,
        pivot: &PivotRole,
        wanted: &[AwsResource],
    ) -> Result<Vec<(AwsResource, ImportProblem)>, LinkError>;

    /// One Glue table as it is now, or None when the database has no such table.
    async fn table(
        &self,
        pivot: &PivotRole,
        database: &str,
        name: &str,
    ) -> Result<Option<crate::datasets::tables::GlueTable>, LinkError>;

    /// Puts the empty `<prefix>/` object that makes a folder show in S3; safe to repeat.
    async fn create_prefix(&self, pivot: &PivotRole, bucket: &str, prefix: &str) -> Result<(), LinkError>;

    /// What the stack `stack` (its name or id) holds now, as CloudFormation lists it; None when
    /// CloudFormation has no such stack.
    async fn stack_resources(
        &self,
        pivot: &PivotRole,
        stack: &str,
    ) -> Result<Option<Vec<StackResource>>, LinkError>;
}
