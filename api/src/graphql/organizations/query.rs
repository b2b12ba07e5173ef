use async_graphql::{Context, Object};

use super::types::{
    GroupFilter, GroupSearchResult, OrganizationFilter, OrganizationGql, OrganizationSearchResult, page_of,
};
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// An organization you belong to. FORBIDDEN otherwise.
    async fn get_organization(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<OrganizationGql> {
        let actor = actor(ctx)?;
        core(ctx)?.organizations().get(actor, &organization_uri).await.gql().map(OrganizationGql)
    }

    /// Organizations where one of your teams is the admin team or invited.
    async fn list_organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<OrganizationSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?.organizations().list(actor, &(&filter).into(), page).await.gql()?;
        Ok(OrganizationSearchResult(found.map(OrganizationGql)))
    }

    /// The teams of an organization, the admin team included.
    async fn list_organization_groups(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .organizations()
            .list_groups(actor, &organization_uri, filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(GroupSearchResult(found.map(Into::into)))
    }
}
