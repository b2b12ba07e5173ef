//! Batched loads for a page of datasets: their environments and their stacks, one query set per
//! level however many datasets the page holds.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    Context,
    dataloader::{DataLoader, Loader},
};
use sluice_core::{
    Actor, Core,
    datasets::Dataset,
    environments::{EnvironmentCard, Stack},
};

use crate::graphql::to_gql;

/// Environments by URI, with their organization and teams.
pub struct EnvironmentCardLoader {
    pub core: Core,
}

impl Loader<String> for EnvironmentCardLoader {
    type Value = EnvironmentCard;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        self.core.environments().cards(keys).await.map_err(|e| Arc::new(to_gql(e)))
    }
}

/// Datasets' catalog entries by URI, for a page of tables.
pub struct DatasetLoader {
    pub core: Core,
}

impl Loader<String> for DatasetLoader {
    type Value = Dataset;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        self.core.datasets().load_many(keys).await.map_err(|e| Arc::new(to_gql(e)))
    }
}

/// Dataset stacks by dataset URI, for those the actor may read.
pub struct DatasetStackLoader {
    pub core: Core,
    pub actor: Actor,
}

impl Loader<String> for DatasetStackLoader {
    type Value = Stack;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        self.core.datasets().stacks(&self.actor, keys).await.map_err(|e| Arc::new(to_gql(e)))
    }
}

pub(crate) async fn card(
    ctx: &Context<'_>,
    environment_uri: &str,
) -> async_graphql::Result<Option<EnvironmentCard>> {
    let loader = ctx.data::<DataLoader<EnvironmentCardLoader>>()?;
    loader.load_one(environment_uri.to_owned()).await.map_err(|e| (*e).clone())
}

pub(crate) async fn stack(ctx: &Context<'_>, dataset_uri: &str) -> async_graphql::Result<Option<Stack>> {
    let loader = ctx.data::<DataLoader<DatasetStackLoader>>()?;
    loader.load_one(dataset_uri.to_owned()).await.map_err(|e| (*e).clone())
}

pub(crate) async fn dataset(ctx: &Context<'_>, dataset_uri: &str) -> async_graphql::Result<Option<Dataset>> {
    let loader = ctx.data::<DataLoader<DatasetLoader>>()?;
    loader.load_one(dataset_uri.to_owned()).await.map_err(|e| (*e).clone())
}
