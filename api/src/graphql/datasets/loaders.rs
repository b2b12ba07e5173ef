//! Batched loads for a page of datasets: their environments and their stacks, one query set per
//! level however many datasets the page holds.

use std::collections::HashMap;

use async_graphql::Context;
use sluice_core::{
    Actor, Core,
    datasets::Dataset,
    environments::{EnvironmentCard, Stack},
};

use crate::graphql::{
    batch::{BatchLoad, Batcher},
    to_gql,
};

/// Environments by URI, with their organization and teams.
pub struct EnvironmentCardLoader {
    pub core: Core,
}

impl BatchLoad for EnvironmentCardLoader {
    type Value = EnvironmentCard;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.environments().cards(keys).await.map_err(to_gql)
    }
}

/// Datasets' catalog entries by URI, for a page of tables.
pub struct DatasetLoader {
    pub core: Core,
}

impl BatchLoad for DatasetLoader {
    type Value = Dataset;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.datasets().load_many(keys).await.map_err(to_gql)
    }
}

/// Dataset stacks by dataset URI, for those the actor may read.
pub struct DatasetStackLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for DatasetStackLoader {
    type Value = Stack;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.datasets().stacks(&self.actor, keys).await.map_err(to_gql)
    }
}

pub(crate) async fn card(
    ctx: &Context<'_>,
    environment_uri: &str,
) -> async_graphql::Result<Option<EnvironmentCard>> {
    ctx.data::<Batcher<EnvironmentCardLoader>>()?.load_one(environment_uri).await
}

pub(crate) async fn stack(ctx: &Context<'_>, dataset_uri: &str) -> async_graphql::Result<Option<Stack>> {
    ctx.data::<Batcher<DatasetStackLoader>>()?.load_one(dataset_uri).await
}

pub(crate) async fn dataset(ctx: &Context<'_>, dataset_uri: &str) -> async_graphql::Result<Option<Dataset>> {
    ctx.data::<Batcher<DatasetLoader>>()?.load_one(dataset_uri).await
}
