//! Stack deploys and deletions: long tasks, so the worker only launches `ecs-tasks`.

use anyhow::Context;
use sluice_core::{
    environments::stacks::{DELETE_ACTION, DEPLOY_ACTION},
    tasks::{LaunchRequest, Task},
};

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub const ACTIONS: [&str; 2] = [DEPLOY_ACTION, DELETE_ACTION];

pub struct StackTask;

fn payload<'a>(task: &'a Task, key: &str) -> anyhow::Result<&'a str> {
    task.payload
        .get(key)
        .and_then(|v| v.as_str())
        .with_context(|| format!("task {} has no {key} in its payload", task.task_uri))
}

#[async_trait::async_trait]
impl TaskHandler for StackTask {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let stack_uri = payload(task, "stackUri")?;
        let mut args = match task.action.as_str() {
            DEPLOY_ACTION => vec!["deploy-stack".to_owned(), "--stack-uri".to_owned(), stack_uri.to_owned()],
            _ => vec![
                "delete-stack".to_owned(),
                "--stack-uri".to_owned(),
                stack_uri.to_owned(),
                "--pivot-role-name".to_owned(),
                payload(task, "pivotRoleName")?.to_owned(),
            ],
        };
        args.extend(["--task-uri".to_owned(), task.task_uri.clone()]);
        let request = LaunchRequest { task_uri: task.task_uri.clone(), args };
        Ok(Outcome::Launched(ctx.launcher.launch(&request).await?))
    }
}
