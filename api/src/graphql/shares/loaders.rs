//! Batched loads for a page of shares: their item counts, one query however many shares the
//! page holds (and however many fields ask).

use std::collections::HashMap;

use async_graphql::Context;
use sluice_core::{Core, shares::ShareStatistics};

use crate::graphql::{
    batch::{BatchLoad, Batcher},
    to_gql,
};

/// Item counts by share URI. Only shares already read through an authorized query reach it.
pub struct ShareStatisticsLoader {
    pub core: Core,
}

impl BatchLoad for ShareStatisticsLoader {
    type Value = ShareStatistics;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.shares().statistics_many(keys).await.map_err(to_gql)
    }
}

/// The share's item counts, through the request's loader.
pub(super) async fn statistics(ctx: &Context<'_>, share_uri: &str) -> async_graphql::Result<ShareStatistics> {
    let found = ctx.data::<Batcher<ShareStatisticsLoader>>()?.load_one(share_uri).await?;
    Ok(found.unwrap_or_default())
}
