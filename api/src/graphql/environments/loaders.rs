//! Batched loads for a page of environments: their stacks and their datasets, one query set per
//! level however many environments the page holds.

use std::collections::HashMap;

use async_graphql::Context;
use sluice_core::{
    Actor, Core,
    datasets::DatasetView,
    environments::Stack,
    page::{Page, PageRequest},
};

use crate::graphql::{
    batch::{BatchLoad, Batcher},
    to_gql,
};

/// Environment stacks by environment URI, for those the actor may read.
pub struct EnvironmentStackLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for EnvironmentStackLoader {
    type Value = Stack;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.environments().stacks(&self.actor, keys).await.map_err(to_gql)
    }
}

/// The first page of `listDatasetsCreatedInEnvironment` (no filter) by environment URI, for
/// those the actor may read.
pub struct EnvironmentDatasetsLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for EnvironmentDatasetsLoader {
    type Value = Page<DatasetView>;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        let page = PageRequest::new(None, None).map_err(to_gql)?;
        self.core.datasets().list_in_environments(&self.actor, keys, page).await.map_err(to_gql)
    }
}

pub(crate) async fn stack(ctx: &Context<'_>, environment_uri: &str) -> async_graphql::Result<Option<Stack>> {
    ctx.data::<Batcher<EnvironmentStackLoader>>()?.load_one(environment_uri).await
}

pub(crate) async fn datasets(
    ctx: &Context<'_>,
    environment_uri: &str,
) -> async_graphql::Result<Option<Page<DatasetView>>> {
    ctx.data::<Batcher<EnvironmentDatasetsLoader>>()?.load_one(environment_uri).await
}
