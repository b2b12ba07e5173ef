//! Batched loads for a page of shares: their item counts, one query however many shares the
//! page holds (and however many fields ask).

use std::collections::HashMap;

use async_graphql::Context;
use sluice_core::{Actor, Core, datasets::DatasetEntry, shares::ShareStatistics};

use crate::graphql::{
    batch::{BatchLoad, Batcher},
    to_gql,
};

/// Item counts by share URI, for the shares the caller may read.
pub struct ShareStatisticsLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for ShareStatisticsLoader {
    type Value = ShareStatistics;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.shares().statistics_many(&self.actor, keys).await.map_err(to_gql)
    }
}

/// The dataset of each share, by share URI, for the shares the caller may read.
pub struct ShareDatasetLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for ShareDatasetLoader {
    type Value = DatasetEntry;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.shares().dataset_entries(&self.actor, keys).await.map_err(to_gql)
    }
}

/// The share's dataset, through the request's loader.
pub(super) async fn dataset_of(
    ctx: &Context<'_>,
    share_uri: &str,
) -> async_graphql::Result<Option<DatasetEntry>> {
    ctx.data::<Batcher<ShareDatasetLoader>>()?.load_one(share_uri).await
}

/// The share's item counts, through the request's loader.
pub(super) async fn statistics(ctx: &Context<'_>, share_uri: &str) -> async_graphql::Result<ShareStatistics> {
    let found = ctx.data::<Batcher<ShareStatisticsLoader>>()?.load_one(share_uri).await?;
    Ok(found.unwrap_or_default())
}
