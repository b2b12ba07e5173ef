use async_graphql::{Context, Object};

use super::types::{CatalogSearchResult, SearchCatalogInput};
use crate::graphql::{GqlResult, actor, core, organizations::page_of};

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Datasets, tables and folders matching free text (names, descriptions, columns; one typo
    /// per word is forgiven) and filters, with facet counts over every match. Every signed-in
    /// user finds every entry unless SLUICE_CATALOG_VISIBILITY=restricted; reading the data
    /// itself still needs a share.
    async fn search_catalog(
        &self,
        ctx: &Context<'_>,
        input: Option<SearchCatalogInput>,
    ) -> async_graphql::Result<CatalogSearchResult> {
        let actor = actor(ctx)?;
        let input = input.unwrap_or_default();
        let page = page_of(input.page, input.page_size)?;
        let query = input.into_query()?;
        let found = core(ctx)?.catalog().search(actor, &query, page).await.gql()?;
        Ok(found.into())
    }
}
