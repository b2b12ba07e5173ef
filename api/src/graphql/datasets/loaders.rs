//! Batched loads for a page of datasets: their environments and their stacks, one query set per
//! level however many datasets the page holds, and none for those the read cache holds.

use std::{collections::HashMap, sync::Arc};

use async_graphql::Context;
use sluice_core::{
    Actor, Core,
    datasets::DatasetView,
    environments::{EnvironmentCard, Stack},
};

use crate::graphql::{
    batch::{BatchLoad, Batcher},
    read_cache::RequestReads,
    to_gql,
};

/// Environments by URI, with their organization and teams.
pub struct EnvironmentCardLoader {
    pub core: Core,
    pub reads: Arc<RequestReads>,
}

impl BatchLoad for EnvironmentCardLoader {
    type Value = EnvironmentCard;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        let load = |missing: Vec<String>| async move {
            self.core.environments().cards(&missing).await.map_err(to_gql)
        };
        self.reads.through_many(|c| &c.cards, keys, str::to_owned, load).await
    }
}

/// Datasets by URI as the caller may see them, for a page of tables or folders; those the
/// caller may not see are left out.
pub struct DatasetLoader {
    pub core: Core,
    pub actor: Actor,
    pub reads: Arc<RequestReads>,
}

impl BatchLoad for DatasetLoader {
    type Value = DatasetView;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        let viewer = self.reads.viewer();
        let load = |missing: Vec<String>| async move {
            let mut found = self.core.datasets().get_many(&self.actor, &missing).await.map_err(to_gql)?;
            Ok(missing.into_iter().map(|uri| (uri.clone(), found.remove(&uri))).collect())
        };
        let views = self
            .reads
            .through_many(|c| &c.datasets, keys, |uri| (viewer.clone(), uri.to_owned()), load)
            .await?;
        Ok(views.into_iter().filter_map(|(uri, view)| view.map(|v| (uri, v))).collect())
    }
}

/// Dataset stacks by dataset URI, for those the actor may read.
pub struct DatasetStackLoader {
    pub core: Core,
    pub actor: Actor,
    pub reads: Arc<RequestReads>,
}

impl BatchLoad for DatasetStackLoader {
    type Value = Stack;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        let viewer = self.reads.viewer();
        let load = |missing: Vec<String>| async move {
            let found = self.core.datasets().stacks(&self.actor, &missing).await.map_err(to_gql)?;
            Ok(found.into_iter().map(|(uri, stack)| (uri, Some(stack))).collect())
        };
        let stacks = self
            .reads
            .through_many(|c| &c.stacks, keys, |uri| (viewer.clone(), uri.to_owned()), load)
            .await?;
        Ok(stacks.into_iter().filter_map(|(uri, stack)| stack.map(|s| (uri, s))).collect())
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

pub(crate) async fn dataset(
    ctx: &Context<'_>,
    dataset_uri: &str,
) -> async_graphql::Result<Option<DatasetView>> {
    ctx.data::<Batcher<DatasetLoader>>()?.load_one(dataset_uri).await
}
