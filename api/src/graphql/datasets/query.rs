use async_graphql::{Context, Object};
use sluice_core::datasets::UserRole;

use super::{
    inputs::DatasetFilter,
    types::{
        DatasetBaseGql, DatasetBaseSearchResult, DatasetGql, DatasetItemsSearchResult, DatasetSearchResult,
    },
};
use crate::graphql::{GqlResult, actor, core, organizations::page_of, read_cache::cached};

#[derive(Default)]
pub struct DatasetQuery;

#[Object]
impl DatasetQuery {
    /// Any signed-in user may read a dataset's catalog entry, to request access to it; its
    /// `restricted` part and its stack need GET_DATASET (the admin team and the stewards).
    async fn get_dataset(&self, ctx: &Context<'_>, dataset_uri: String) -> async_graphql::Result<DatasetGql> {
        let actor = actor(ctx)?;
        let load = || async { core(ctx)?.datasets().get(actor, &dataset_uri).await.gql().map(Some) };
        match cached(ctx, |c| &c.datasets, |r| (r.viewer(), dataset_uri.clone()), load).await? {
            Some(view) => Ok(DatasetGql(view)),
            // The batch loader keeps "not visible" as None; core says why, as it would uncached.
            None => core(ctx)?.datasets().get(actor, &dataset_uri).await.gql().map(DatasetGql),
        }
    }

    /// Datasets your teams may read.
    async fn list_datasets(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetFilter>,
    ) -> async_graphql::Result<DatasetBaseSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let filter = filter.to_core()?;
        let load = || async { core(ctx)?.datasets().list(actor, &filter, page).await.gql() };
        let found = cached(ctx, |c| &c.dataset_pages, |r| (r.viewer(), filter.clone(), page), load).await?;
        Ok(DatasetBaseSearchResult(found.map(DatasetBaseGql)))
    }

    /// Datasets you created or whose admin team you are in (unless `roles` says otherwise).
    async fn list_owned_datasets(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetFilter>,
    ) -> async_graphql::Result<DatasetBaseSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let mut core_filter = filter.to_core()?;
        if core_filter.roles.is_empty() {
            core_filter.roles = vec![UserRole::Creator, UserRole::Admin];
        }
        let found = core(ctx)?.datasets().list(actor, &core_filter, page).await.gql()?;
        Ok(DatasetBaseSearchResult(found.map(DatasetBaseGql)))
    }

    /// Every dataset of an environment. Needs GET_ENVIRONMENT: the environment's teams.
    async fn list_datasets_created_in_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<DatasetFilter>,
    ) -> async_graphql::Result<DatasetBaseSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .datasets()
            .list_in_environment(actor, &environment_uri, &filter.to_core()?, page)
            .await
            .gql()?;
        Ok(DatasetBaseSearchResult(found.map(DatasetBaseGql)))
    }

    /// The datasets a team of yours administers in an environment.
    #[graphql(name = "listS3DatasetsOwnedByEnvGroup")]
    async fn list_s3_datasets_owned_by_env_group(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        group_uri: String,
        filter: Option<DatasetFilter>,
    ) -> async_graphql::Result<DatasetSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .datasets()
            .list_owned_by_team(actor, &environment_uri, &group_uri, &filter.to_core()?, page)
            .await
            .gql()?;
        Ok(DatasetSearchResult(found.map(DatasetGql)))
    }

    /// A dataset's tables and folders as one list, by name, as data.all's
    /// `listDatasetTablesFolders` gives them for pickers. Like the dataset's `tables` and
    /// `locations`, this is catalog information: everyone who may find the dataset may list
    /// them (every signed-in user, unless the catalog is restricted). Of the filter, `term`
    /// (matching names), `page` and `pageSize` apply; the rest are about datasets and are
    /// ignored, as in data.all.
    async fn list_dataset_tables_folders(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        filter: Option<DatasetFilter>,
    ) -> async_graphql::Result<DatasetItemsSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .datasets()
            .list_items(actor, &dataset_uri, filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(DatasetItemsSearchResult(found.map(Into::into)))
    }
}
