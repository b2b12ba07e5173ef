use async_graphql::{Context, Object};

use super::types::{
    InviteGroupToOrganizationInput, ModifyOrganizationInput, NewOrganizationInput, OrganizationGql,
};
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Creates an organization whose admin team is `SamlGroupName`. Needs MANAGE_ORGANIZATIONS.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: Option<NewOrganizationInput>,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .organizations()
            .create(actor, input.unwrap_or_default().into())
            .await
            .gql()
            .map(OrganizationGql)
    }

    /// Needs UPDATE_ORGANIZATION.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
        input: ModifyOrganizationInput,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .organizations()
            .update(actor, &organization_uri, input.into())
            .await
            .gql()
            .map(OrganizationGql)
    }

    /// Archives the organization. Needs DELETE_ORGANIZATION. Repeating it is harmless.
    async fn archive_organization(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?.organizations().archive(actor, &organization_uri).await.gql()
    }

    /// Invites a team. Needs INVITE_ORGANIZATION_GROUP. A team already in is a CONFLICT.
    async fn invite_group_to_organization(
        &self,
        ctx: &Context<'_>,
        input: InviteGroupToOrganizationInput,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let permissions = input.permission_names();
        core(ctx)?
            .organizations()
            .invite_group(actor, &input.organization_uri, &input.group_uri, &permissions)
            .await
            .gql()
            .map(OrganizationGql)
    }

    /// Replaces an invited team's permissions. Needs INVITE_ORGANIZATION_GROUP.
    async fn update_organization_group(
        &self,
        ctx: &Context<'_>,
        input: InviteGroupToOrganizationInput,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        let permissions = input.permission_names();
        core(ctx)?
            .organizations()
            .update_group(actor, &input.organization_uri, &input.group_uri, &permissions)
            .await
            .gql()
            .map(OrganizationGql)
    }

    /// Removes an invited team. Needs REMOVE_ORGANIZATION_GROUP; the admin team cannot be removed.
    async fn remove_group_from_organization(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
        group_uri: String,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        core(ctx)?
            .organizations()
            .remove_group(actor, &organization_uri, &group_uri)
            .await
            .gql()
            .map(OrganizationGql)
    }
}
