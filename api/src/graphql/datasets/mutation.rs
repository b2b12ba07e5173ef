use async_graphql::{Context, Object};
use sluice_core::Error;

use super::{
    crawler::{CrawlerInput, GlueCrawler},
    inputs::{ImportDatasetInput, ModifyDatasetInput, NewDatasetInput},
    types::DatasetGql,
};
use crate::graphql::{GqlResult, actor, core, to_gql};

#[derive(Default)]
pub struct DatasetMutation;

fn required<T>(value: Option<T>, field: &str) -> async_graphql::Result<T> {
    value.ok_or_else(|| to_gql(Error::required(field)))
}

#[Object]
impl DatasetMutation {
    /// Creates a dataset and queues its stack: an S3 bucket with its own KMS key, a Glue
    /// database, an admin role and the Lake Formation registration of the bucket. Needs
    /// MANAGE_DATASETS, and CREATE_DATASET on the environment for `SamlAdminGroupName`.
    async fn create_dataset(
        &self,
        ctx: &Context<'_>,
        input: NewDatasetInput,
    ) -> async_graphql::Result<DatasetGql> {
        let actor = actor(ctx)?;
        core(ctx)?.datasets().create(actor, input.into_core()).await.gql().map(DatasetGql)
    }

    /// Brings an existing bucket, Glue database and KMS key in as a dataset; an empty or absent
    /// `KmsKeyAlias` takes a bucket encrypted with SSE-S3 (no key). The pivot role must find
    /// them in the environment's account (BAD_USER_INPUT names what it could not).
    async fn import_dataset(
        &self,
        ctx: &Context<'_>,
        input: Option<ImportDatasetInput>,
    ) -> async_graphql::Result<DatasetGql> {
        let actor = actor(ctx)?;
        let (new, existing) = required(input, "input")?.into_core();
        core(ctx)?.datasets().import(actor, new, existing).await.gql().map(DatasetGql)
    }

    /// Needs UPDATE_DATASET. The bucket, key and Glue database never change.
    async fn update_dataset(
        &self,
        ctx: &Context<'_>,
        dataset_uri: Option<String>,
        input: Option<ModifyDatasetInput>,
    ) -> async_graphql::Result<DatasetGql> {
        let actor = actor(ctx)?;
        let uri = required(dataset_uri, "datasetUri")?;
        core(ctx)?
            .datasets()
            .update(actor, &uri, input.unwrap_or_default().into_core())
            .await
            .gql()
            .map(DatasetGql)
    }

    /// Needs DELETE_DATASET. With `deleteFromAWS`, a task deletes the dataset stack (and with
    /// it the bucket's Glue database and Lake Formation registration); imported resources are
    /// never deleted.
    #[graphql(name = "deleteDataset")]
    async fn delete_dataset(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        #[graphql(name = "deleteFromAWS")] delete_from_aws: Option<bool>,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?.datasets().delete(actor, &dataset_uri, delete_from_aws.unwrap_or(false)).await.gql()
    }

    /// Starts the dataset's Glue crawler on its bucket, or on `input.prefix` under it, writing
    /// what it finds to the dataset's Glue database as the dataset's admin role. Needs
    /// MANAGE_DATASETS and CRAWL_DATASET (the admin team's). A task makes the crawler the first
    /// time and starts it: the answer's `status` is `PENDING`, and `taskUri` the task to follow.
    async fn start_glue_crawler(
        &self,
        ctx: &Context<'_>,
        dataset_uri: Option<String>,
        input: Option<CrawlerInput>,
    ) -> async_graphql::Result<GlueCrawler> {
        let actor = actor(ctx)?;
        let uri = required(dataset_uri, "datasetUri")?;
        let prefix = input.unwrap_or_default().prefix;
        core(ctx)?.datasets().start_crawler(actor, &uri, prefix.as_deref()).await.gql().map(GlueCrawler::from)
    }
}
