//! Who can read what: `getEffectiveAccess` for a dataset, table or folder (its admin team and
//! platform admins), and `getPrincipalAccess` for a team or consumption role (its members and
//! platform admins). Core decides who may ask and what AWS holds.

use async_graphql::{Context, Enum, Object, SimpleObject};
use sluice_core::access::{
    AwsAgreement, EffectiveAccess, PrincipalAccess, PrincipalKind, Reader, ReaderVia, TargetType,
    drift::RecordedDrift,
};

use crate::graphql::{GqlResult, actor, core};

/// Through what a reader reads.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AccessReaderVia")]
pub enum ViaGql {
    /// The dataset's admin team, through the dataset's own role.
    OwnerTeam,
    /// The dataset's stewards: they see it and decide on its shares.
    Stewards,
    /// A share item granted to a team's role or a consumption role.
    Share,
    /// A Lake Formation grant on the dataset's resources that Sluice did not make.
    OutsideSluice,
}

/// Whether AWS holds what Sluice granted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AwsAccessState")]
pub enum AwsGql {
    /// AWS holds every grant the access needs.
    Ok,
    /// Sluice granted it, but AWS lacks some of it: re-apply the share.
    MissingInAws,
    /// In AWS, but not granted by Sluice: someone granted it by hand.
    NotGrantedBySluice,
    /// Not compared: see `detail`.
    NotCompared,
}

/// One way someone can read the target.
#[derive(SimpleObject)]
#[graphql(name = "AccessReader")]
pub struct ReaderGql {
    via: ViaGql,
    dataset_uri: String,
    dataset_label: String,
    /// The team holding the access; null for a grant made outside Sluice.
    team: Option<String>,
    /// `Group`, `ConsumptionRole`, or `IAM` for a grant made outside Sluice.
    principal_type: String,
    principal: String,
    role_arn: Option<String>,
    share_uri: Option<String>,
    share_item_uri: Option<String>,
    item_uri: Option<String>,
    item_name: Option<String>,
    /// `Table`, `StorageLocation`, or `Database` for a grant made outside Sluice.
    item_type: Option<String>,
    item_status: Option<String>,
    permissions: Vec<String>,
    /// When the share's access ends (RFC 3339); null when it does not.
    expiry_date: Option<String>,
    aws: AwsGql,
    /// What is missing, what was found, or why nothing was compared.
    detail: Option<String>,
}

impl From<Reader> for ReaderGql {
    fn from(r: Reader) -> Self {
        Self {
            via: match r.via {
                ReaderVia::OwnerTeam => ViaGql::OwnerTeam,
                ReaderVia::Stewards => ViaGql::Stewards,
                ReaderVia::Share => ViaGql::Share,
                ReaderVia::OutsideSluice => ViaGql::OutsideSluice,
            },
            aws: match r.aws {
                AwsAgreement::Ok => AwsGql::Ok,
                AwsAgreement::MissingInAws => AwsGql::MissingInAws,
                AwsAgreement::NotGrantedBySluice => AwsGql::NotGrantedBySluice,
                AwsAgreement::NotCompared => AwsGql::NotCompared,
            },
            dataset_uri: r.dataset_uri,
            dataset_label: r.dataset_label,
            team: r.team,
            principal_type: r.principal_type,
            principal: r.principal,
            role_arn: r.role_arn,
            share_uri: r.share_uri,
            share_item_uri: r.share_item_uri,
            item_uri: r.item_uri,
            item_name: r.item_name,
            item_type: r.item_type,
            item_status: r.item_status,
            permissions: r.permissions,
            expiry_date: r.expiry_date.map(|d| d.to_rfc3339()),
            detail: r.detail,
        }
    }
}

/// Everyone who can read a dataset, table or folder, and whether AWS agrees.
#[derive(SimpleObject)]
#[graphql(name = "EffectiveAccess")]
pub struct EffectiveAccessGql {
    target_uri: String,
    /// `Dataset`, `DatasetTable` or `DatasetStorageLocation`.
    target_type: String,
    dataset_uri: String,
    label: String,
    readers: Vec<ReaderGql>,
    /// Whether Lake Formation was read; when not, `awsError` says why.
    aws_checked: bool,
    aws_error: Option<String>,
    /// When AWS was read (RFC 3339).
    checked_at: String,
}

impl From<EffectiveAccess> for EffectiveAccessGql {
    fn from(e: EffectiveAccess) -> Self {
        Self {
            target_uri: e.target_uri,
            target_type: e.target_type.as_str().to_owned(),
            dataset_uri: e.dataset_uri,
            label: e.label,
            readers: e.readers.into_iter().map(Into::into).collect(),
            aws_checked: e.aws_checked,
            aws_error: e.aws_error,
            checked_at: e.checked_at.to_rfc3339(),
        }
    }
}

/// Everything a team or consumption role can read.
#[derive(SimpleObject)]
#[graphql(name = "PrincipalAccess")]
pub struct PrincipalAccessGql {
    /// `Group` or `ConsumptionRole`.
    principal_type: String,
    principal_id: String,
    readers: Vec<ReaderGql>,
    /// More were found than one answer holds; the rest are left out.
    truncated: bool,
}

impl From<PrincipalAccess> for PrincipalAccessGql {
    fn from(p: PrincipalAccess) -> Self {
        Self {
            principal_type: p.principal_type.as_str().to_owned(),
            principal_id: p.principal_id,
            readers: p.readers.into_iter().map(Into::into).collect(),
            truncated: p.truncated,
        }
    }
}

/// A Lake Formation grant on a dataset's resources that Sluice did not make.
#[derive(SimpleObject)]
#[graphql(name = "AccessDriftGrant")]
pub struct AccessDriftGql {
    account_id: String,
    /// The principal Lake Formation lists: a role ARN, an account, or `IAM_ALLOWED_PRINCIPALS`.
    principal: String,
    database: String,
    /// Null for a grant on the database itself.
    table: Option<String>,
    permissions: Vec<String>,
    /// When a run first and last found it (RFC 3339).
    first_seen: String,
    last_seen: String,
}

impl From<RecordedDrift> for AccessDriftGql {
    fn from(d: RecordedDrift) -> Self {
        Self {
            account_id: d.account_id,
            principal: d.principal,
            database: d.database,
            table: d.table,
            permissions: d.permissions,
            first_seen: d.first_seen.to_rfc3339(),
            last_seen: d.last_seen.to_rfc3339(),
        }
    }
}

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// Everyone who can read a dataset, table or folder through Sluice (owner team, stewards,
    /// each granted share item), whether Lake Formation agrees, read live through the pivot
    /// roles, and the grants on the dataset's resources that Sluice did not make. For the
    /// dataset's admin team and platform admins. `targetType`: `Dataset`, `DatasetTable` or
    /// `DatasetStorageLocation`.
    async fn get_effective_access(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<EffectiveAccessGql> {
        let actor = actor(ctx)?;
        let kind = TargetType::parse(&target_type).gql()?;
        Ok(core(ctx)?.access().effective(actor, &target_uri, kind).await.gql()?.into())
    }

    /// Everything a team (`principalType: Group`, `principalId`: the team's name) or a
    /// consumption role (`ConsumptionRole`, its uri) can read through Sluice. For the team's
    /// members and platform admins.
    async fn get_principal_access(
        &self,
        ctx: &Context<'_>,
        principal_id: String,
        principal_type: String,
    ) -> async_graphql::Result<PrincipalAccessGql> {
        let actor = actor(ctx)?;
        let kind = PrincipalKind::parse(&principal_type).gql()?;
        Ok(core(ctx)?.access().of_principal(actor, kind, &principal_id).await.gql()?.into())
    }
}
