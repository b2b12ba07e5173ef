use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use sluice_core::{
    datasets::DatasetView,
    environments::{Environment, EnvironmentCard, EnvironmentGroup, EnvironmentTeams, UserRole},
    page::Page,
};

use super::{loaders, networks::VpcGql, stack::StackGql};
use crate::graphql::{
    GqlResult, actor, core, datasets::EnvironmentSimplified, organizations::SortDirection, paged::paged,
};

/// An environment: all of it for its teams (GET_ENVIRONMENT), its card for others who reach it
/// through something of theirs (a share into it). Fields a card lacks are null.
pub enum EnvironmentGql {
    Member(Environment),
    Card { card: EnvironmentCard, aws_account_id: Option<String> },
}

#[derive(SimpleObject)]
pub struct EnvironmentParameter {
    key: String,
    value: String,
}

#[derive(SimpleObject)]
pub struct OrganizationSimplified {
    pub organization_uri: ID,
    pub label: String,
    pub name: String,
}

#[Object(name = "Environment")]
impl EnvironmentGql {
    async fn environment_uri(&self) -> ID {
        ID(match self {
            Self::Member(e) => e.environment_uri.clone(),
            Self::Card { card, .. } => card.environment_uri.clone(),
        })
    }
    async fn label(&self) -> &str {
        match self {
            Self::Member(e) => &e.label,
            Self::Card { card, .. } => &card.label,
        }
    }
    /// The environment stack's name in CloudFormation.
    async fn name(&self) -> &str {
        match self {
            Self::Member(e) => &e.name,
            Self::Card { card, .. } => &card.name,
        }
    }
    async fn description(&self) -> Option<&str> {
        self.member().and_then(|e| e.description.as_deref())
    }
    async fn owner(&self) -> Option<&str> {
        self.member().map(|e| e.owner.as_str())
    }
    async fn created(&self) -> Option<String> {
        self.member().map(|e| e.created.to_rfc3339())
    }
    async fn updated(&self) -> Option<String> {
        self.member().map(|e| e.updated.to_rfc3339())
    }
    async fn tags(&self) -> Option<&[String]> {
        self.member().map(|e| e.tags.as_slice())
    }
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self) -> Option<&str> {
        match self {
            Self::Member(e) => Some(&e.aws_account_id),
            Self::Card { aws_account_id, .. } => aws_account_id.as_deref(),
        }
    }
    async fn region(&self) -> &str {
        match self {
            Self::Member(e) => &e.region,
            Self::Card { card, .. } => &card.region,
        }
    }
    /// The owning team.
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> &str {
        match self {
            Self::Member(e) => &e.saml_group_name,
            Self::Card { card, .. } => &card.saml_group_name,
        }
    }
    async fn resource_prefix(&self) -> Option<&str> {
        self.member().map(|e| e.resource_prefix.as_str())
    }
    /// The pivot role's name in the account.
    async fn pivot_role_name(&self) -> Option<&str> {
        self.member().map(|e| e.pivot_role_name.as_str())
    }
    /// The permissions boundary the environment's stacks put on every role they create, instead
    /// of the one shipped with the pivot role: a policy of the account named
    /// `<pivotRoleName>-boundary…`. Null: the pivot role's own, and for callers outside the
    /// environment's teams.
    #[graphql(name = "PermissionsBoundaryPolicyArn")]
    async fn permissions_boundary_policy_arn(&self) -> Option<&str> {
        self.member().and_then(|e| e.permissions_boundary_policy_arn.as_deref())
    }
    async fn parameters(&self) -> Option<Vec<EnvironmentParameter>> {
        self.member().map(|e| {
            e.parameters
                .iter()
                .map(|(k, v)| EnvironmentParameter { key: k.clone(), value: v.clone() })
                .collect()
        })
    }
    async fn user_role_in_environment(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<EnvironmentPermission> {
        let actor = actor(ctx)?;
        Ok(match self {
            Self::Member(e) => e.role_of(actor),
            Self::Card { card, .. } => card.role_of(actor),
        }
        .into())
    }
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<OrganizationSimplified> {
        Ok(match self {
            Self::Member(e) => {
                let org = core(ctx)?.environments().organization_of(actor(ctx)?, e).await.gql()?;
                OrganizationSimplified {
                    organization_uri: ID(org.organization_uri),
                    label: org.label,
                    name: org.name,
                }
            }
            Self::Card { card, .. } => OrganizationSimplified {
                organization_uri: ID(card.organization_uri.clone()),
                label: card.organization_label.clone(),
                name: card.organization_name.clone(),
            },
        })
    }
    /// Null for callers outside the environment's teams. Loaded for a whole page of
    /// environments at once.
    async fn stack(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StackGql>> {
        let Some(e) = self.member() else { return Ok(None) };
        Ok(loaders::stack(ctx, &e.environment_uri).await?.map(StackGql))
    }
    /// Deleted environments are removed, so this is always null.
    async fn deleted(&self) -> Option<String> {
        None
    }
    /// Every environment is a data environment.
    async fn environment_type(&self) -> &'static str {
        "Data"
    }
    /// The teams with every permission: the owning team.
    async fn admins(&self) -> Vec<String> {
        vec![match self {
            Self::Member(e) => e.saml_group_name.clone(),
            Self::Card { card, .. } => card.saml_group_name.clone(),
        }]
    }
    /// The owning team's role in the account.
    #[graphql(name = "EnvironmentDefaultIAMRoleArn")]
    async fn default_role_arn(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.owner_group(ctx).await?.map(|g| g.role_arn))
    }
    #[graphql(name = "EnvironmentDefaultIAMRoleName")]
    async fn default_role_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.owner_group(ctx).await?.map(|g| g.role_name))
    }
    #[graphql(name = "EnvironmentDefaultIAMRoleImported")]
    async fn default_role_imported(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        Ok(self.owner_group(ctx).await?.map(|g| g.role_imported))
    }
    /// From the stack's outputs; null until the stack has deployed.
    #[graphql(name = "EnvironmentDefaultBucketName")]
    async fn default_bucket_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        self.output(ctx, "DataBucketName").await
    }
    /// From the stack's outputs; null until the stack has deployed.
    #[graphql(name = "EnvironmentLogsBucketName")]
    async fn logs_bucket_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        self.output(ctx, "AccessLogsBucketName").await
    }
    /// Always null: Sluice creates no Athena workgroups.
    #[graphql(name = "EnvironmentDefaultAthenaWorkGroup")]
    async fn default_athena_work_group(&self) -> Option<&str> {
        None
    }
    /// The datasets of the environment, as `listDatasetsCreatedInEnvironment` lists them to you
    /// (the same check, GET_ENVIRONMENT, and its first page: 10 by label), as JSON, because
    /// data.all types this field as a string: `{"count", "page", "pages", "pageSize", "hasNext",
    /// "hasPrevious", "nodes": [{"datasetUri", "label", "name", "SamlAdminGroupName"}]}`. Page
    /// on with that query. Loaded for a whole page of environments at once. Null for callers
    /// outside the environment's teams.
    async fn datasets(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let Some(e) = self.member() else { return Ok(None) };
        Ok(loaders::datasets(ctx, &e.environment_uri).await?.as_ref().map(datasets_json))
    }
    /// Always false: data.all's default environment of an organization has no counterpart in
    /// Sluice, where every environment is linked alike.
    async fn is_organization_default_environment(&self) -> bool {
        false
    }
    /// The VPCs registered in the environment; empty for callers without
    /// LIST_ENVIRONMENT_NETWORKS.
    async fn networks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<VpcGql>> {
        let Some(e) = self.member() else { return Ok(Vec::new()) };
        let found = core(ctx)?.environments().networks_of(actor(ctx)?, &e.environment_uri).await.gql()?;
        Ok(found.into_iter().map(VpcGql).collect())
    }
    /// Whether the environment stack, which creates the teams' roles, has deployed: true once a
    /// deploy completed (`stack.status` CREATE_COMPLETE or UPDATE_…, or a redeploy running
    /// after one), false before. Null for callers outside the environment's teams.
    async fn role_created(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        let Some(e) = self.member() else { return Ok(None) };
        Ok(loaders::stack(ctx, &e.environment_uri).await?.map(|s| s.has_deployed()))
    }
    /// Always true: Sluice stores an environment only after assuming its pivot role and
    /// checking the role's trust policy.
    async fn validated(&self) -> bool {
        true
    }
    /// Always false: data.all's SNS topics for dataset changes are not part of Sluice.
    async fn subscriptions_enabled(&self) -> bool {
        false
    }
    /// Always false: Sluice has no SNS topics (see `subscriptionsEnabled`).
    async fn subscriptions_producers_topic_imported(&self) -> bool {
        false
    }
    /// Always false: Sluice has no SNS topics (see `subscriptionsEnabled`).
    async fn subscriptions_consumers_topic_imported(&self) -> bool {
        false
    }
    /// Always null: Sluice has no SNS topics (see `subscriptionsEnabled`).
    async fn subscriptions_consumers_topic_name(&self) -> Option<&str> {
        None
    }
    /// Always null: Sluice has no SNS topics (see `subscriptionsEnabled`).
    async fn subscriptions_producers_topic_name(&self) -> Option<&str> {
        None
    }
}

/// A page of an environment's datasets in data.all's paged shape, as JSON.
fn datasets_json(page: &Page<DatasetView>) -> String {
    let nodes: Vec<serde_json::Value> = page
        .nodes
        .iter()
        .map(|d| {
            let d = d.entry();
            serde_json::json!({
                "datasetUri": d.dataset_uri,
                "label": d.label,
                "name": d.name,
                "SamlAdminGroupName": d.saml_admin_group_name,
            })
        })
        .collect();
    serde_json::json!({
        "count": page.count,
        "page": page.page,
        "pages": page.pages(),
        "pageSize": page.page_size,
        "hasNext": page.has_next(),
        "hasPrevious": page.has_previous(),
        "nodes": nodes,
    })
    .to_string()
}

impl EnvironmentGql {
    /// A share's target or source environment as its participants see it.
    pub(crate) fn for_share(card: EnvironmentCard, share: &sluice_core::shares::Share) -> Self {
        let aws_account_id = card.aws_account_id_for_share(share).map(str::to_owned);
        Self::Card { card, aws_account_id }
    }

    fn member(&self) -> Option<&Environment> {
        match self {
            Self::Member(e) => Some(e),
            Self::Card { .. } => None,
        }
    }

    async fn owner_group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EnvironmentGroup>> {
        let Some(e) = self.member() else { return Ok(None) };
        let page = sluice_core::page::PageRequest::new(Some(1), Some(100)).gql()?;
        let groups = core(ctx)?
            .environments()
            .list_groups(actor(ctx)?, &e.environment_uri, EnvironmentTeams::All, None, page)
            .await;
        // Readers without LIST_ENVIRONMENT_GROUPS do not see the owner's role.
        Ok(groups.ok().and_then(|p| p.nodes.into_iter().find(|g| g.group_uri == e.saml_group_name)))
    }

    async fn output(&self, ctx: &Context<'_>, key: &str) -> async_graphql::Result<Option<String>> {
        let Some(e) = self.member() else { return Ok(None) };
        let Some(stack) = loaders::stack(ctx, &e.environment_uri).await? else { return Ok(None) };
        let outputs: Option<serde_json::Value> =
            stack.outputs.as_deref().and_then(|o| serde_json::from_str(o).ok());
        Ok(outputs.and_then(|o| o.get(key).and_then(|v| v.as_str()).map(str::to_owned)))
    }
}

paged!(EnvironmentSearchResult, EnvironmentGql);
paged!(EnvironmentSimplifiedSearchResult, EnvironmentSimplified);

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum EnvironmentPermission {
    Owner,
    Admin,
    DatasetCreator,
    Invited,
    ProjectAccess,
    NotInvited,
}

impl From<UserRole> for EnvironmentPermission {
    fn from(r: UserRole) -> Self {
        match r {
            UserRole::Owner => Self::Owner,
            UserRole::Admin => Self::Admin,
            UserRole::DatasetCreator => Self::DatasetCreator,
            UserRole::Invited => Self::Invited,
            UserRole::ProjectAccess => Self::ProjectAccess,
            UserRole::NotInvited => Self::NotInvited,
        }
    }
}

#[derive(InputObject, Default)]
pub struct ModifyEnvironmentParameterInput {
    pub key: Option<String>,
    pub value: Option<String>,
}

pub fn parameter_pairs(
    items: &Option<Vec<Option<ModifyEnvironmentParameterInput>>>,
) -> Vec<(String, String)> {
    items
        .iter()
        .flatten()
        .flatten()
        .map(|p| (p.key.clone().unwrap_or_default(), p.value.clone().unwrap_or_default()))
        .collect()
}

#[derive(InputObject)]
pub struct NewEnvironmentInput {
    pub label: String,
    pub organization_uri: String,
    #[graphql(name = "SamlGroupName")]
    pub saml_group_name: String,
    pub tags: Option<Vec<Option<String>>>,
    pub description: Option<String>,
    #[graphql(name = "AwsAccountId")]
    pub aws_account_id: String,
    pub region: String,
    /// An existing role for the owning team, in the environment's account.
    #[graphql(name = "EnvironmentDefaultIAMRoleArn")]
    pub default_role_arn: Option<String>,
    pub resource_prefix: Option<String>,
    pub parameters: Option<Vec<Option<ModifyEnvironmentParameterInput>>>,
    /// data.all's network options; Sluice provisions no VPC, so these must be empty.
    pub vpc_id: Option<String>,
    pub subnet_ids: Option<Vec<Option<String>>>,
    /// data.all's environment type; only `Data` (or nothing) is accepted.
    #[graphql(name = "type")]
    pub kind: Option<String>,
    /// An IAM managed policy of the account, named `<pivotRoleName>-boundary…` (no path), that
    /// the environment's stacks put on every role they create as its permissions boundary,
    /// instead of the one shipped with the pivot role. Only the account owner can make such a
    /// policy, which is how they allow it.
    #[graphql(name = "PermissionsBoundaryPolicyArn")]
    pub permissions_boundary_policy_arn: Option<String>,
}

#[derive(InputObject, Default)]
pub struct ModifyEnvironmentInput {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    /// The owning team cannot change; a different value is refused.
    #[graphql(name = "SamlGroupName")]
    pub saml_group_name: Option<String>,
    /// Fixed at link time; a different value is refused.
    pub resource_prefix: Option<String>,
    pub parameters: Option<Vec<Option<ModifyEnvironmentParameterInput>>>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Option<Vec<Option<String>>>,
    /// As on `NewEnvironmentInput`; empty goes back to the pivot role's boundary. A change
    /// redeploys the environment stack.
    #[graphql(name = "PermissionsBoundaryPolicyArn")]
    pub permissions_boundary_policy_arn: Option<String>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum EnvironmentSortField {
    Name,
}

#[derive(InputObject)]
pub struct EnvironmentSortCriteria {
    pub field: EnvironmentSortField,
    pub direction: SortDirection,
}

#[derive(InputObject, Default)]
pub struct EnvironmentFilter {
    pub term: Option<String>,
    pub page: Option<i32>,
    pub display_archived: Option<bool>,
    pub roles: Option<Vec<Option<EnvironmentPermission>>>,
    pub quicksight: Option<bool>,
    #[graphql(name = "SamlGroupName")]
    pub saml_group_name: Option<String>,
    pub sort: Option<Vec<Option<EnvironmentSortCriteria>>>,
    pub page_size: Option<i32>,
}

#[derive(InputObject)]
pub struct InviteGroupOnEnvironmentInput {
    pub permissions: Option<Vec<Option<String>>>,
    pub environment_uri: String,
    pub group_uri: String,
    /// An existing role the team brings, in the environment's account.
    #[graphql(name = "environmentIAMRoleArn")]
    pub environment_iam_role_arn: Option<String>,
}

pub fn flat(items: &Option<Vec<Option<String>>>) -> Vec<String> {
    items.iter().flatten().flatten().cloned().collect()
}
