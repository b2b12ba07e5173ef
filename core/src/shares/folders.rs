//! What sharing folders (S3 prefixes) means, computed without touching AWS.
//!
//! A share's folders are granted as a whole, because they all live in one bucket policy:
//! - two bucket policy statements named after the share (objects under each prefix, and listing
//!   those prefixes), rewritten from the share's folders whenever one is granted or revoked;
//! - a KMS grant on the dataset's key, named after the share, when the bucket has one;
//! - cross account, an inline policy on the principal's role in the target account, because S3
//!   needs the caller's own account to allow the access as well as the bucket's.
//!
//! Statements are keyed by their Sid, so Sluice's never touch anyone else's.

use serde_json::{Value, json};

use super::processing::Work;

/// What the share's folders need, for the whole share.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderAccess {
    pub account: String,
    pub bucket: String,
    /// Prefixes without their trailing `/`, sorted.
    pub prefixes: Vec<String>,
    pub principal: String,
    pub object_actions: Vec<&'static str>,
    /// The dataset's key alias, or None for a bucket without a KMS key.
    pub key_alias: Option<String>,
    pub key_operations: Vec<&'static str>,
    pub grant_name: String,
    /// Cross account only: where the principal's role gets its inline policy.
    pub role_policy: Option<RolePolicy>,
}

/// An inline policy on the principal's role, in the target account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolePolicy {
    pub account: String,
    pub role_name: String,
    pub policy_name: String,
}

/// S3 object actions for a share's data permissions: Read reads; Write also puts and deletes.
pub fn object_actions(share_permissions: &[String]) -> Vec<&'static str> {
    let mut out = vec!["s3:GetObject"];
    if share_permissions.iter().any(|p| p == "Write") {
        out.extend(["s3:PutObject", "s3:DeleteObject"]);
    }
    out
}

/// KMS operations the principal needs on the dataset's key to use those actions.
pub fn key_operations(share_permissions: &[String]) -> Vec<&'static str> {
    let mut out = vec!["Decrypt", "DescribeKey"];
    if share_permissions.iter().any(|p| p == "Write") {
        out.extend(["Encrypt", "GenerateDataKey"]);
    }
    out
}

/// The Sids of a share's two bucket policy statements. Sids allow only alphanumerics, which
/// share URIs are.
pub fn statement_sids(share_uri: &str) -> [String; 2] {
    [format!("SluiceShare{share_uri}Objects"), format!("SluiceShare{share_uri}List")]
}

/// The role name an IAM role ARN ends with (its path dropped, as IAM's role APIs want it).
pub fn role_name(role_arn: &str) -> Option<&str> {
    role_arn.split_once(":role/").map(|(_, path_and_name)| path_and_name.rsplit('/').next().unwrap_or(""))
}

impl FolderAccess {
    /// The access `work`'s share needs for the folders whose prefixes are given.
    pub fn of(work: &Work, prefixes: impl IntoIterator<Item = String>) -> Self {
        let mut prefixes: Vec<String> = prefixes.into_iter().collect();
        prefixes.sort();
        prefixes.dedup();
        let share = &work.share;
        let key_alias = Some(work.dataset.kms_alias.trim())
            .filter(|a| !a.is_empty())
            .map(|a| if a.starts_with("alias/") { a.to_owned() } else { format!("alias/{a}") });
        let role_policy = work.cross_account().then(|| RolePolicy {
            account: work.target.account_id.clone(),
            role_name: role_name(&share.principal_role_arn).unwrap_or_default().to_owned(),
            policy_name: format!("sluice-share-{}", share.share_uri),
        });
        Self {
            account: work.source.account_id.clone(),
            bucket: work.dataset.bucket_name.clone(),
            prefixes,
            principal: share.principal_role_arn.clone(),
            object_actions: object_actions(&share.permissions),
            key_alias,
            key_operations: key_operations(&share.permissions),
            grant_name: format!("sluice-share-{}", share.share_uri),
            role_policy,
        }
    }

    fn objects(&self) -> Vec<String> {
        self.prefixes.iter().map(|p| format!("arn:aws:s3:::{}/{p}/*", self.bucket)).collect()
    }

    fn listed(&self) -> Vec<String> {
        self.prefixes.iter().flat_map(|p| [format!("{p}/"), format!("{p}/*")]).collect()
    }

    /// The share's bucket policy statements; none once it has no folders left.
    pub fn bucket_statements(&self, share_uri: &str) -> Vec<Value> {
        if self.prefixes.is_empty() {
            return vec![];
        }
        let [objects, list] = statement_sids(share_uri);
        vec![
            json!({
                "Sid": objects,
                "Effect": "Allow",
                "Principal": {"AWS": self.principal},
                "Action": self.object_actions,
                "Resource": self.objects(),
            }),
            json!({
                "Sid": list,
                "Effect": "Allow",
                "Principal": {"AWS": self.principal},
                "Action": ["s3:ListBucket"],
                "Resource": format!("arn:aws:s3:::{}", self.bucket),
                "Condition": {"StringLike": {"s3:prefix": self.listed()}},
            }),
        ]
    }

    /// The inline policy for the principal's role across accounts (`key_arn` when the bucket
    /// has a key); None once the share has no folders left.
    pub fn role_policy_document(&self, key_arn: Option<&str>) -> Option<Value> {
        if self.prefixes.is_empty() {
            return None;
        }
        let mut statements = vec![
            json!({"Sid": "SharedObjects", "Effect": "Allow", "Action": self.object_actions, "Resource": self.objects()}),
            json!({
                "Sid": "SharedPrefixes",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": format!("arn:aws:s3:::{}", self.bucket),
                "Condition": {"StringLike": {"s3:prefix": self.listed()}},
            }),
        ];
        if let Some(key) = key_arn {
            let actions: Vec<String> = self.key_operations.iter().map(|o| format!("kms:{o}")).collect();
            statements
                .push(json!({"Sid": "SharedKey", "Effect": "Allow", "Action": actions, "Resource": key}));
        }
        Some(json!({"Version": "2012-10-17", "Statement": statements}))
    }

    /// Whether a bucket policy statement list grants `prefix` as this access would.
    pub fn grants_prefix(&self, statements: &[Value], share_uri: &str, prefix: &str) -> bool {
        let [objects, list] = statement_sids(share_uri);
        let resource = format!("arn:aws:s3:::{}/{prefix}/*", self.bucket);
        let find = |sid: &str| statements.iter().find(|s| s["Sid"] == sid);
        let principal_ok = |s: &Value| s["Principal"]["AWS"] == self.principal.as_str();
        let holds = |v: &Value, wanted: &str| match v {
            Value::String(s) => s == wanted,
            Value::Array(a) => a.iter().any(|x| x == wanted),
            _ => false,
        };
        let objects_ok = find(&objects).is_some_and(|s| {
            principal_ok(s)
                && holds(&s["Resource"], &resource)
                && self.object_actions.iter().all(|a| holds(&s["Action"], a))
        });
        let list_ok = find(&list).is_some_and(|s| {
            principal_ok(s) && holds(&s["Condition"]["StringLike"]["s3:prefix"], &format!("{prefix}/*"))
        });
        objects_ok && list_ok
    }
}

#[cfg(test)]
#[path = "folders_tests.rs"]
mod tests;
