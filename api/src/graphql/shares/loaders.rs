//! Batched loads for a page of shares: their item counts, one query however many shares the
//! page holds (and however many fields ask).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    Context,
    dataloader::{DataLoader, Loader},
};
use sluice_core::{Core, shares::ShareStatistics};

use crate::graphql::to_gql;

/// Item counts by share URI. Only shares already read through an authorized query reach it.
pub struct ShareStatisticsLoader {
    pub core: Core,
}

impl Loader<String> for ShareStatisticsLoader {
    type Value = ShareStatistics;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        self.core.shares().statistics_many(keys).await.map_err(|e| Arc::new(to_gql(e)))
    }
}

/// The share's item counts, through the request's loader.
pub(super) async fn statistics(ctx: &Context<'_>, share_uri: &str) -> async_graphql::Result<ShareStatistics> {
    let loader = ctx.data::<DataLoader<ShareStatisticsLoader>>()?;
    let found = loader.load_one(share_uri.to_owned()).await.map_err(|e| (*e).clone())?;
    Ok(found.unwrap_or_default())
}
