use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use sluice_core::shares::{ItemFilter, Share, ShareItem, ShareRole, Shareable};

use crate::graphql::{
    GqlResult, actor, core,
    datasets::card,
    environments::{EnvironmentGql, PolicyManagementOptions},
    organizations::page_of,
    paged::paged,
};

pub struct ShareGql(pub Share);

#[Object(name = "ShareObject")]
impl ShareGql {
    async fn share_uri(&self) -> ID {
        ID(self.0.share_uri.clone())
    }
    /// data.all's share states (Draft, Submitted, Approved, Share_In_Progress, Processed, …).
    async fn status(&self) -> Option<ShareObjectStatus> {
        ShareObjectStatus::parse(&self.0.status)
    }
    /// The user who requested it.
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
    /// Deleted shares are removed, so this is always null.
    async fn deleted(&self) -> Option<String> {
        None
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    async fn dataset_uri(&self) -> &str {
        &self.0.dataset_uri
    }
    async fn request_purpose(&self) -> Option<&str> {
        self.0.request_purpose.as_deref()
    }
    async fn reject_purpose(&self) -> Option<&str> {
        self.0.reject_purpose.as_deref()
    }
    /// When access ends unless extended (the end of that day, UTC); null when it doesn't expire.
    async fn expiry_date(&self) -> Option<String> {
        self.0.expiry.expiry_date.map(|d| d.to_rfc3339())
    }
    /// The expiry a pending request or extension would give if approved today.
    async fn requested_expiry_date(&self) -> Option<String> {
        self.0.expiry.requested_expiry_date.map(|d| d.to_rfc3339())
    }
    /// Whether an extension waits for the approvers.
    async fn submitted_for_extension(&self) -> bool {
        self.0.expiry.submitted_for_extension
    }
    async fn extension_reason(&self) -> Option<&str> {
        self.0.expiry.extension_reason.as_deref()
    }
    async fn last_extension_date(&self) -> Option<String> {
        self.0.expiry.last_extension_date.map(|d| d.to_rfc3339())
    }
    /// Whether the share never expires: always, on a dataset whose shares don't; otherwise when
    /// asked for (pending) or approved so.
    async fn non_expirable(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        if self.0.expiry.non_expirable {
            return Ok(true);
        }
        let dataset = super::loaders::dataset_of(ctx, &self.0.share_uri).await?;
        Ok(dataset.is_none_or(|d| d.expiry.is_none()))
    }
    /// The period asked for, in the dataset's `expirySetting` units.
    async fn share_expiration_period(&self) -> Option<i32> {
        self.0.expiry.share_expiration_period
    }
    async fn dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DatasetLink>> {
        let Some(d) = super::loaders::dataset_of(ctx, &self.0.share_uri).await? else { return Ok(None) };
        let card = card(ctx, &d.environment_uri).await?;
        Ok(Some(DatasetLink {
            aws_account_id: card
                .as_ref()
                .and_then(|c| c.aws_account_id_for_share(&self.0))
                .map(str::to_owned),
            environment_name: card.as_ref().map(|c| c.label.clone()),
            region: card.as_ref().map(|c| c.region.clone()),
            dataset_uri: d.dataset_uri,
            dataset_name: d.label,
            saml_admin_group_name: d.saml_admin_group_name,
            exists: true,
            description: d.description,
            dataset_type: "S3".into(),
            enable_expiration: d.expiry.is_some(),
            expiry_setting: d.expiry.map(|e| e.setting.as_str().to_owned()),
        }))
    }
    /// Whether createShareObject found this share rather than making it.
    async fn already_existed(&self) -> bool {
        self.0.already_existed
    }
    /// Whether any item holds grants.
    async fn existing_shared_items(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(super::loaders::statistics(ctx, &self.0.share_uri).await?.shared > 0)
    }
    async fn statistics(&self, ctx: &Context<'_>) -> async_graphql::Result<ShareObjectStatistic> {
        let s = super::loaders::statistics(ctx, &self.0.share_uri).await?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(ShareObjectStatistic {
            shared_items: int(s.shared),
            revoked_items: int(s.revoked),
            failed_items: int(s.failed),
            pending_items: int(s.pending),
        })
    }
    async fn principal(&self, ctx: &Context<'_>) -> async_graphql::Result<Principal> {
        let card = card(ctx, &self.0.environment_uri).await?;
        let role_name = self.0.principal_role_arn.rsplit('/').next().map(str::to_owned);
        Ok(Principal {
            principal_name: self.0.principal_name.clone(),
            principal_type: if self.0.principal_type == "Group" {
                PrincipalType::Group
            } else {
                PrincipalType::ConsumptionRole
            },
            principal_id: ID(self.0.principal_id.clone()),
            principal_role_name: role_name,
            saml_group_name: self.0.group_uri.clone(),
            environment_name: card.map(|c| c.label),
            iam_principal_type: Some("ROLE".into()),
        })
    }
    /// The target environment.
    async fn environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EnvironmentGql>> {
        Ok(card(ctx, &self.0.environment_uri).await?.map(|c| EnvironmentGql::for_share(c, &self.0)))
    }
    /// The requesting team.
    async fn group(&self) -> &str {
        &self.0.group_uri
    }
    async fn items(
        &self,
        ctx: &Context<'_>,
        filter: Option<ShareableObjectFilter>,
    ) -> async_graphql::Result<SharedItemSearchResult> {
        let filter = filter.unwrap_or_default();
        if !crate::graphql::environments::flat(&filter.tags).is_empty() {
            return Err(crate::graphql::to_gql(sluice_core::Error::validation(
                "tags",
                "share items have no tags of their own; filter by term instead",
            )));
        }
        let page = page_of(filter.page, filter.page_size)?;
        let core_filter = ItemFilter {
            term: filter.term,
            is_shared: filter.is_shared,
            is_revokable: filter.is_revokable,
            is_healthy: filter.is_healthy,
        };
        let found =
            core(ctx)?.shares().item_list(actor(ctx)?, &self.0.share_uri, &core_filter, page).await.gql()?;
        Ok(SharedItemSearchResult(found.map(ShareItemGql)))
    }
    /// Requesters and approvers read the processing log.
    async fn can_view_logs(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(core(ctx)?.shares().role_of(actor(ctx)?, &self.0).await.gql()? != ShareRole::NoPermission)
    }
    async fn user_role_for_share_object(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ShareObjectPermission> {
        Ok(core(ctx)?.shares().role_of(actor(ctx)?, &self.0).await.gql()?.into())
    }
    async fn permissions(&self) -> Vec<ShareObjectDataPermission> {
        self.0.permissions.iter().filter_map(|p| ShareObjectDataPermission::parse(p)).collect()
    }
    /// The exact grants, resource links and databases approval creates (or a revoke removes),
    /// computed without touching AWS: approvers see what they approve.
    async fn plan(&self, ctx: &Context<'_>) -> async_graphql::Result<super::plan::SharePlan> {
        Ok(core(ctx)?.shares().plan(actor(ctx)?, &self.0.share_uri).await.gql()?.into())
    }
    async fn policy_management(&self, ctx: &Context<'_>) -> async_graphql::Result<PolicyManagementOptions> {
        let value = core(ctx)?.shares().policy_management(&self.0).await.gql()?;
        Ok(PolicyManagementOptions::parse(&value))
    }
}

/// An entry of a share's item list: a part of its dataset, with this share's item for it when
/// it has one (data.all's shape: an entry not in the share has no item URI and no status).
pub struct ShareItemGql(pub Shareable);

impl From<ShareItem> for ShareItemGql {
    fn from(item: ShareItem) -> Self {
        Self(item.into())
    }
}

impl ShareItemGql {
    fn held(&self) -> Option<&ShareItem> {
        self.0.item.as_ref()
    }
}

#[Object(name = "ShareItem")]
impl ShareItemGql {
    async fn share_uri(&self) -> &str {
        &self.0.share_uri
    }
    /// Null while the entry is not in the share: `addSharedItem` puts it there.
    async fn share_item_uri(&self) -> Option<ID> {
        self.held().map(|i| ID(i.share_item_uri.clone()))
    }
    /// The table's or folder's URI; the dataset's URI for its bucket.
    async fn item_uri(&self) -> &str {
        &self.0.item_uri
    }
    /// Null while the entry is not in the share.
    async fn status(&self) -> Option<ShareItemStatus> {
        self.held().and_then(|i| ShareItemStatus::parse(&i.status))
    }
    /// What can be done with the item next, as data.all names it; null when nothing.
    async fn action(&self) -> Option<String> {
        None
    }
    async fn item_type(&self) -> ShareableType {
        match self.0.item_type.as_str() {
            "Table" => ShareableType::Table,
            "S3Bucket" => ShareableType::S3Bucket,
            _ => ShareableType::StorageLocation,
        }
    }
    async fn item_name(&self) -> &str {
        &self.0.item_name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn health_status(&self) -> Option<ShareItemHealthStatus> {
        self.held()?.health_status.as_deref().and_then(ShareItemHealthStatus::parse)
    }
    async fn health_message(&self) -> Option<&str> {
        self.held()?.health_message.as_deref()
    }
    async fn last_verification_time(&self) -> Option<String> {
        self.held()?.last_verification_time.map(|t| t.to_rfc3339())
    }
    /// The item's attached filters (getShareItemDataFilters); null when it is the whole table.
    async fn attached_data_filter_uri(&self) -> Option<&str> {
        self.held()?.attached_data_filter_uri.as_deref()
    }
}

paged!(SharedItemSearchResult, ShareItemGql);
paged!(ShareSearchResult, ShareGql);

#[derive(SimpleObject)]
pub struct DatasetLink {
    dataset_uri: String,
    dataset_name: String,
    #[graphql(name = "SamlAdminGroupName")]
    saml_admin_group_name: String,
    environment_name: Option<String>,
    #[graphql(name = "AwsAccountId")]
    aws_account_id: Option<String>,
    region: Option<String>,
    exists: bool,
    description: Option<String>,
    dataset_type: String,
    enable_expiration: bool,
    expiry_setting: Option<String>,
}

#[derive(SimpleObject)]
pub struct ShareObjectStatistic {
    shared_items: i32,
    revoked_items: i32,
    failed_items: i32,
    pending_items: i32,
}

#[derive(SimpleObject)]
pub struct Principal {
    principal_name: String,
    principal_type: PrincipalType,
    principal_id: ID,
    principal_role_name: Option<String>,
    #[graphql(name = "SamlGroupName")]
    saml_group_name: String,
    environment_name: Option<String>,
    #[graphql(name = "IAMPrincipalType")]
    iam_principal_type: Option<String>,
}

#[derive(SimpleObject)]
pub struct ShareLog {
    log_stream: Option<String>,
    log_group: Option<String>,
    timestamp: Option<String>,
    message: Option<String>,
}

impl From<sluice_core::shares::ShareLogLine> for ShareLog {
    fn from(l: sluice_core::shares::ShareLogLine) -> Self {
        Self {
            log_stream: None,
            log_group: Some("share".into()),
            timestamp: Some(l.created.to_rfc3339()),
            message: Some(l.message),
        }
    }
}

/// Declares a GraphQL enum whose values are data.all's spellings, with `parse`.
macro_rules! spelled_enum {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        #[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
        pub enum $name {
            $(#[graphql(name = $text)] $variant,)*
        }

        impl $name {
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($text => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

spelled_enum!(ShareObjectStatus {
    Deleted = "Deleted",
    Approved = "Approved",
    Rejected = "Rejected",
    Revoked = "Revoked",
    Draft = "Draft",
    Submitted = "Submitted",
    SubmittedForExtension = "Submitted_For_Extension",
    ExtensionRejected = "Extension_Rejected",
    RevokeInProgress = "Revoke_In_Progress",
    ShareInProgress = "Share_In_Progress",
    Processed = "Processed",
});

spelled_enum!(ShareItemStatus {
    Deleted = "Deleted",
    PendingApproval = "PendingApproval",
    PendingExtension = "PendingExtension",
    ShareApproved = "Share_Approved",
    ShareRejected = "Share_Rejected",
    ShareInProgress = "Share_In_Progress",
    ShareSucceeded = "Share_Succeeded",
    ShareFailed = "Share_Failed",
    RevokeApproved = "Revoke_Approved",
    RevokeInProgress = "Revoke_In_Progress",
    RevokeFailed = "Revoke_Failed",
    RevokeSucceeded = "Revoke_Succeeded",
});

spelled_enum!(ShareItemHealthStatus {
    Healthy = "Healthy",
    Unhealthy = "Unhealthy",
    PendingVerify = "PendingVerify",
    PendingReApply = "PendingReApply",
});

spelled_enum!(ShareObjectDataPermission { Read = "Read", Write = "Write", Modify = "Modify" });

spelled_enum!(ShareableType {
    Table = "Table",
    StorageLocation = "StorageLocation",
    S3Bucket = "S3Bucket",
    RedshiftTable = "RedshiftTable",
});

spelled_enum!(PrincipalType {
    Group = "Group",
    ConsumptionRole = "ConsumptionRole",
    ConsumptionUser = "ConsumptionUser",
    RedshiftRole = "RedshiftRole",
});

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum ShareObjectPermission {
    Approvers,
    ApproversAndRequesters,
    Requesters,
    DatasetAdmins,
    NoPermission,
}

impl From<ShareRole> for ShareObjectPermission {
    fn from(r: ShareRole) -> Self {
        match r {
            ShareRole::Approvers => Self::Approvers,
            ShareRole::Requesters => Self::Requesters,
            ShareRole::ApproversAndRequesters => Self::ApproversAndRequesters,
            ShareRole::NoPermission => Self::NoPermission,
        }
    }
}

#[derive(InputObject, Default)]
pub struct ShareableObjectFilter {
    pub term: Option<String>,
    /// Items have no tags of their own; a tag filter is refused.
    pub tags: Option<Vec<Option<String>>>,
    /// `true`: the items in this share, whatever their state. `false`: the dataset's tables,
    /// folders and bucket not in it yet. Left out: both, as data.all lists them.
    pub is_shared: Option<bool>,
    pub is_revokable: Option<bool>,
    pub is_healthy: Option<bool>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}
