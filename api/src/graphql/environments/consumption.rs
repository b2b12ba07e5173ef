//! Consumption principals in data.all's dialect.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use sluice_core::environments::{
    ConsumptionPrincipal, ConsumptionPrincipalChange, NewConsumptionPrincipal, PrincipalPolicy,
};

use crate::graphql::{GqlResult, actor, core, organizations::page_of, paged::paged};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PolicyManagementOptions {
    #[graphql(name = "FULLY_MANAGED")]
    Fully,
    #[graphql(name = "PARTIALLY_MANAGED")]
    Partially,
    #[graphql(name = "EXTERNALLY_MANAGED")]
    Externally,
}

impl PolicyManagementOptions {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Fully => "FULLY_MANAGED",
            Self::Partially => "PARTIALLY_MANAGED",
            Self::Externally => "EXTERNALLY_MANAGED",
        }
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "FULLY_MANAGED" => Self::Fully,
            "PARTIALLY_MANAGED" => Self::Partially,
            _ => Self::Externally,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "EnvironmentIAMPrincipalType", rename_items = "UPPERCASE")]
pub enum EnvironmentIamPrincipalType {
    Group,
    User,
    Role,
}

/// An IAM role a team brought to the environment to receive shares.
#[derive(SimpleObject)]
#[graphql(name = "ConsumptionPrincipal")]
pub struct ConsumptionPrincipalGql {
    consumption_principal_uri: String,
    consumption_principal_name: String,
    group_uri: String,
    environment_uri: String,
    #[graphql(name = "IAMPrincipalArn")]
    iam_principal_arn: String,
    #[graphql(name = "IAMPrincipalName")]
    iam_principal_name: String,
    /// Who maintains the role's policies: Sluice fully, partly, or the team.
    dataall_managed: PolicyManagementOptions,
    created: String,
    updated: String,
    /// Removed principals are deleted, so this is always null.
    deleted: Option<String>,
    /// Always ROLE: only IAM roles can be added.
    consumption_principal_type: EnvironmentIamPrincipalType,
}

impl From<ConsumptionPrincipal> for ConsumptionPrincipalGql {
    fn from(p: ConsumptionPrincipal) -> Self {
        Self {
            dataall_managed: PolicyManagementOptions::parse(&p.policy_management),
            consumption_principal_uri: p.consumption_principal_uri,
            consumption_principal_name: p.name,
            group_uri: p.group_uri,
            environment_uri: p.environment_uri,
            iam_principal_arn: p.principal_arn,
            iam_principal_name: p.principal_name,
            created: p.created.to_rfc3339(),
            updated: p.updated.to_rfc3339(),
            deleted: None,
            consumption_principal_type: EnvironmentIamPrincipalType::Role,
        }
    }
}

paged!(ConsumptionPrincipalSearchResult, ConsumptionPrincipalGql);

#[derive(InputObject)]
pub struct AddConsumptionPrincipalToEnvironmentInput {
    consumption_principal_name: String,
    /// The environment team that owns the role; you must be a member.
    group_uri: String,
    /// An IAM role ARN in the environment's account.
    #[graphql(name = "IAMPrincipalArn")]
    iam_principal_arn: String,
    environment_uri: String,
    dataall_managed: PolicyManagementOptions,
}

/// What `updateConsumptionPrincipal` changes; a field left out keeps its value.
#[derive(InputObject)]
pub struct UpdateConsumptionPrincipalInput {
    consumption_principal_name: Option<String>,
    /// Another team of the environment, which you must be in. Refused while shares go to the
    /// role: its team requested them.
    group_uri: Option<String>,
    dataall_managed: PolicyManagementOptions,
}

/// Whether an inline policy is attached: inline role policies belong to their role, so Sluice
/// answers NOTAPPLICABLE.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "EnvironmentIAMPrincipalAttachmentStatus", rename_items = "UPPERCASE")]
pub enum AttachmentStatus {
    NotApplicable,
    Attached,
    NotAttached,
}

/// A policy Sluice writes on a principal's role: an inline policy per share that reaches
/// folders or a bucket of another account (`sluice-share-<shareUri>`).
#[derive(SimpleObject)]
#[graphql(name = "PrincipalManagedPolicy")]
pub struct PrincipalManagedPolicy {
    #[graphql(name = "policy_name")]
    policy_name: String,
    /// Always `SharePolicy`.
    #[graphql(name = "policy_type")]
    policy_type: String,
    /// Whether Sluice has written it, as the share's items record (not read back from IAM).
    exists: bool,
    /// Always NOTAPPLICABLE: the policies are inline.
    attached: AttachmentStatus,
}

impl From<PrincipalPolicy> for PrincipalManagedPolicy {
    fn from(p: PrincipalPolicy) -> Self {
        Self {
            policy_name: p.policy_name,
            policy_type: p.policy_type.to_owned(),
            exists: p.exists,
            attached: AttachmentStatus::NotApplicable,
        }
    }
}

#[derive(InputObject, Default)]
pub struct ConsumptionPrincipalFilter {
    term: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
    group_uri: Option<String>,
}

#[derive(Default)]
pub struct ConsumptionQuery;

/// A page of the environment's consumption principals.
async fn list_principals(
    ctx: &Context<'_>,
    environment_uri: &str,
    filter: Option<ConsumptionPrincipalFilter>,
) -> async_graphql::Result<ConsumptionPrincipalSearchResult> {
    let actor = actor(ctx)?;
    let filter = filter.unwrap_or_default();
    let page = page_of(filter.page, filter.page_size)?;
    let found = core(ctx)?
        .environments()
        .list_consumption_principals(
            actor,
            environment_uri,
            filter.group_uri.as_deref(),
            filter.term.as_deref(),
            page,
        )
        .await
        .gql()?;
    Ok(ConsumptionPrincipalSearchResult(found.map(Into::into)))
}

#[Object]
impl ConsumptionQuery {
    /// Every consumption principal of the environment, whichever team owns it (`groupUri`
    /// keeps one team's; `term` matches names). Needs LIST_ENVIRONMENT_CONSUMPTION_ROLES.
    /// (data.all lists only the caller's teams' here; `listAllEnvironmentConsumptionPrincipals`
    /// is the same list in both.)
    async fn list_environment_consumption_principals(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<ConsumptionPrincipalFilter>,
    ) -> async_graphql::Result<ConsumptionPrincipalSearchResult> {
        list_principals(ctx, &environment_uri, filter).await
    }

    /// Every consumption principal of the environment, whichever team owns it (`groupUri`
    /// keeps one team's; `term` matches names). Needs LIST_ENVIRONMENT_CONSUMPTION_ROLES: the
    /// owning team, and invited teams given it.
    async fn list_all_environment_consumption_principals(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<ConsumptionPrincipalFilter>,
    ) -> async_graphql::Result<ConsumptionPrincipalSearchResult> {
        list_principals(ctx, &environment_uri, filter).await
    }

    /// The consumption principals of your teams, in every environment where one of your teams
    /// holds LIST_ENVIRONMENT_CONSUMPTION_ROLES (`groupUri` keeps one team's; `term` matches
    /// names).
    async fn list_all_consumption_principals(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConsumptionPrincipalFilter>,
    ) -> async_graphql::Result<ConsumptionPrincipalSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .environments()
            .list_all_consumption_principals(actor, filter.group_uri.as_deref(), filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(ConsumptionPrincipalSearchResult(found.map(Into::into)))
    }

    /// The policies Sluice writes on a role of the environment: `IAMPrincipalType` `Group` for a
    /// team's role (`IAMPrincipalName` its role name), `ConsumptionRole` for a consumption role.
    /// One inline policy per share to it that reaches folders or a bucket of another account.
    /// Needs LIST_ENVIRONMENT_CONSUMPTION_ROLES.
    async fn get_consumption_principal_policies(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        #[graphql(name = "IAMPrincipalName")] iam_principal_name: String,
        #[graphql(name = "IAMPrincipalType")] iam_principal_type: String,
    ) -> async_graphql::Result<Vec<PrincipalManagedPolicy>> {
        let actor = actor(ctx)?;
        let policies = core(ctx)?
            .environments()
            .principal_policies(actor, &environment_uri, &iam_principal_name, &iam_principal_type)
            .await;
        Ok(policies.gql()?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct ConsumptionMutation;

#[Object]
impl ConsumptionMutation {
    /// Adds an IAM role of the environment's account for one of its teams. Needs
    /// ADD_ENVIRONMENT_CONSUMPTION_ROLES and membership of the team.
    async fn add_consumption_principal_to_environment(
        &self,
        ctx: &Context<'_>,
        input: AddConsumptionPrincipalToEnvironmentInput,
    ) -> async_graphql::Result<ConsumptionPrincipalGql> {
        let actor = actor(ctx)?;
        let new = NewConsumptionPrincipal {
            environment_uri: input.environment_uri,
            group_uri: input.group_uri,
            name: input.consumption_principal_name,
            principal_arn: input.iam_principal_arn,
            policy_management: input.dataall_managed.as_str().to_owned(),
        };
        core(ctx)?.environments().add_consumption_principal(actor, new).await.gql().map(Into::into)
    }

    /// Renames the principal, moves it to another team of the environment, or changes who
    /// manages its policies. Needs ADD_ENVIRONMENT_CONSUMPTION_ROLES and membership of the
    /// owning team (and of the new one).
    async fn update_consumption_principal(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        consumption_principal_uri: String,
        input: Option<UpdateConsumptionPrincipalInput>,
    ) -> async_graphql::Result<ConsumptionPrincipalGql> {
        let actor = actor(ctx)?;
        let change = input.map(|input| ConsumptionPrincipalChange {
            name: input.consumption_principal_name,
            group_uri: input.group_uri,
            policy_management: input.dataall_managed.as_str().to_owned(),
        });
        core(ctx)?
            .environments()
            .update_consumption_principal(actor, &environment_uri, &consumption_principal_uri, change)
            .await
            .gql()
            .map(Into::into)
    }

    /// Needs ADD_ENVIRONMENT_CONSUMPTION_ROLES and membership of the owning team.
    async fn remove_consumption_principal_from_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        consumption_principal_uri: String,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .remove_consumption_principal(actor, &environment_uri, &consumption_principal_uri)
            .await
            .gql()
    }
}
