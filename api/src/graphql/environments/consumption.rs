//! Consumption principals in data.all's dialect.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use sluice_core::environments::{ConsumptionPrincipal, NewConsumptionPrincipal};

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
