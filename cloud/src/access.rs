//! S3 access by policy: statements of a bucket policy kept by their Sids, KMS grants kept by
//! their names, and inline role policies. Folder shares are made of these.
//!
//! Every write is safe to repeat, and leaves statements, grants and policies of other names as
//! they are. S3 has no conditional write for bucket policies, so a write is read back, and made
//! again (from a fresh read) when another writer's change raced it away.

use aws_config::SdkConfig;
use aws_sdk_kms::types::GrantOperation;
use aws_sdk_s3::error::ProvideErrorMetadata;
use serde_json::{Value, json};

use crate::storage::StorageError;

/// Attempts at a bucket policy write that another writer keeps racing away.
const POLICY_ATTEMPTS: usize = 3;
/// ListGrants pages read at most: a key holds at most 50,000 grants.
const MAX_GRANT_PAGES: usize = 500;

#[derive(Debug, Clone)]
pub struct Access {
    s3: aws_sdk_s3::Client,
    kms: aws_sdk_kms::Client,
    iam: aws_sdk_iam::Client,
}

/// A KMS grant as Sluice names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    pub name: String,
    pub grantee: String,
    pub operations: Vec<String>,
}

fn invalid(op: impl Into<String>, message: impl Into<String>) -> StorageError {
    StorageError::Invalid { op: op.into(), message: message.into() }
}

impl Access {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            s3: aws_sdk_s3::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
        }
    }

    /// The bucket policy's statements; none when the bucket has no policy.
    pub async fn bucket_statements(&self, bucket: &str) -> Result<Vec<Value>, StorageError> {
        let op = || format!("S3 GetBucketPolicy of {bucket}");
        let policy = match self.s3.get_bucket_policy().bucket(bucket).send().await {
            Ok(out) => out.policy.unwrap_or_default(),
            Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("NoSuchBucketPolicy") => {
                return Ok(vec![]);
            }
            Err(e) => return Err(StorageError::aws(op(), e)),
        };
        let document: Value = serde_json::from_str(&policy).map_err(|e| invalid(op(), e.to_string()))?;
        Ok(match &document["Statement"] {
            Value::Array(statements) => statements.clone(),
            Value::Null => vec![],
            single => vec![single.clone()],
        })
    }

    /// Replaces the statements whose Sids are `sids` with `statements` (which may be none),
    /// keeping every other statement. The policy is deleted when nothing is left in it.
    pub async fn replace_statements(
        &self,
        bucket: &str,
        sids: &[String],
        statements: &[Value],
    ) -> Result<(), StorageError> {
        let ours = |s: &Value| s["Sid"].as_str().is_some_and(|sid| sids.iter().any(|o| o == sid));
        for _ in 0..POLICY_ATTEMPTS {
            let current = self.bucket_statements(bucket).await?;
            let mut kept: Vec<Value> = current.iter().filter(|s| !ours(s)).cloned().collect();
            kept.extend(statements.iter().cloned());
            if kept.is_empty() {
                self.s3
                    .delete_bucket_policy()
                    .bucket(bucket)
                    .send()
                    .await
                    .map_err(|e| StorageError::aws(format!("S3 DeleteBucketPolicy of {bucket}"), e))?;
            } else {
                let policy = json!({"Version": "2012-10-17", "Statement": kept}).to_string();
                self.s3
                    .put_bucket_policy()
                    .bucket(bucket)
                    .policy(policy)
                    .send()
                    .await
                    .map_err(|e| StorageError::aws(format!("S3 PutBucketPolicy of {bucket}"), e))?;
            }
            let now = self.bucket_statements(bucket).await?;
            let written = now.iter().filter(|s| ours(s)).collect::<Vec<_>>();
            if written.len() == statements.len() && statements.iter().all(|s| written.contains(&s)) {
                return Ok(());
            }
            tracing::warn!(bucket, "another writer changed the bucket policy; writing it again");
        }
        Err(invalid(
            format!("S3 PutBucketPolicy of {bucket}"),
            format!("the policy kept changing under {POLICY_ATTEMPTS} writes; run the share again"),
        ))
    }

    /// The key an alias points at, as an ARN; None when the alias is missing. By ListAliases, for
    /// the reason [`Storage::kms_alias_exists`](crate::Storage::kms_alias_exists) gives.
    pub async fn key_arn(
        &self,
        alias: &str,
        account: &str,
        region: &str,
    ) -> Result<Option<String>, StorageError> {
        let key_id = crate::Storage::key_id_of_alias(&self.kms, alias).await?;
        Ok(key_id.map(|id| format!("arn:aws:kms:{region}:{account}:key/{id}")))
    }

    /// The key's grants named `name`.
    pub async fn key_grants(&self, key: &str, name: &str) -> Result<Vec<(String, KeyGrant)>, StorageError> {
        let mut marker = None;
        let mut found = vec![];
        for _ in 0..MAX_GRANT_PAGES {
            let out = self
                .kms
                .list_grants()
                .key_id(key)
                .set_marker(marker)
                .limit(100)
                .send()
                .await
                .map_err(|e| StorageError::aws(format!("KMS ListGrants of {key}"), e))?;
            for grant in out.grants() {
                if grant.name() != Some(name) {
                    continue;
                }
                let described = KeyGrant {
                    name: name.to_owned(),
                    grantee: grant.grantee_principal().unwrap_or_default().to_owned(),
                    operations: grant.operations().iter().map(|o| o.as_str().to_owned()).collect(),
                };
                found.push((grant.grant_id().unwrap_or_default().to_owned(), described));
            }
            marker = out.next_marker.filter(|_| out.truncated);
            if marker.is_none() {
                return Ok(found);
            }
        }
        Err(invalid(
            format!("KMS ListGrants of {key}"),
            format!("more than {MAX_GRANT_PAGES} pages of grants"),
        ))
    }

    /// Makes `wanted` on the key unless a grant of its name already gives its grantee all its
    /// operations; grants of that name that don't are revoked.
    pub async fn ensure_key_grant(&self, key: &str, wanted: &KeyGrant) -> Result<(), StorageError> {
        let mut satisfied = false;
        for (id, grant) in self.key_grants(key, &wanted.name).await? {
            let covers = grant.grantee == wanted.grantee
                && wanted.operations.iter().all(|o| grant.operations.contains(o));
            if covers && !satisfied {
                satisfied = true;
            } else {
                self.revoke_grant(key, &id).await?;
            }
        }
        if satisfied {
            return Ok(());
        }
        let operations = wanted.operations.iter().map(|o| GrantOperation::from(o.as_str())).collect();
        self.kms
            .create_grant()
            .key_id(key)
            .name(&wanted.name)
            .grantee_principal(&wanted.grantee)
            .set_operations(Some(operations))
            .send()
            .await
            .map_err(|e| StorageError::aws(format!("KMS CreateGrant {} on {key}", wanted.name), e))?;
        Ok(())
    }

    /// Revokes every grant of the key named `name`.
    pub async fn revoke_key_grants(&self, key: &str, name: &str) -> Result<(), StorageError> {
        for (id, _) in self.key_grants(key, name).await? {
            self.revoke_grant(key, &id).await?;
        }
        Ok(())
    }

    async fn revoke_grant(&self, key: &str, id: &str) -> Result<(), StorageError> {
        match self.kms.revoke_grant().key_id(key).grant_id(id).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found_exception()) => Ok(()),
            Err(e) => Err(StorageError::aws(format!("KMS RevokeGrant {id} on {key}"), e)),
        }
    }

    /// The role's inline policy `name`; None when it has none of that name.
    pub async fn role_policy(&self, role: &str, name: &str) -> Result<Option<Value>, StorageError> {
        let op = || format!("IAM GetRolePolicy {name} of role {role}");
        let document = match self.iam.get_role_policy().role_name(role).policy_name(name).send().await {
            Ok(out) => out.policy_document,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
                return Ok(None);
            }
            Err(e) => return Err(StorageError::aws(op(), e)),
        };
        // IAM returns policy documents URL-encoded.
        let decoded = percent_encoding::percent_decode_str(&document).decode_utf8_lossy();
        serde_json::from_str(&decoded).map(Some).map_err(|e| invalid(op(), e.to_string()))
    }

    pub async fn put_role_policy(
        &self,
        role: &str,
        name: &str,
        document: &Value,
    ) -> Result<(), StorageError> {
        self.iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(document.to_string())
            .send()
            .await
            .map_err(|e| StorageError::aws(format!("IAM PutRolePolicy {name} on role {role}"), e))?;
        Ok(())
    }

    /// Deletes the role's inline policy `name`; a missing one (or role) is already done.
    pub async fn delete_role_policy(&self, role: &str, name: &str) -> Result<(), StorageError> {
        match self.iam.delete_role_policy().role_name(role).policy_name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => Ok(()),
            Err(e) => Err(StorageError::aws(format!("IAM DeleteRolePolicy {name} of role {role}"), e)),
        }
    }
}
