//! What sharing folders (S3 prefixes) or a dataset's whole bucket means, computed without
//! touching AWS.
//!
//! A share's folders (and its bucket item) are granted as a whole, through one S3 access point
//! per share, named from the share's URI:
//! - the access point's own policy gives the principal the objects under each prefix (or the
//!   whole bucket) and the listing of those prefixes, rewritten from what the share keeps
//!   whenever an item is granted or revoked; the access point goes with the share's last item;
//! - the bucket policy holds one statement, the same for every share, that delegates access
//!   control to the access points of the bucket's own account (`s3:DataAccessPointAccount`);
//! - a KMS grant on the dataset's key, named after the share, when the bucket has one;
//! - cross account, an inline policy on the principal's role in the target account, because S3
//!   needs the caller's own account to allow the access as well as the bucket's.
//!
//! Shares made before access points wrote two statements of their own into the bucket policy
//! (see [`statement_sids`]); each write of a share removes them, so re-applying a share moves
//! it to its access point. A bucket policy holds at most 20 KB, which capped a bucket at a few
//! dozen shares; an account holds 10,000 access points per region.
//!
//! Statements are keyed by their Sid, so Sluice's never touch anyone else's.

use serde_json::{Value, json};

use super::processing::Work;

/// What the share's folders (or bucket) need, for the whole share.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderAccess {
    pub account: String,
    /// The dataset's region: where its bucket, and so the access point, are.
    pub region: String,
    pub bucket: String,
    /// Prefixes without their trailing `/`, sorted.
    pub prefixes: Vec<String>,
    /// The whole bucket (the share holds an S3Bucket item); the prefixes are then inside it.
    pub whole_bucket: bool,
    /// The share's access point, in the dataset's account and region.
    pub access_point: String,
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

/// The Sids of the two bucket policy statements a share had before access points; writing the
/// share removes them.
pub fn statement_sids(share_uri: &str) -> [String; 2] {
    [format!("SluiceShare{share_uri}Objects"), format!("SluiceShare{share_uri}List")]
}

/// The Sid of the bucket policy statement that delegates access control to access points.
pub const DELEGATION_SID: &str = "SluiceDelegateToAccessPoints";

/// The bucket policy statement that lets the access points of `account` (the bucket's own)
/// decide who reads the bucket through them: AWS's documented delegation. It gives nothing by
/// itself; each access point's policy does.
pub fn delegation_statement(bucket: &str, account: &str) -> Value {
    json!({
        "Sid": DELEGATION_SID,
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account}},
    })
}

/// Whether the bucket policy's statements delegate to the access points of `account`.
pub fn delegates(statements: &[Value], bucket: &str, account: &str) -> bool {
    let wanted = delegation_statement(bucket, account);
    statements.iter().any(|s| s["Sid"] == DELEGATION_SID && s["Condition"] == wanted["Condition"])
}

/// The share's access point name: `sluice-share-<uri>`, within S3's rules (3 to 50 lowercase
/// letters, digits and hyphens, starting and ending with a letter or digit, no `--`, never ending
/// in `-s3alias`). Share URIs are short lowercase alphanumerics; anything else is mapped into
/// the rules, so the name is always the same for the same share.
pub fn access_point_name(share_uri: &str) -> String {
    let mut name = String::from("sluice-share-");
    for c in share_uri.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    name.truncate(50);
    while name.ends_with('-') {
        name.pop();
    }
    if name.ends_with("-s3alias") {
        name.truncate(name.len() - "-s3alias".len());
    }
    name
}

/// The role name an IAM role ARN ends with (its path dropped, as IAM's role APIs want it).
pub fn role_name(role_arn: &str) -> Option<&str> {
    role_arn.split_once(":role/").map(|(_, path_and_name)| path_and_name.rsplit('/').next().unwrap_or(""))
}

impl FolderAccess {
    /// The access `work`'s share needs for the folders whose prefixes are given, and for the
    /// whole bucket when `whole_bucket`.
    pub fn of(work: &Work, prefixes: impl IntoIterator<Item = String>, whole_bucket: bool) -> Self {
        let mut prefixes: Vec<String> =
            prefixes.into_iter().map(|p| p.trim_matches('/').to_owned()).collect();
        prefixes.sort();
        prefixes.dedup();
        let share = &work.share;
        // An SSE-S3 bucket has no key: no grant, and no key statement in the role policy.
        let key_alias = work
            .dataset
            .kms_alias
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| if a.starts_with("alias/") { a.to_owned() } else { format!("alias/{a}") });
        let role_policy = work.cross_account().then(|| RolePolicy {
            account: work.target.account_id.clone(),
            role_name: role_name(&share.principal_role_arn).unwrap_or_default().to_owned(),
            policy_name: format!("sluice-share-{}", share.share_uri),
        });
        Self {
            account: work.source.account_id.clone(),
            region: work.source.region.clone(),
            bucket: work.dataset.bucket_name.clone(),
            prefixes,
            whole_bucket,
            access_point: access_point_name(&share.share_uri),
            principal: share.principal_role_arn.clone(),
            object_actions: object_actions(&share.permissions),
            key_alias,
            key_operations: key_operations(&share.permissions),
            grant_name: format!("sluice-share-{}", share.share_uri),
            role_policy,
        }
    }

    /// Whether the share keeps nothing of the bucket: its access point and grants then go.
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty() && !self.whole_bucket
    }

    /// The access point's ARN.
    pub fn access_point_arn(&self) -> String {
        format!("arn:aws:s3:{}:{}:accesspoint/{}", self.region, self.account, self.access_point)
    }

    /// Object resources through the access point: `<arn>/object/<prefix>/*`, or every object.
    fn access_point_objects(&self) -> Vec<String> {
        let arn = self.access_point_arn();
        if self.whole_bucket {
            return vec![format!("{arn}/object/*")];
        }
        self.prefixes.iter().map(|p| format!("{arn}/object/{p}/*")).collect()
    }

    fn bucket_objects(&self) -> Vec<String> {
        if self.whole_bucket {
            return vec![format!("arn:aws:s3:::{}/*", self.bucket)];
        }
        self.prefixes.iter().map(|p| format!("arn:aws:s3:::{}/{p}/*", self.bucket)).collect()
    }

    fn listed(&self) -> Vec<String> {
        self.prefixes.iter().flat_map(|p| [format!("{p}/"), format!("{p}/*")]).collect()
    }

    /// A ListBucket statement on `resource`: limited to the prefixes, or the whole bucket.
    fn list_statement(&self, sid: &str, principal: bool, resource: Value) -> Value {
        let mut statement =
            json!({"Sid": sid, "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": resource});
        if principal {
            statement["Principal"] = json!({"AWS": self.principal});
        }
        if !self.whole_bucket {
            statement["Condition"] = json!({"StringLike": {"s3:prefix": self.listed()}});
        }
        statement
    }

    /// The access point's policy; None once the share keeps nothing.
    pub fn access_point_policy(&self) -> Option<Value> {
        if self.is_empty() {
            return None;
        }
        Some(json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SluiceShareObjects",
                    "Effect": "Allow",
                    "Principal": {"AWS": self.principal},
                    "Action": self.object_actions,
                    "Resource": self.access_point_objects(),
                },
                self.list_statement("SluiceShareList", true, json!(self.access_point_arn())),
            ],
        }))
    }

    /// The two bucket policy statements a share had before access points, for this access:
    /// what verify still accepts until the share is re-applied (and what tests make).
    pub fn legacy_bucket_statements(&self, share_uri: &str) -> Vec<Value> {
        if self.is_empty() {
            return vec![];
        }
        let [objects, list] = statement_sids(share_uri);
        vec![
            json!({
                "Sid": objects,
                "Effect": "Allow",
                "Principal": {"AWS": self.principal},
                "Action": self.object_actions,
                "Resource": self.bucket_objects(),
            }),
            self.list_statement(&list, true, json!(format!("arn:aws:s3:::{}", self.bucket))),
        ]
    }

    /// The inline policy for the principal's role across accounts (`key_arn` when the bucket
    /// has a key): the access point and the bucket behind it, as S3 checks both. None once the
    /// share keeps nothing.
    pub fn role_policy_document(&self, key_arn: Option<&str>) -> Option<Value> {
        if self.is_empty() {
            return None;
        }
        let mut objects = self.access_point_objects();
        objects.extend(self.bucket_objects());
        let listed = json!([self.access_point_arn(), format!("arn:aws:s3:::{}", self.bucket)]);
        let mut statements = vec![
            json!({"Sid": "SharedObjects", "Effect": "Allow", "Action": self.object_actions, "Resource": objects}),
            self.list_statement("SharedPrefixes", false, listed),
        ];
        if let Some(key) = key_arn {
            let actions: Vec<String> = self.key_operations.iter().map(|o| format!("kms:{o}")).collect();
            statements
                .push(json!({"Sid": "SharedKey", "Effect": "Allow", "Action": actions, "Resource": key}));
        }
        Some(json!({"Version": "2012-10-17", "Statement": statements}))
    }

    /// Whether statements named `objects_sid` and `list_sid` give the principal `prefix` (None:
    /// the whole bucket) under `object_root` (`<resource>/` of the objects).
    fn statements_grant(
        &self,
        statements: &[Value],
        [objects_sid, list_sid]: [&str; 2],
        object_root: &str,
        prefix: Option<&str>,
    ) -> bool {
        let find = |sid: &str| statements.iter().find(|s| s["Sid"] == sid);
        let principal_ok = |s: &Value| s["Principal"]["AWS"] == self.principal.as_str();
        let whole = format!("{object_root}*");
        let objects_ok = find(objects_sid).is_some_and(|s| {
            let resource_ok = match prefix {
                Some(p) => {
                    holds(&s["Resource"], &format!("{object_root}{p}/*")) || holds(&s["Resource"], &whole)
                }
                None => holds(&s["Resource"], &whole),
            };
            principal_ok(s) && resource_ok && self.object_actions.iter().all(|a| holds(&s["Action"], a))
        });
        let list_ok = find(list_sid).is_some_and(|s| {
            let condition = &s["Condition"]["StringLike"]["s3:prefix"];
            let listed = match prefix {
                _ if s.get("Condition").is_none() => true,
                Some(p) => holds(condition, &format!("{p}/*")),
                None => false,
            };
            principal_ok(s) && listed
        });
        objects_ok && list_ok
    }

    /// Whether the access point's policy gives `prefix` (None: the whole bucket) as this access
    /// would.
    pub fn access_point_grants(&self, policy: Option<&Value>, prefix: Option<&str>) -> bool {
        let Some(policy) = policy else { return false };
        let statements = match &policy["Statement"] {
            Value::Array(a) => a.clone(),
            Value::Null => vec![],
            single => vec![single.clone()],
        };
        let root = format!("{}/object/", self.access_point_arn());
        self.statements_grant(&statements, ["SluiceShareObjects", "SluiceShareList"], &root, prefix)
    }

    /// Whether the bucket policy still holds the share's statements from before access points,
    /// giving `prefix` (None: the whole bucket).
    pub fn legacy_grants(&self, statements: &[Value], share_uri: &str, prefix: Option<&str>) -> bool {
        let [objects, list] = statement_sids(share_uri);
        let root = format!("arn:aws:s3:::{}/", self.bucket);
        self.statements_grant(statements, [&objects, &list], &root, prefix)
    }

    /// Whether a role policy document names `prefix` (None: the whole bucket) through the
    /// access point.
    pub fn role_policy_grants(&self, document: Option<&Value>, prefix: Option<&str>) -> bool {
        let arn = self.access_point_arn();
        let resource = match prefix {
            Some(p) => format!("{arn}/object/{p}/*"),
            None => format!("{arn}/object/*"),
        };
        let whole = format!("{arn}/object/*");
        document.is_some_and(|doc| {
            doc["Statement"].as_array().is_some_and(|statements| {
                statements.iter().any(|s| holds(&s["Resource"], &resource) || holds(&s["Resource"], &whole))
            })
        })
    }
}

/// Whether a policy value (a string or a list of them) holds `wanted`.
fn holds(v: &Value, wanted: &str) -> bool {
    match v {
        Value::String(s) => s == wanted,
        Value::Array(a) => a.iter().any(|x| x == wanted),
        _ => false,
    }
}

#[cfg(test)]
#[path = "folders_tests.rs"]
mod tests;
