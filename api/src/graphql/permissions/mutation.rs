use async_graphql::{Context, Object};

use super::types::UpdateGroupTenantPermissionsInput;
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct PermissionMutation;

#[Object]
impl PermissionMutation {
    /// Replaces a group's tenant permissions. Platform admins only.
    async fn update_group_tenant_permissions(
        &self,
        ctx: &Context<'_>,
        input: UpdateGroupTenantPermissionsInput,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        let permissions: Vec<String> = input.permissions.iter().flatten().flatten().cloned().collect();
        core(ctx)?.tenant().update_group_permissions(actor, &input.group_uri, &permissions).await.gql()?;
        Ok(true)
    }
}
