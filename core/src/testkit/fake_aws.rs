//! Linked accounts without AWS, for tests of the rules Sluice owns: pivot roles are accepted
//! except in one account, and resources exist unless their name says otherwise. An account's
//! pivot role trusts the ExternalId it was first linked with (its owner deployed the template of
//! that organization) unless a test says otherwise with [`FakeAccounts::trust`]. Its owner opened
//! every key to stack tags (`StackTagKeys` `*`) unless a test says otherwise with
//! [`FakeAccounts::open_stack_tags`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use crate::{
    access::{GrantReader, LakeResource, SeenGrant},
    credentials::{CredentialVendor, RoleCredentials, UploadForm},
    datasets::tables::{GlueColumn, GlueTable},
    environments::{
        AccountLinker, AccountResources, AwsResource, AwsSettings, ImportProblem, LinkError, PivotRole,
        PivotTrust, StackResource,
    },
};

/// The account whose pivot role is refused, as AWS refuses a role that is missing.
pub const REFUSED_ACCOUNT: &str = "000000000000";

/// Resources whose name starts with this do not exist.
pub const MISSING_PREFIX: &str = "missing";

/// Buckets whose name starts with this belong to another account.
pub const FOREIGN_PREFIX: &str = "foreign";

/// KMS keys whose alias starts with this are not opened to Sluice.
pub const CLOSED_PREFIX: &str = "closed";

/// Stacks whose name holds this cannot be read, as when CloudFormation does not answer.
pub const UNREACHABLE_STACK: &str = "unreachable";

/// The account Sluice runs in, as the fake's trust policies name it.
pub const TRUST_ACCOUNT: &str = "999999999999";

#[derive(Debug, Default)]
pub struct FakeAccounts {
    /// The ExternalIds each account's pivot role requires.
    trusted: Mutex<HashMap<String, Vec<String>>>,
    /// The `sluice:stack-tag-prefix` tag of each account's pivot role; `Some("")` (every key)
    /// where a test set none.
    stack_tag_prefixes: Mutex<HashMap<String, Option<String>>>,
    /// The Lake Formation grants each account lists; none unless a test adds them.
    lake: Mutex<HashMap<String, Vec<SeenGrant>>>,
}

impl FakeAccounts {
    /// Makes `account`'s pivot role require one of `external_ids` (none: no ExternalId at all).
    pub fn trust(&self, account: &str, external_ids: &[&str]) {
        let ids = external_ids.iter().map(|id| (*id).to_owned()).collect();
        self.trusted.lock().unwrap_or_else(|e| e.into_inner()).insert(account.to_owned(), ids);
    }

    /// Gives `account`'s pivot role the `sluice:stack-tag-prefix` tag `prefix` (none: no tag).
    pub fn open_stack_tags(&self, account: &str, prefix: Option<&str>) {
        self.stack_tag_prefixes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account.to_owned(), prefix.map(str::to_owned));
    }

    /// Makes `account`'s Lake Formation list `grant`.
    pub fn lake_grant(&self, account: &str, grant: SeenGrant) {
        self.lake
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(account.to_owned())
            .or_default()
            .push(grant);
    }

    fn stack_tag_prefix(&self, account: &str) -> Option<String> {
        let prefixes = self.stack_tag_prefixes.lock().unwrap_or_else(|e| e.into_inner());
        prefixes.get(account).cloned().unwrap_or_else(|| Some(String::new()))
    }

    fn policy(&self, pivot: &PivotRole) -> String {
        let mut trusted = self.trusted.lock().unwrap_or_else(|e| e.into_inner());
        let ids = trusted.entry(pivot.account_id.clone()).or_insert_with(|| vec![pivot.external_id.clone()]);
        let mut statement = serde_json::json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{TRUST_ACCOUNT}:root")},
            "Action": "sts:AssumeRole",
        });
        if !ids.is_empty() {
            statement["Condition"] = serde_json::json!({"StringEquals": {"sts:ExternalId": ids.clone()}});
        }
        serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
    }
}

fn refused(pivot: &PivotRole) -> Result<(), LinkError> {
    if pivot.account_id == REFUSED_ACCOUNT {
        Err(LinkError::Refused(format!("could not assume {}: AccessDenied", pivot.arn())))
    } else {
        Ok(())
    }
}

#[async_trait::async_trait]
impl GrantReader for FakeAccounts {
    async fn lake_grants(
        &self,
        pivot: &PivotRole,
        resources: &[LakeResource],
    ) -> Result<Vec<SeenGrant>, LinkError> {
        refused(pivot)?;
        let lake = self.lake.lock().unwrap_or_else(|e| e.into_inner());
        let listed = lake.get(&pivot.account_id).into_iter().flatten();
        Ok(listed.filter(|g| resources.contains(&g.resource)).cloned().collect())
    }
}

#[async_trait::async_trait]
impl AccountLinker for FakeAccounts {
    async fn verify(&self, pivot: &PivotRole) -> Result<PivotTrust, LinkError> {
        refused(pivot)?;
        Ok(PivotTrust {
            trust_policy: self.policy(pivot),
            stack_tag_prefix: self.stack_tag_prefix(&pivot.account_id),
        })
    }
}

#[async_trait::async_trait]
impl AccountResources for FakeAccounts {
    /// Resources named `missing…` do not exist, buckets named `foreign…` belong to another
    /// account, and keys aliased `closed…` are not opened to Sluice.
    async fn check(
        &self,
        pivot: &PivotRole,
        wanted: &[AwsResource],
    ) -> Result<Vec<(AwsResource, ImportProblem)>, LinkError> {
        refused(pivot)?;
        Ok(wanted
            .iter()
            .filter_map(|r| {
                let (AwsResource::Bucket(n)
                | AwsResource::GlueDatabase(n)
                | AwsResource::KmsAlias(n)
                | AwsResource::Role(n)) = r;
                let name = n.trim_start_matches("alias/");
                let problem = if name.starts_with(MISSING_PREFIX) {
                    ImportProblem::Missing
                } else if matches!(r, AwsResource::Bucket(_)) && name.starts_with(FOREIGN_PREFIX) {
                    ImportProblem::InAnotherAccount
                } else if matches!(r, AwsResource::KmsAlias(_)) && name.starts_with(CLOSED_PREFIX) {
                    ImportProblem::KeyNotOpened
                } else {
                    return None;
                };
                Some((r.clone(), problem))
            })
            .collect())
    }

    /// Every table has the columns `id bigint` and partition key `day date`, except those
    /// named `missing…`, which do not exist.
    async fn table(
        &self,
        pivot: &PivotRole,
        database: &str,
        name: &str,
    ) -> Result<Option<GlueTable>, LinkError> {
        refused(pivot)?;
        let column = |name: &str, type_: &str| GlueColumn {
            name: name.into(),
            type_: Some(type_.into()),
            comment: None,
        };
        Ok((!name.starts_with(MISSING_PREFIX)).then(|| GlueTable {
            name: name.into(),
            description: None,
            location: Some(format!("s3://{database}/{name}/")),
            columns: vec![column("id", "bigint")],
            partition_keys: vec![column("day", "date")],
            parameters: Default::default(),
            table_type: Some("EXTERNAL_TABLE".into()),
        }))
    }

    /// Fails in buckets named `missing…`, as S3 answers NoSuchBucket.
    async fn create_prefix(&self, pivot: &PivotRole, bucket: &str, _prefix: &str) -> Result<(), LinkError> {
        refused(pivot)?;
        if bucket.starts_with(MISSING_PREFIX) {
            return Err(LinkError::Refused(format!("S3 PutObject in {bucket} failed: NoSuchBucket")));
        }
        Ok(())
    }

    /// Every stack holds a bucket and a role named after it, except stacks named `missing…`,
    /// which CloudFormation does not have, and stacks whose name holds `unreachable`, which
    /// cannot be read.
    async fn stack_resources(
        &self,
        pivot: &PivotRole,
        stack: &str,
    ) -> Result<Option<Vec<StackResource>>, LinkError> {
        refused(pivot)?;
        if stack.contains(UNREACHABLE_STACK) {
            return Err(LinkError::Unreachable(format!("ListStackResources of {stack} timed out")));
        }
        if stack.starts_with(MISSING_PREFIX) {
            return Ok(None);
        }
        let resource = |logical: &str, physical: String, type_: &str| StackResource {
            logical_id: logical.into(),
            physical_id: Some(physical),
            resource_type: type_.into(),
            status: "CREATE_COMPLETE".into(),
        };
        Ok(Some(vec![
            resource("Bucket", format!("{stack}-bucket"), "AWS::S3::Bucket"),
            resource("Role", format!("arn:aws:iam::{}:role/{stack}", pivot.account_id), "AWS::IAM::Role"),
        ]))
    }
}

/// Credentials whose key id names the role and the pivot account, so tests can tell whose they
/// are; links point at `https://signin.example/`.
#[async_trait::async_trait]
impl CredentialVendor for FakeAccounts {
    async fn assume_role(
        &self,
        pivot: &PivotRole,
        role_arn: &str,
        session_name: &str,
    ) -> Result<RoleCredentials, LinkError> {
        if pivot.account_id == REFUSED_ACCOUNT {
            return Err(LinkError::Refused(format!(
                "the pivot role of {} cannot be assumed",
                pivot.account_id
            )));
        }
        Ok(RoleCredentials {
            role_arn: role_arn.to_owned(),
            access_key_id: format!("ASIAFAKE{}", pivot.account_id),
            secret_access_key: format!("secret-of-{role_arn}"),
            session_token: format!("token-of-{session_name}"),
            expiration: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
        })
    }

    async fn console_url(
        &self,
        credentials: &RoleCredentials,
        destination: &str,
    ) -> Result<String, LinkError> {
        Ok(format!(
            "https://signin.example/federation?Action=login&Destination={destination}&Role={}",
            credentials.role_arn
        ))
    }

    fn upload_form(
        &self,
        credentials: &RoleCredentials,
        _region: &str,
        bucket: &str,
        key: &str,
        _seconds: u64,
    ) -> Result<UploadForm, LinkError> {
        Ok(UploadForm {
            url: format!("https://{bucket}.s3.amazonaws.com/"),
            fields: vec![
                ("key".into(), key.into()),
                ("x-amz-credential".into(), credentials.access_key_id.clone()),
            ],
        })
    }
}

/// Settings whose linker and account resources are [`FakeAccounts`].
pub fn aws_settings() -> AwsSettings {
    aws_settings_with(Arc::default())
}

/// Settings over the given fake accounts, for tests that set what a pivot role trusts.
pub fn aws_settings_with(accounts: Arc<FakeAccounts>) -> AwsSettings {
    AwsSettings {
        trust_account_id: TRUST_ACCOUNT.into(),
        pivot_role_name: "sluice-pivot".into(),
        linker: accounts.clone(),
        resources: accounts.clone(),
        grants: accounts.clone(),
        credentials: Some(accounts),
    }
}
