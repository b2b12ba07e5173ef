//! Choosing the queue, the long-task launcher and the event bus from configuration: embedded,
//! local and none by default; SQS FIFO, ECS Fargate and EventBridge in the cloud. Nothing else
//! knows which it has.

use std::{path::PathBuf, sync::Arc};

use sluice_cloud::{
    BusRef, EcsLaunchConfig, EcsLauncher, EventBridgeBus, SqsQueue,
    sdk::{self, aws_config::SdkConfig},
};
use sluice_core::{
    Core,
    catalog::SearchIndex,
    env::{Env, EnvError},
    events::EventBus,
    tasks::{Launcher, TaskQueue},
};

use crate::LocalLauncher;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueSettings {
    /// The table-backed queue in the metadata database.
    Embedded,
    /// `SLUICE_SQS_QUEUE_URL` and `SLUICE_SQS_DLQ_URL`: an SQS FIFO queue and its dead-letter queue.
    Sqs { queue_url: String, dlq_url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LauncherSettings {
    /// `SLUICE_ECS_TASKS_BIN`: the `ecs-tasks` binary, default next to this executable.
    Local {
        program: PathBuf,
    },
    Ecs(EcsLaunchConfig),
}

impl QueueSettings {
    /// `SLUICE_QUEUE`: `embedded` (default) or `sqs`.
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        Ok(match env.choice("SLUICE_QUEUE", "embedded", &["embedded", "sqs"])? {
            "sqs" => Self::Sqs {
                queue_url: env.require("SLUICE_SQS_QUEUE_URL", "when SLUICE_QUEUE=sqs")?,
                dlq_url: env.require("SLUICE_SQS_DLQ_URL", "when SLUICE_QUEUE=sqs")?,
            },
            _ => Self::Embedded,
        })
    }
}

impl LauncherSettings {
    /// `SLUICE_LAUNCHER`: `local` (default) or `ecs`.
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        Ok(match env.choice("SLUICE_LAUNCHER", "local", &["local", "ecs"])? {
            "ecs" => {
                let subnets = env.list("SLUICE_ECS_SUBNETS");
                if subnets.is_empty() {
                    return Err(EnvError::new(
                        "SLUICE_ECS_SUBNETS",
                        "needs at least one subnet id when SLUICE_LAUNCHER=ecs",
                    ));
                }
                Self::Ecs(EcsLaunchConfig {
                    cluster: env.require("SLUICE_ECS_CLUSTER", "when SLUICE_LAUNCHER=ecs")?,
                    task_definition: env.require("SLUICE_ECS_TASK_DEFINITION", "when SLUICE_LAUNCHER=ecs")?,
                    container_name: env.get("SLUICE_ECS_CONTAINER").unwrap_or_else(|| "ecs-tasks".into()),
                    subnets,
                    security_groups: env.list("SLUICE_ECS_SECURITY_GROUPS"),
                    assign_public_ip: env.bool("SLUICE_ECS_ASSIGN_PUBLIC_IP", false)?,
                })
            }
            _ => Self::Local {
                program: env
                    .get("SLUICE_ECS_TASKS_BIN")
                    .map(PathBuf::from)
                    .unwrap_or_else(LocalLauncher::sibling_program),
            },
        })
    }
}

/// Opens the search index. One created empty (a first start, a lost folder, a new schema
/// version) gets a rebuild queued, which a worker runs.
pub async fn search(
    settings: &sluice_search::SearchSettings,
    core: &Core,
) -> anyhow::Result<Arc<dyn SearchIndex>> {
    let chain = |e: sluice_core::Error| anyhow::anyhow!("{}", e.chain());
    let index = sluice_search::open(settings).await.map_err(chain)?;
    if index.needs_rebuild() {
        let task = core.system("catalog.startup").queue_reindex().await.map_err(chain)?;
        tracing::info!(task = %task.task_uri, engine = index.kind(), "the search index is new; a rebuild is queued");
    }
    Ok(index)
}

pub async fn queue(settings: &QueueSettings, core: &Core) -> Arc<dyn TaskQueue> {
    match settings {
        QueueSettings::Embedded => Arc::new(core.embedded_queue()),
        QueueSettings::Sqs { queue_url, dlq_url } => {
            let config = sluice_cloud::sdk_config().await;
            Arc::new(SqsQueue::new(sdk::sqs::Client::new(&config), queue_url.clone(), dlq_url.clone()))
        }
    }
}

/// `database_url` is handed to local child processes so they write to the same database.
pub async fn launcher(settings: &LauncherSettings, database_url: &str) -> Arc<dyn Launcher> {
    match settings {
        LauncherSettings::Local { program } => Arc::new(LocalLauncher::new(
            program.clone(),
            vec![("SLUICE_DATABASE_URL".to_owned(), database_url.to_owned())],
        )),
        LauncherSettings::Ecs(config) => {
            let sdk_config = sluice_cloud::sdk_config().await;
            Arc::new(EcsLauncher::new(sdk::ecs::Client::new(&sdk_config), config.clone()))
        }
    }
}

/// The bus the relay puts every event on: EventBridge, with `aws` when given (tests), else the
/// process's own AWS configuration.
pub async fn event_bus(bus: &BusRef, aws: Option<SdkConfig>) -> Arc<dyn EventBus> {
    let config = match aws {
        Some(config) => config,
        None => sluice_cloud::sdk_config().await,
    };
    Arc::new(EventBridgeBus::new(sdk::eventbridge::Client::new(&config), bus.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> Env<'static> {
        Env::new(move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn embedded_and_local_are_the_defaults() {
        assert_eq!(QueueSettings::from_env(&env(&[])).expect("valid"), QueueSettings::Embedded);
        assert!(matches!(
            LauncherSettings::from_env(&env(&[])).expect("valid"),
            LauncherSettings::Local { .. }
        ));
    }

    #[test]
    fn cloud_choices_require_their_settings() {
        let err = QueueSettings::from_env(&env(&[("SLUICE_QUEUE", "sqs")])).expect_err("no url");
        assert_eq!(err.var, "SLUICE_SQS_QUEUE_URL");
        let err =
            LauncherSettings::from_env(&env(&[("SLUICE_LAUNCHER", "ecs"), ("SLUICE_ECS_CLUSTER", "c")]))
                .expect_err("no subnets");
        assert_eq!(err.var, "SLUICE_ECS_SUBNETS");
        let ecs = LauncherSettings::from_env(&env(&[
            ("SLUICE_LAUNCHER", "ecs"),
            ("SLUICE_ECS_CLUSTER", "c"),
            ("SLUICE_ECS_TASK_DEFINITION", "td:1"),
            ("SLUICE_ECS_SUBNETS", "s1, s2"),
        ]))
        .expect("valid");
        let LauncherSettings::Ecs(config) = ecs else { panic!("ecs expected") };
        assert_eq!(config.subnets, vec!["s1".to_owned(), "s2".to_owned()]);
        assert_eq!(config.container_name, "ecs-tasks");
        assert_eq!(
            QueueSettings::from_env(&env(&[("SLUICE_QUEUE", "kafka")])).expect_err("bad").var,
            "SLUICE_QUEUE"
        );
    }
}
