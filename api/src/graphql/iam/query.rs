use async_graphql::{Context, Object};

use super::types::IamPrincipalMappingGql;
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct IamPrincipalMappingQuery;

#[Object]
impl IamPrincipalMappingQuery {
    /// Every IAM principal mapping, by pattern. Platform admins only.
    async fn list_iam_principal_mappings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<IamPrincipalMappingGql>> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.iam_principals().list(actor).await.gql()?.into_iter().map(Into::into).collect())
    }
}
