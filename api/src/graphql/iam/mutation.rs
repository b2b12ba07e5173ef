use async_graphql::{Context, Object};

use super::types::{IamPrincipalMappingGql, IamPrincipalMappingInputGql};
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct IamPrincipalMappingMutation;

#[Object]
impl IamPrincipalMappingMutation {
    /// Lets AWS principals matching `arnPattern` sign in as `username` in `groups`. Platform
    /// admins only; a second mapping for the same pattern is a CONFLICT.
    async fn create_iam_principal_mapping(
        &self,
        ctx: &Context<'_>,
        input: IamPrincipalMappingInputGql,
    ) -> async_graphql::Result<IamPrincipalMappingGql> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.iam_principals().create(actor, input.into()).await.gql()?.into())
    }

    /// Replaces a mapping's pattern, user and teams. Platform admins only.
    async fn update_iam_principal_mapping(
        &self,
        ctx: &Context<'_>,
        mapping_uri: String,
        input: IamPrincipalMappingInputGql,
    ) -> async_graphql::Result<IamPrincipalMappingGql> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.iam_principals().update(actor, &mapping_uri, input.into()).await.gql()?.into())
    }

    /// Removes a mapping; its principals can no longer sign in. Platform admins only.
    async fn delete_iam_principal_mapping(
        &self,
        ctx: &Context<'_>,
        mapping_uri: String,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?.iam_principals().delete(actor, &mapping_uri).await.gql()?;
        Ok(true)
    }
}
