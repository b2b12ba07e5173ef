use async_graphql::{Context, Object};
use sluice_core::tasks::TaskFilter as CoreFilter;

use super::types::{TaskFilter, TaskGql, TaskSearchResult};
use crate::graphql::{GqlResult, actor, core, organizations::page_of};

#[derive(Default)]
pub struct TaskQuery;

#[Object]
impl TaskQuery {
    /// A task whose target you may read. FORBIDDEN otherwise, whether or not it exists.
    async fn get_task(&self, ctx: &Context<'_>, task_uri: String) -> async_graphql::Result<TaskGql> {
        let actor = actor(ctx)?;
        core(ctx)?.tasks().get(actor, &task_uri).await.gql().map(Into::into)
    }

    /// Tasks on targets you may read, newest first.
    async fn list_tasks(
        &self,
        ctx: &Context<'_>,
        filter: Option<TaskFilter>,
    ) -> async_graphql::Result<TaskSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let core_filter =
            CoreFilter { target_uri: filter.target_uri.clone(), status: filter.status.map(Into::into) };
        let found = core(ctx)?.tasks().list(actor, &core_filter, page).await.gql()?;
        Ok(TaskSearchResult(found.map(Into::into)))
    }
}
