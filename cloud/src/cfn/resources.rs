//! Typed properties of the resource types Sluice's templates use. Only the properties Sluice
//! sets are modelled; a property left `None` or empty is left out of the JSON, so AWS applies
//! its default.

use serde::Serialize;

use super::{Expr, PolicyDocument};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: Expr,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<Expr>) -> Self {
        Self { key: key.into(), value: value.into() }
    }
}

/// `AWS::IAM::Role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The trust policy: who may assume the role.
    pub assume_role_policy_document: PolicyDocument,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<InlinePolicy>,
    #[serde(rename = "ManagedPolicyArns", skip_serializing_if = "Vec::is_empty")]
    pub managed_policy_arns: Vec<Expr>,
    /// The managed policy capping what the role's own policies can grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Expr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Role {
    pub fn new(role_name: impl Into<Expr>, trust: PolicyDocument) -> Self {
        Self {
            role_name: Some(role_name.into()),
            description: None,
            assume_role_policy_document: trust,
            policies: Vec::new(),
            managed_policy_arns: Vec::new(),
            permissions_boundary: None,
            tags: Vec::new(),
        }
    }

    /// Caps the role with the managed policy `boundary_arn`.
    pub fn bounded_by(mut self, boundary_arn: Expr) -> Self {
        self.permissions_boundary = Some(boundary_arn);
        self
    }
}

impl Role {
    /// Sets the description, spelt in IAM's alphabet ([`super::text::iam_description`]): a
    /// group name in another script would otherwise fail the whole stack.
    pub fn described(mut self, text: &str) -> Self {
        self.description = Some(super::text::iam_description(text));
        self
    }
}

/// `AWS::IAM::ManagedPolicy`: a customer managed policy, attached to nothing by the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    pub managed_policy_name: Expr,
    pub description: String,
    pub policy_document: PolicyDocument,
}

/// A policy embedded in a role (`Policies` of `AWS::IAM::Role`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: PolicyDocument,
}

/// `AWS::S3::Bucket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<Expr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_encryption: Option<BucketEncryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_access_block_configuration: Option<PublicAccessBlock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning_configuration: Option<Versioning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging_configuration: Option<Logging>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_controls: Option<OwnershipControls>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Bucket {
    /// A bucket nobody outside the account can reach: every public-access block on, ACLs
    /// disabled (the bucket owner owns every object, so access is policy-only), versioned so
    /// an overwrite or delete can be undone. Encryption is the caller's choice.
    pub fn private(bucket_name: impl Into<Expr>, encryption: BucketEncryption) -> Self {
        Self {
            bucket_name: Some(bucket_name.into()),
            bucket_encryption: Some(encryption),
            public_access_block_configuration: Some(PublicAccessBlock::all()),
            versioning_configuration: Some(Versioning { status: "Enabled" }),
            logging_configuration: None,
            ownership_controls: Some(OwnershipControls {
                rules: vec![OwnershipRule { object_ownership: "BucketOwnerEnforced" }],
            }),
            tags: Vec::new(),
        }
    }

    /// Server access logs go to `destination` under `prefix`.
    pub fn logging_to(mut self, destination: Expr, prefix: impl Into<String>) -> Self {
        self.logging_configuration =
            Some(Logging { destination_bucket_name: destination, log_file_prefix: prefix.into() });
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketEncryption {
    pub server_side_encryption_configuration: Vec<EncryptionRule>,
}

impl BucketEncryption {
    /// SSE-KMS with `key_arn`. The S3 Bucket Key cuts KMS requests (and their cost) by
    /// letting S3 derive object keys from one bucket-level data key.
    pub fn kms(key_arn: Expr) -> Self {
        Self::one(EncryptionRule {
            server_side_encryption_by_default: EncryptionDefault {
                sse_algorithm: "aws:kms",
                kms_master_key_id: Some(key_arn),
            },
            bucket_key_enabled: Some(true),
        })
    }

    /// SSE-S3 (AES-256 with keys S3 manages).
    pub fn s3_managed() -> Self {
        Self::one(EncryptionRule {
            server_side_encryption_by_default: EncryptionDefault {
                sse_algorithm: "AES256",
                kms_master_key_id: None,
            },
            bucket_key_enabled: None,
        })
    }

    fn one(rule: EncryptionRule) -> Self {
        Self { server_side_encryption_configuration: vec![rule] }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionRule {
    pub server_side_encryption_by_default: EncryptionDefault,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_key_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncryptionDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: &'static str,
    #[serde(rename = "KMSMasterKeyID", skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub block_public_policy: bool,
    pub ignore_public_acls: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all() -> Self {
        Self {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Versioning {
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Logging {
    pub destination_bucket_name: Expr,
    pub log_file_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipControls {
    pub rules: Vec<OwnershipRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OwnershipRule {
    pub object_ownership: &'static str,
}

/// `AWS::S3::BucketPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketPolicy {
    pub bucket: Expr,
    pub policy_document: PolicyDocument,
}

/// `AWS::KMS::Key`: a symmetric encryption key (the default key spec).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    pub description: String,
    pub enable_key_rotation: bool,
    pub key_policy: PolicyDocument,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `AWS::KMS::Alias`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alias {
    /// Starts with `alias/`.
    pub alias_name: String,
    pub target_key_id: Expr,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_descriptions_keep_to_iams_alphabet_and_length() {
        let role = Role::new("r", PolicyDocument::new([])).described("Équipe Łódź ok");
        assert_eq!(role.description.as_deref(), Some("Équipe Lódz ok"));
        let long = Role::new("r", PolicyDocument::new([])).described(&"x".repeat(1200));
        assert_eq!(long.description.map(|d| d.len()), Some(1000));
    }
}
