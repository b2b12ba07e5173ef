use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use sluice_core::{
    Error,
    environments::{Environment, EnvironmentCard, EnvironmentGroup, Stack, StackResource, UserRole},
};

use crate::graphql::{GqlResult, actor, core, organizations::SortDirection, paged::paged, to_gql};

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
    /// Null for callers outside the environment's teams.
    async fn stack(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StackGql>> {
        let Some(e) = self.member() else { return Ok(None) };
        core(ctx)?
            .environments()
            .stack(actor(ctx)?, &e.environment_uri)
            .await
            .gql()
            .map(|s| Some(StackGql(s)))
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
        let groups = core(ctx)?.environments().list_groups(actor(ctx)?, &e.environment_uri, page).await;
        // Readers without LIST_ENVIRONMENT_GROUPS do not see the owner's role.
        Ok(groups.ok().and_then(|p| p.nodes.into_iter().find(|g| g.group_uri == e.saml_group_name)))
    }

    async fn output(&self, ctx: &Context<'_>, key: &str) -> async_graphql::Result<Option<String>> {
        let Some(e) = self.member() else { return Ok(None) };
        let stack = core(ctx)?.environments().stack(actor(ctx)?, &e.environment_uri).await.gql()?;
        let outputs: Option<serde_json::Value> =
            stack.outputs.as_deref().and_then(|o| serde_json::from_str(o).ok());
        Ok(outputs.and_then(|o| o.get(key).and_then(|v| v.as_str()).map(str::to_owned)))
    }
}

paged!(EnvironmentSearchResult, EnvironmentGql);

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

/// An environment's CloudFormation stack.
pub struct StackGql(pub Stack);

/// How many stacks one request may ask `resources` of: each asks AWS (as many as a default page
/// of datasets).
pub const MAX_STACK_RESOURCE_LOOKUPS: usize = 10;

/// The `resources` lookups one request has made; the HTTP handler gives every request its own.
#[derive(Default)]
pub struct StackResourceLookups(AtomicUsize);

impl StackResourceLookups {
    /// Counts one more lookup, or refuses it past the limit.
    fn spend(&self) -> async_graphql::Result<()> {
        if self.0.fetch_add(1, Ordering::Relaxed) < MAX_STACK_RESOURCE_LOOKUPS {
            return Ok(());
        }
        Err(to_gql(Error::validation(
            "resources",
            format!(
                "one request reads the resources of at most {MAX_STACK_RESOURCE_LOOKUPS} stacks from AWS; \
                 ask for `resources` of fewer stacks at once (a smaller page, or getStack)"
            ),
        )))
    }
}

/// `[{"logicalId", "physicalId", "type", "status"}]`, as data.all's `Stack.resources` is a JSON
/// string of the stack's resources.
fn resources_json(resources: &[StackResource]) -> String {
    let list: Vec<serde_json::Value> = resources
        .iter()
        .map(|r| {
            serde_json::json!({
                "logicalId": r.logical_id,
                "physicalId": r.physical_id,
                "type": r.resource_type,
                "status": r.status,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[Object(name = "Stack")]
impl StackGql {
    async fn stack_uri(&self) -> ID {
        ID(self.0.stack_uri.clone())
    }
    async fn target_uri(&self) -> &str {
        &self.0.target_uri
    }
    /// The target's type, e.g. `environment`.
    async fn stack(&self) -> &str {
        &self.0.target_type
    }
    async fn environment_uri(&self) -> &str {
        &self.0.environment_uri
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn accountid(&self) -> &str {
        &self.0.account_id
    }
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// PENDING before the first deploy, then CloudFormation's status (CREATE_COMPLETE, …).
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn stackid(&self) -> Option<&str> {
        self.0.stack_id.as_deref()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    /// The CloudFormation console page of the stack, once it exists.
    async fn link(&self) -> Option<String> {
        self.0.stack_id.as_ref().map(|id| {
            format!(
                "https://{r}.console.aws.amazon.com/cloudformation/home?region={r}#/stacks/stackinfo?stackId={id}",
                r = self.0.region
            )
        })
    }
    /// Output name → value, as JSON.
    async fn outputs(&self) -> Option<&str> {
        self.0.outputs.as_deref()
    }
    /// The latest deploy's events, newest first, as JSON.
    async fn events(&self) -> Option<&str> {
        self.0.events.as_deref()
    }
    /// Why the latest deploy failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// The latest deploy or delete task; follow it with getTask.
    async fn task_uri(&self) -> Option<&str> {
        self.0.task_uri.as_deref()
    }
    /// Stack events are readable by everyone who can read the environment.
    async fn can_view_logs(&self) -> bool {
        true
    }
    /// What the stack holds, read from CloudFormation when this field is asked for (one AWS
    /// call per stack, for at most 10 stacks per request): a JSON array of `{"logicalId",
    /// "physicalId", "type", "status"}`. Needs GET_ENVIRONMENT or GET_DATASET, as the stack
    /// does. Null before the stack's first deploy, when CloudFormation has no such stack, and
    /// when Sluice runs without AWS.
    async fn resources(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let actor = actor(ctx)?;
        ctx.data::<StackResourceLookups>()
            .map_err(|_| to_gql(Error::Internal("the request has no lookup budget attached".into())))?
            .spend()?;
        let found = core(ctx)?
            .environments()
            .stack_resources(actor, &self.0.target_type, &self.0.target_uri)
            .await
            .gql()?;
        Ok(found.as_deref().map(resources_json))
    }
}

#[derive(SimpleObject)]
pub struct StackLog {
    log_stream: Option<String>,
    log_group: Option<String>,
    timestamp: Option<String>,
    message: Option<String>,
}

impl StackLog {
    /// One CloudFormation event as a log line.
    pub fn from_event(event: &serde_json::Value) -> Self {
        let field = |k: &str| event.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let mut message = format!("{} {} {}", field("logicalId"), field("resourceType"), field("status"));
        let reason = field("reason");
        if !reason.is_empty() {
            message.push_str(": ");
            message.push_str(&reason);
        }
        Self {
            log_stream: None,
            log_group: Some("cloudformation".into()),
            timestamp: event.get("timestamp").and_then(|v| v.as_str()).map(str::to_owned),
            message: Some(message),
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
