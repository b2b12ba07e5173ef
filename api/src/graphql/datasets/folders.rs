//! Dataset folders (data.all's storage locations): named S3 prefixes of the dataset's bucket.

use async_graphql::{Context, ID, InputObject, Object};
use sluice_core::{
    Error,
    datasets::{DatasetFolder, DatasetView, ModifyFolder, NewFolder},
};

use super::{
    loaders::dataset,
    types::{DatasetGql, DatasetRestrictedInformation, DatasetRole},
};
use crate::graphql::{
    GqlResult, actor, core, environments::flat, glossaries, organizations::page_of, paged::paged,
    read_cache::cached, to_gql,
};

pub struct FolderGql(pub DatasetFolder);

#[Object(name = "DatasetStorageLocation")]
impl FolderGql {
    async fn location_uri(&self) -> ID {
        ID(self.0.location_uri.clone())
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The prefix, as the folder's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// Glossary terms linked here, approved or waiting for the glossary's team.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermSearchResult> {
        glossaries::terms_of(ctx, &self.0.location_uri, filter).await
    }
    /// The links of those terms, each saying whether the glossary's team approved it.
    async fn term_links(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermLinkSearchResults> {
        glossaries::term_links_of(ctx, &self.0.location_uri, filter).await
    }
    /// The prefix in the dataset's bucket, without leading or trailing `/`.
    #[graphql(name = "S3Prefix")]
    async fn s3_prefix(&self) -> &str {
        &self.0.s3_prefix
    }
    /// Whether the prefix was put in S3; it is before the folder is stored.
    async fn location_created(&self) -> bool {
        self.0.location_created
    }
    async fn dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DatasetGql>> {
        Ok(dataset(ctx, &self.0.dataset_uri).await?.map(DatasetGql))
    }
    /// Where its dataset lives in AWS. Needs GET_DATASET.
    async fn restricted(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRestrictedInformation> {
        let d = dataset(ctx, &self.0.dataset_uri)
            .await?
            .ok_or_else(|| to_gql(Error::NotFound { kind: "dataset", uri: self.0.dataset_uri.clone() }))?;
        DatasetRestrictedInformation::of(&d)
    }
    /// Your role on the folder's dataset.
    async fn user_role_for_storage_location(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRole> {
        let actor = actor(ctx)?;
        Ok(dataset(ctx, &self.0.dataset_uri)
            .await?
            .map_or(DatasetRole::NoPermission, |d| d.entry().role_of(actor).into()))
    }
    /// Sluice serves no per-environment endpoints: always null.
    async fn environment_end_point(&self) -> Option<String> {
        None
    }
}

paged!(DatasetStorageLocationSearchResult, FolderGql);

#[derive(InputObject, Default)]
pub struct DatasetStorageLocationFilter {
    /// Matches label, prefix and description.
    pub term: Option<String>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

#[derive(InputObject)]
pub struct NewDatasetStorageLocationInput {
    pub label: String,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    /// Glossaries are not part of Sluice: leave it out or empty.
    pub terms: Option<Vec<Option<String>>>,
    /// The prefix in the dataset's bucket, e.g. `raw/orders`.
    pub prefix: String,
}

#[derive(InputObject, Default)]
pub struct ModifyDatasetStorageLocationInput {
    /// Ignored: the argument names the folder.
    pub location_uri: Option<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    pub terms: Option<Vec<Option<String>>>,
}

/// The folders of a dataset the caller sees: the same for every caller who may see it, so one
/// dataset's pages are cached without the caller in the key.
pub(super) async fn folders_of(
    ctx: &Context<'_>,
    dataset: &DatasetView,
    filter: Option<DatasetStorageLocationFilter>,
) -> async_graphql::Result<DatasetStorageLocationSearchResult> {
    let filter = filter.unwrap_or_default();
    let page = page_of(filter.page, filter.page_size)?;
    let uri = dataset.entry().dataset_uri.clone();
    let load =
        || async { core(ctx)?.datasets().folders_of(dataset, filter.term.as_deref(), page).await.gql() };
    let found = cached(ctx, |c| &c.folders, |_| (uri, filter.term.clone(), page), load).await?;
    Ok(DatasetStorageLocationSearchResult(found.map(FolderGql)))
}

#[derive(Default)]
pub struct FolderQuery;

#[Object]
impl FolderQuery {
    /// Any signed-in user may read a folder's catalog entry; `restricted` needs GET_DATASET.
    async fn get_dataset_storage_location(
        &self,
        ctx: &Context<'_>,
        location_uri: String,
    ) -> async_graphql::Result<FolderGql> {
        core(ctx)?.datasets().get_folder(actor(ctx)?, &location_uri).await.gql().map(FolderGql)
    }
}

#[derive(Default)]
pub struct FolderMutation;

#[Object]
impl FolderMutation {
    /// Puts the prefix in the dataset's bucket through the pivot role, then stores the folder.
    /// Needs CREATE_DATASET_FOLDER. INVALID_STATE while the dataset's bucket does not exist yet.
    async fn create_dataset_storage_location(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        input: Option<NewDatasetStorageLocationInput>,
    ) -> async_graphql::Result<FolderGql> {
        let input = input.ok_or_else(|| to_gql(Error::required("input")))?;
        let new = NewFolder {
            terms: flat(&input.terms),
            tags: input.tags.as_ref().map(|_| flat(&input.tags)),
            label: input.label,
            prefix: input.prefix,
            description: input.description,
        };
        core(ctx)?.datasets().create_folder(actor(ctx)?, &dataset_uri, new).await.gql().map(FolderGql)
    }

    /// Needs CREATE_DATASET_FOLDER. The prefix never changes.
    async fn update_dataset_storage_location(
        &self,
        ctx: &Context<'_>,
        location_uri: Option<String>,
        input: Option<ModifyDatasetStorageLocationInput>,
    ) -> async_graphql::Result<FolderGql> {
        let input = input.unwrap_or_default();
        let uri = location_uri
            .or(input.location_uri.clone())
            .ok_or_else(|| to_gql(Error::required("locationUri")))?;
        let change = ModifyFolder {
            terms: input.terms.as_ref().map(|_| flat(&input.terms)),
            tags: input.tags.as_ref().map(|_| flat(&input.tags)),
            label: input.label,
            description: input.description,
        };
        core(ctx)?.datasets().update_folder(actor(ctx)?, &uri, change).await.gql().map(FolderGql)
    }

    /// Removes the folder from Sluice; the objects under its prefix stay. Needs
    /// CREATE_DATASET_FOLDER.
    async fn delete_dataset_storage_location(
        &self,
        ctx: &Context<'_>,
        location_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.datasets().delete_folder(actor(ctx)?, &location_uri).await.gql()
    }
}
