//! Stack deploys and deletions, of environments and of datasets: long tasks, so the worker only
//! launches `ecs-tasks` with the stack's URI and what the task's payload carries for it.

use sluice_core::{
    datasets,
    environments::stacks as environment,
    tasks::{LaunchRequest, Task},
};

use super::payload;
use crate::handler::{HandlerContext, Outcome, TaskHandler};

/// One long-task action: the `ecs-tasks` subcommand it runs, and the payload values it passes
/// on as flags, `(payload key, flag)`. Deletions carry in their payload what the deleted row no
/// longer holds.
#[derive(Debug, Clone, Copy)]
pub struct StackTask {
    pub command: &'static str,
    pub passes: &'static [(&'static str, &'static str)],
    /// Passed when the payload has them: tasks queued by an older release lack them.
    pub optional: &'static [(&'static str, &'static str)],
}

const STACK: (&str, &str) = ("stackUri", "--stack-uri");
const PIVOT_ROLE: (&str, &str) = ("pivotRoleName", "--pivot-role-name");
/// The ExternalId the deleted environment's pivot role trusts.
const EXTERNAL_ID: &[(&str, &str)] = &[("externalId", "--external-id")];

/// Every long-task action, with the task it launches.
pub const HANDLERS: [(&str, StackTask); 5] = [
    (environment::DEPLOY_ACTION, StackTask { command: "deploy-stack", passes: &[STACK], optional: &[] }),
    (
        environment::DELETE_ACTION,
        StackTask { command: "delete-stack", passes: &[STACK, PIVOT_ROLE], optional: EXTERNAL_ID },
    ),
    (datasets::DEPLOY_ACTION, StackTask { command: "deploy-dataset-stack", passes: &[STACK], optional: &[] }),
    (
        datasets::tables::SYNC_ACTION,
        StackTask { command: "sync-tables", passes: &[("datasetUri", "--dataset-uri")], optional: &[] },
    ),
    (
        datasets::DELETE_ACTION,
        StackTask {
            command: "delete-dataset-stack",
            passes: &[
                STACK,
                PIVOT_ROLE,
                ("bucketName", "--bucket-name"),
                ("glueDatabaseName", "--glue-database-name"),
            ],
            optional: EXTERNAL_ID,
        },
    ),
];

impl StackTask {
    /// The arguments `ecs-tasks` runs `task` with.
    pub fn args(&self, task: &Task) -> anyhow::Result<Vec<String>> {
        let mut args = vec![self.command.to_owned()];
        for (key, flag) in self.passes {
            args.extend([(*flag).to_owned(), payload(task, key)?.to_owned()]);
        }
        for (key, flag) in self.optional {
            if let Some(value) = task.payload.get(key).and_then(|v| v.as_str()) {
                args.extend([(*flag).to_owned(), value.to_owned()]);
            }
        }
        args.extend(["--task-uri".to_owned(), task.task_uri.clone()]);
        Ok(args)
    }
}

#[async_trait::async_trait]
impl TaskHandler for StackTask {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let request = LaunchRequest { task_uri: task.task_uri.clone(), args: self.args(task)? };
        Ok(Outcome::Launched(ctx.launcher.launch(&request).await?))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use serde_json::{Value, json};
    use sluice_core::tasks::{LaunchError, Launched, Launcher, RunState, TaskStatus};

    use super::*;
    use crate::Registry;

    /// Remembers what it was asked to launch.
    #[derive(Default)]
    struct Recording {
        launched: Mutex<Vec<Vec<String>>>,
    }

    #[async_trait::async_trait]
    impl Launcher for Recording {
        fn kind(&self) -> &'static str {
            "recording"
        }
        async fn launch(&self, request: &LaunchRequest) -> Result<Launched, LaunchError> {
            self.launched.lock().expect("lock").push(request.args.clone());
            Ok(Launched { launcher: "recording".into(), id: request.task_uri.clone() })
        }
        async fn state(&self, _launched: &Launched) -> Result<RunState, LaunchError> {
            Ok(RunState::Running)
        }
    }

    fn task(action: &str, payload: Value) -> Task {
        let now = chrono::Utc::now();
        Task {
            task_uri: "task1234".into(),
            action: action.into(),
            target_uri: "ds123456".into(),
            target_type: "dataset".into(),
            target_label: None,
            payload,
            status: TaskStatus::Started,
            attempts: 1,
            last_error: None,
            response: None,
            progress: None,
            dispatched_at: None,
            created: now,
            updated: now,
        }
    }

    /// The arguments the standard registry's handler of `action` launches `ecs-tasks` with.
    async fn launched(action: &str, payload: Value) -> anyhow::Result<Vec<String>> {
        let launcher = Arc::new(Recording::default());
        let ctx = HandlerContext {
            core: sluice_core::testkit::detached_core(),
            launcher: launcher.clone(),
            aws: None,
            search: Arc::new(sluice_search::TantivyIndex::in_memory().expect("index")),
        };
        let handler = Registry::standard().get(action).unwrap_or_else(|| panic!("no handler for {action}"));
        handler.handle(&ctx, &task(action, payload)).await?;
        let mut launched = launcher.launched.lock().expect("lock");
        assert_eq!(launched.len(), 1, "{launched:?}");
        Ok(launched.remove(0))
    }

    #[tokio::test]
    async fn dataset_stack_tasks_launch_their_subcommands_with_what_the_payload_carries() {
        let deploy =
            launched(datasets::DEPLOY_ACTION, json!({"stackUri": "st123456", "reason": "dataset created"}))
                .await
                .expect("launched");
        assert_eq!(deploy, ["deploy-dataset-stack", "--stack-uri", "st123456", "--task-uri", "task1234"]);

        let payload = json!({
            "stackUri": "st123456",
            "reason": "dataset deleted",
            "pivotRoleName": "sluicePivotRole",
            "bucketName": "sluice-sales-ds123456",
            "glueDatabaseName": "sluice_sales_ds123456",
        });
        let delete = launched(datasets::DELETE_ACTION, payload).await.expect("launched");
        assert_eq!(
            delete,
            [
                "delete-dataset-stack",
                "--stack-uri",
                "st123456",
                "--pivot-role-name",
                "sluicePivotRole",
                "--bucket-name",
                "sluice-sales-ds123456",
                "--glue-database-name",
                "sluice_sales_ds123456",
                "--task-uri",
                "task1234",
            ]
        );
    }

    #[tokio::test]
    async fn environment_stack_tasks_keep_their_arguments() {
        let deploy =
            launched(environment::DEPLOY_ACTION, json!({"stackUri": "st1"})).await.expect("launched");
        assert_eq!(deploy, ["deploy-stack", "--stack-uri", "st1", "--task-uri", "task1234"]);
        let delete =
            launched(environment::DELETE_ACTION, json!({"stackUri": "st1", "pivotRoleName": "pivot"}))
                .await
                .expect("launched");
        assert_eq!(
            delete,
            ["delete-stack", "--stack-uri", "st1", "--pivot-role-name", "pivot", "--task-uri", "task1234"]
        );
    }

    #[tokio::test]
    async fn table_syncs_launch_with_their_dataset() {
        let sync = launched(datasets::tables::SYNC_ACTION, json!({"datasetUri": "ds123456"}))
            .await
            .expect("launched");
        assert_eq!(sync, ["sync-tables", "--dataset-uri", "ds123456", "--task-uri", "task1234"]);
    }

    #[tokio::test]
    async fn a_payload_missing_a_value_launches_nothing_and_names_it() {
        let err = launched(datasets::DELETE_ACTION, json!({"stackUri": "st1", "pivotRoleName": "pivot"}))
            .await
            .expect_err("no bucket name");
        assert_eq!(err.to_string(), "task task1234 has no bucketName in its payload");
    }
}
