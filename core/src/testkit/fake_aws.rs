//! Linked accounts without AWS, for tests of the rules Sluice owns: pivot roles are accepted
//! except in one account, and resources exist unless their name says otherwise.

use std::sync::Arc;

use crate::{
    datasets::tables::{GlueColumn, GlueTable},
    environments::{AccountLinker, AccountResources, AwsResource, AwsSettings, LinkError, PivotRole},
};

/// The account whose pivot role is refused, as AWS refuses a role that is missing.
pub const REFUSED_ACCOUNT: &str = "000000000000";

/// Resources whose name starts with this do not exist.
pub const MISSING_PREFIX: &str = "missing";

pub struct FakeAccounts;

fn refused(pivot: &PivotRole) -> Result<(), LinkError> {
    if pivot.account_id == REFUSED_ACCOUNT {
        Err(LinkError::Refused(format!("could not assume {}: AccessDenied", pivot.arn())))
    } else {
        Ok(())
    }
}

#[async_trait::async_trait]
impl AccountLinker for FakeAccounts {
    async fn verify(&self, pivot: &PivotRole) -> Result<(), LinkError> {
        refused(pivot)
    }
}

#[async_trait::async_trait]
impl AccountResources for FakeAccounts {
    async fn missing(
        &self,
        pivot: &PivotRole,
        wanted: &[AwsResource],
    ) -> Result<Vec<AwsResource>, LinkError> {
        refused(pivot)?;
        Ok(wanted
            .iter()
            .filter(|r| {
                let (AwsResource::Bucket(n)
                | AwsResource::GlueDatabase(n)
                | AwsResource::KmsAlias(n)
                | AwsResource::Role(n)) = r;
                n.trim_start_matches("alias/").starts_with(MISSING_PREFIX)
            })
            .cloned()
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
}

/// Settings whose linker and account resources are [`FakeAccounts`].
pub fn aws_settings() -> AwsSettings {
    AwsSettings {
        trust_account_id: "999999999999".into(),
        pivot_role_name: "sluice-pivot".into(),
        linker: Arc::new(FakeAccounts),
        resources: Arc::new(FakeAccounts),
    }
}
