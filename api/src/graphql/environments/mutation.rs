use async_graphql::{Context, Object};
use sluice_core::{
    Error,
    environments::{ModifyEnvironment, NewEnvironment, Unsupported},
};

use super::{
    stack::StackGql,
    types::{
        EnvironmentGql, InviteGroupOnEnvironmentInput, ModifyEnvironmentInput, NewEnvironmentInput, flat,
        parameter_pairs,
    },
};
use crate::graphql::{GqlResult, actor, core, to_gql};

#[derive(Default)]
pub struct EnvironmentMutation;

/// What data.all's inputs ask for that Sluice does not do; core refuses it after the
/// permission check.
fn unsupported(
    vpc: &Option<String>,
    subnets: &Option<Vec<Option<String>>>,
    kind: Option<String>,
) -> Unsupported {
    Unsupported {
        network: vpc.as_deref().is_some_and(|v| !v.is_empty()) || !flat(subnets).is_empty(),
        kind: kind.filter(|k| !k.is_empty() && k != "Data"),
    }
}

#[Object]
impl EnvironmentMutation {
    /// Links an AWS account and region. Sluice first assumes the pivot role with the ExternalId
    /// (BAD_USER_INPUT with the reason if it cannot), then stores the environment and queues
    /// its stack deploy. Needs MANAGE_ENVIRONMENTS and LINK_ENVIRONMENT on the organization.
    async fn create_environment(
        &self,
        ctx: &Context<'_>,
        input: NewEnvironmentInput,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        let unsupported = unsupported(&input.vpc_id, &input.subnet_ids, input.kind);
        let new = NewEnvironment {
            label: input.label,
            organization_uri: input.organization_uri,
            saml_group_name: input.saml_group_name,
            aws_account_id: input.aws_account_id,
            region: input.region,
            description: input.description,
            tags: input.tags.as_ref().map(|_| flat(&input.tags)),
            resource_prefix: input.resource_prefix,
            parameters: parameter_pairs(&input.parameters),
            default_role_arn: input.default_role_arn,
            permissions_boundary_policy_arn: input.permissions_boundary_policy_arn,
            unsupported,
        };
        core(ctx)?.environments().create(actor, new).await.gql().map(EnvironmentGql::Member)
    }

    /// Needs UPDATE_ENVIRONMENT. The owning team and resource prefix are fixed.
    async fn update_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        input: ModifyEnvironmentInput,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        let modify = ModifyEnvironment {
            unsupported: unsupported(&input.vpc_id, &input.subnet_ids, None),
            permissions_boundary_policy_arn: input.permissions_boundary_policy_arn,
            label: input.label,
            description: input.description,
            tags: input.tags.as_ref().map(|_| flat(&input.tags)),
            parameters: input.parameters.as_ref().map(|_| parameter_pairs(&input.parameters)),
            saml_group_name: input.saml_group_name,
            resource_prefix: input.resource_prefix,
        };
        core(ctx)?
            .environments()
            .update(actor, &environment_uri, modify)
            .await
            .gql()
            .map(EnvironmentGql::Member)
    }

    /// Has Sluice assume the environment's pivot role with its organization's own ExternalId
    /// (environments linked before organizations had their own use the installation's former
    /// one). Redeploy the pivot role from `getPivotRoleTemplate` first: Sluice reads its trust
    /// policy and refuses, changing nothing, unless it requires the organization's ExternalId.
    /// Needs UPDATE_ENVIRONMENT.
    async fn adopt_organization_external_id(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .adopt_organization_external_id(actor, &environment_uri)
            .await
            .gql()
            .map(EnvironmentGql::Member)
    }

    /// Deletes the environment; with `deleteFromAWS`, its stack too (as a task). Needs
    /// DELETE_ENVIRONMENT.
    async fn delete_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        #[graphql(name = "deleteFromAWS")] delete_from_aws: Option<bool>,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .delete(actor, &environment_uri, delete_from_aws.unwrap_or(false))
            .await
            .gql()
    }

    /// Invites a team; it gets a role in the account (imported when an ARN is given) and the
    /// stack is redeployed. Needs INVITE_ENVIRONMENT_GROUP.
    async fn invite_group_on_environment(
        &self,
        ctx: &Context<'_>,
        input: InviteGroupOnEnvironmentInput,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .invite_group(
                actor,
                &input.environment_uri,
                &input.group_uri,
                &flat(&input.permissions),
                input.environment_iam_role_arn.as_deref(),
            )
            .await
            .gql()
            .map(EnvironmentGql::Member)
    }

    /// Replaces an invited team's permissions; its role follows on the next deploy.
    async fn update_group_environment_permissions(
        &self,
        ctx: &Context<'_>,
        input: InviteGroupOnEnvironmentInput,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .update_group_permissions(
                actor,
                &input.environment_uri,
                &input.group_uri,
                &flat(&input.permissions),
            )
            .await
            .gql()
            .map(EnvironmentGql::Member)
    }

    /// Removes an invited team; the owning team cannot be removed.
    async fn remove_group_from_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        group_uri: String,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .environments()
            .remove_group(actor, &environment_uri, &group_uri)
            .await
            .gql()
            .map(EnvironmentGql::Member)
    }

    /// Redeploys a stack: an environment's (needs UPDATE_ENVIRONMENT) or a dataset's (needs
    /// UPDATE_DATASET; imported datasets have none).
    async fn update_stack(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<StackGql> {
        let actor = actor(ctx)?;
        let core = core(ctx)?;
        match target_type.as_str() {
            sluice_core::environments::RESOURCE_TYPE => {
                core.environments().update_stack(actor, &target_uri).await.gql().map(StackGql)
            }
            sluice_core::datasets::RESOURCE_TYPE => {
                core.datasets().update_stack(actor, &target_uri).await.gql().map(StackGql)
            }
            _ => Err(to_gql(Error::validation("targetType", "use environment or dataset"))),
        }
    }
}
