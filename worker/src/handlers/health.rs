//! `platform.health`: a long task that checks the database and AWS from where long tasks run
//! (a Fargate task in the cloud, a child process locally), and records what it found.

use sluice_core::tasks::{LaunchRequest, Task};

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub const ACTION: &str = sluice_core::tasks::HEALTH_ACTION;

pub struct Health;

#[async_trait::async_trait]
impl TaskHandler for Health {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let request = LaunchRequest {
            task_uri: task.task_uri.clone(),
            args: vec!["health".into(), "--task-uri".into(), task.task_uri.clone()],
        };
        Ok(Outcome::Launched(ctx.launcher.launch(&request).await?))
    }
}
