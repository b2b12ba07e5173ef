use async_graphql::{Context, Object};
use sluice_core::authz::{Permission, sets};

use super::types::{DescribedPermission, PermissionGql};
use crate::graphql::{
    GqlResult, actor, core,
    organizations::{GroupFilter, GroupSearchResult, page_of},
};

#[derive(Default)]
pub struct PermissionQuery;

#[Object]
impl PermissionQuery {
    /// Every tenant permission. Platform admins only.
    async fn list_tenant_permissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PermissionGql>> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?
            .tenant()
            .list_permissions(actor)
            .gql()?
            .iter()
            .map(|p| PermissionGql::tenant(*p))
            .collect())
    }

    /// Every group that has signed in or been given tenant permissions, with those permissions.
    /// Platform admins only.
    async fn list_tenant_groups(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?.tenant().list_groups(actor, filter.term.as_deref(), page).await.gql()?;
        Ok(GroupSearchResult(found.map(Into::into)))
    }

    /// Your own teams: the groups of your sign-in, as Sluice knows you by them. `userid` must
    /// be your username (the `cognito:username` claim by default). data.all asks its user pool
    /// about anyone; Sluice knows a user's teams only from that user's own sign-in, so asking
    /// about anyone else is FORBIDDEN, for platform admins too (data.all refuses another user's
    /// `userid` as well).
    async fn get_groups_for_user(
        &self,
        ctx: &Context<'_>,
        userid: String,
    ) -> async_graphql::Result<Vec<String>> {
        Ok(actor(ctx)?.teams_of(&userid).gql()?.to_vec())
    }

    /// What a team holds on an organization. Needs GET_ORGANIZATION.
    async fn list_organization_group_permissions(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
        group_uri: String,
    ) -> async_graphql::Result<Vec<PermissionGql>> {
        let actor = actor(ctx)?;
        let names =
            core(ctx)?.organizations().group_permissions(actor, &organization_uri, &group_uri).await.gql()?;
        Ok(names.into_iter().map(PermissionGql::of).collect())
    }

    /// The permissions an inviter may give a team invited to an organization.
    async fn list_invite_organization_permissions_with_descriptions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<DescribedPermission>> {
        actor(ctx)?;
        Ok(sets::ORGANIZATION_INVITABLE
            .iter()
            .map(|p| DescribedPermission {
                name: p.name().to_owned(),
                description: p.description().to_owned(),
            })
            .collect())
    }
}
