use async_graphql::{Context, Object};

use crate::graphql::{GqlResult, actor, core, tasks::TaskGql};

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Queues a rebuild of the search index from the database; follow it with getTask.
    /// Platform admins only.
    async fn start_reindex_catalog(&self, ctx: &Context<'_>) -> async_graphql::Result<TaskGql> {
        let actor = actor(ctx)?;
        core(ctx)?.catalog().start_reindex(actor).await.gql().map(Into::into)
    }
}
