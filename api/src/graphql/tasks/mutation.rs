use async_graphql::{Context, Object};

use super::types::TaskGql;
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct TaskMutation;

#[Object]
impl TaskMutation {
    /// Runs a failed task again from its first attempt. Platform admins only; any other status
    /// is INVALID_STATE.
    async fn retry_task(&self, ctx: &Context<'_>, task_uri: String) -> async_graphql::Result<TaskGql> {
        let actor = actor(ctx)?;
        core(ctx)?.tasks().retry(actor, &task_uri).await.gql().map(Into::into)
    }

    /// Queues a long task that checks the database and AWS from where long tasks run; follow
    /// it with getTask. Platform admins only.
    async fn start_health_check(&self, ctx: &Context<'_>) -> async_graphql::Result<TaskGql> {
        let actor = actor(ctx)?;
        core(ctx)?.tasks().start_health_check(actor).await.gql().map(Into::into)
    }
}
