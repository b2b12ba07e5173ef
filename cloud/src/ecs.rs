//! The ECS adapter of the long-task launcher port: each long task is one Fargate task running
//! the `ecs-tasks` binary, whose arguments arrive as the container's command override.

use aws_sdk_ecs::{
    Client,
    error::DisplayErrorContext,
    types::{
        AssignPublicIp, AwsVpcConfiguration, ContainerOverride, LaunchType, NetworkConfiguration, Tag, Task,
        TaskOverride,
    },
};
use sluice_core::tasks::{LaunchError, LaunchRequest, Launched, Launcher, RunState};

const KIND: &str = "ecs";
/// Lets operators list every task Sluice started (`ListTasks --started-by sluice`).
pub const STARTED_BY: &str = "sluice";
/// The tag that ties an ECS task back to the Sluice task it runs.
pub const TASK_URI_TAG: &str = "sluice:task-uri";

/// Where and how long tasks run; all of it comes from the platform's CDK stack outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsLaunchConfig {
    /// Cluster name or ARN.
    pub cluster: String,
    /// Task definition family, `family:revision` or ARN.
    pub task_definition: String,
    /// The container whose command is overridden; its entrypoint is the `ecs-tasks` binary.
    pub container_name: String,
    /// At least one subnet for the task's network interface.
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// Needed in a public subnet without a NAT gateway, or the task cannot pull its image.
    pub assign_public_ip: bool,
}

#[derive(Debug, Clone)]
pub struct EcsLauncher {
    client: Client,
    config: EcsLaunchConfig,
}

impl EcsLauncher {
    pub fn new(client: Client, config: EcsLaunchConfig) -> Self {
        Self { client, config }
    }

    pub fn config(&self) -> &EcsLaunchConfig {
        &self.config
    }

    fn network(&self) -> Result<NetworkConfiguration, LaunchError> {
        if self.config.subnets.is_empty() {
            return Err(LaunchError::new(
                "ECS launch config has no subnets; Fargate tasks need at least one",
            ));
        }
        let vpc = AwsVpcConfiguration::builder()
            .set_subnets(Some(self.config.subnets.clone()))
            // Left out when empty, so ECS uses the VPC's default group rather than none.
            .set_security_groups(
                (!self.config.security_groups.is_empty()).then(|| self.config.security_groups.clone()),
            )
            .assign_public_ip(if self.config.assign_public_ip {
                AssignPublicIp::Enabled
            } else {
                AssignPublicIp::Disabled
            })
            .build()
            .map_err(|e| LaunchError::with_source("building the ECS network configuration", e))?;
        Ok(NetworkConfiguration::builder().awsvpc_configuration(vpc).build())
    }

    /// How a stopped task ended. Only the named container's exit code counts: a task can stop
    /// for reasons of its own (image pull failure, a stop request, a Spot interruption) with no
    /// exit code at all, and that is a failure.
    fn stopped(&self, task: &Task) -> RunState {
        let container =
            task.containers().iter().find(|c| c.name() == Some(self.config.container_name.as_str()));
        let exit_code = container.and_then(|c| c.exit_code());
        let mut detail = match (task.stop_code(), task.stopped_reason().filter(|r| !r.is_empty())) {
            (Some(code), Some(reason)) => format!("stopped ({}): {reason}", code.as_str()),
            (Some(code), None) => format!("stopped ({})", code.as_str()),
            (None, Some(reason)) => format!("stopped: {reason}"),
            (None, None) => "stopped".to_owned(),
        };
        match (container, exit_code) {
            (None, _) => detail.push_str(&format!("; no container named {:?}", self.config.container_name)),
            (Some(_), Some(code)) => detail.push_str(&format!("; exit code {code}")),
            (Some(_), None) => detail.push_str("; no exit code"),
        }
        if let Some(reason) = container.and_then(|c| c.reason()).filter(|r| !r.is_empty()) {
            detail.push_str(&format!("; container: {reason}"));
        }
        RunState::Exited { success: exit_code == Some(0), detail }
    }
}

fn ecs_error<E, R>(op: &str, e: aws_sdk_ecs::error::SdkError<E, R>) -> LaunchError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    LaunchError::with_source(format!("ECS {op} failed: {}", DisplayErrorContext(&e)), e)
}

#[async_trait::async_trait]
impl Launcher for EcsLauncher {
    fn kind(&self) -> &'static str {
        KIND
    }

    /// Tagging at launch needs `ecs:TagResource` on the task besides `ecs:RunTask`.
    async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError> {
        let command = ContainerOverride::builder()
            .name(&self.config.container_name)
            .set_command(Some(request.args.clone()))
            .build();
        let tag = Tag::builder().key(TASK_URI_TAG).value(&request.task_uri).build();
        let out = self
            .client
            .run_task()
            .cluster(&self.config.cluster)
            .task_definition(&self.config.task_definition)
            .launch_type(LaunchType::Fargate)
            .count(1)
            .network_configuration(self.network()?)
            .overrides(TaskOverride::builder().container_overrides(command).build())
            .started_by(STARTED_BY)
            .tags(tag)
            .send()
            .await
            .map_err(|e| ecs_error(&format!("RunTask for task {}", request.task_uri), e))?;
        if let Some(f) = out.failures().first() {
            return Err(LaunchError::new(format!(
                "ECS RunTask for task {} failed: {}{}{}",
                request.task_uri,
                f.reason().unwrap_or("no reason given"),
                f.detail().map(|d| format!(" ({d})")).unwrap_or_default(),
                f.arn().map(|a| format!(" on {a}")).unwrap_or_default(),
            )));
        }
        let arn = out.tasks().first().and_then(|t| t.task_arn()).ok_or_else(|| {
            LaunchError::new(format!("ECS RunTask for task {} returned no task", request.task_uri))
        })?;
        tracing::info!(task_uri = %request.task_uri, task_arn = %arn, "launched an ECS task");
        Ok(Launched { launcher: KIND.to_owned(), id: arn.to_owned() })
    }

    /// ECS keeps stopped tasks visible for about an hour; after that the run is `Unknown`.
    async fn state(&self, launched: &Launched) -> Result<RunState, LaunchError> {
        if launched.launcher != KIND {
            return Err(LaunchError::new(format!(
                "the ECS launcher cannot look up a run from the {:?} launcher",
                launched.launcher
            )));
        }
        let out = self
            .client
            .describe_tasks()
            .cluster(&self.config.cluster)
            .tasks(&launched.id)
            .send()
            .await
            .map_err(|e| ecs_error(&format!("DescribeTasks for {}", launched.id), e))?;
        // One task was asked for, so any task in the answer is that one (whatever ARN format).
        if let Some(task) = out.tasks().first() {
            return Ok(match task.last_status() {
                Some("STOPPED") => self.stopped(task),
                _ => RunState::Running,
            });
        }
        match out.failures().iter().find(|f| f.reason() != Some("MISSING")) {
            Some(f) => Err(LaunchError::new(format!(
                "ECS DescribeTasks for {} failed: {}{}",
                launched.id,
                f.reason().unwrap_or("no reason given"),
                f.detail().map(|d| format!(" ({d})")).unwrap_or_default(),
            ))),
            None => Ok(RunState::Unknown),
        }
    }
}
