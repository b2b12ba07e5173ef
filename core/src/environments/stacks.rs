//! Stack rows: what the environment's CloudFormation stack is doing. Reading one never queues
//! work; deploys are queued by the changes that need them, or by `updateStack`.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sluice_entities::stack;

use super::{Environments, LinkError, RESOURCE_TYPE, StackResource, platform};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, EnvironmentPermission, environment as perm},
    tasks::{NewTask, store},
    uri::new_uri,
};

pub const DEPLOY_ACTION: &str = "environment.deploy";
pub const DELETE_ACTION: &str = "environment.delete-stack";
/// A deploy is queued and has not started: the first one, or a redeploy `updateStack` asked for.
pub const PENDING: &str = "PENDING";
/// While a deploy task runs, until CloudFormation's own status is recorded. Named like
/// CloudFormation's in-progress states: data.all's clients wait for a stack while its status
/// matches `.*IN_PROGRESS|PENDING` and take anything else for the end of the deploy.
pub const DEPLOYING: &str = "DEPLOY_IN_PROGRESS";
/// What [`DEPLOYING`] was called before: rows written by an older deploy task during a rolling
/// upgrade still say it.
const LEGACY_DEPLOYING: &str = "DEPLOYING";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    pub stack_uri: String,
    pub target_uri: String,
    pub target_type: String,
    pub environment_uri: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    pub status: String,
    pub stack_id: Option<String>,
    /// JSON object.
    pub outputs: Option<String>,
    /// JSON array.
    pub events: Option<String>,
    pub error: Option<String>,
    pub task_uri: Option<String>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl From<stack::Model> for Stack {
    fn from(m: stack::Model) -> Self {
        Self {
            stack_uri: m.stack_uri,
            target_uri: m.target_uri,
            target_type: m.target_type,
            environment_uri: m.environment_uri,
            name: m.name,
            account_id: m.account_id,
            region: m.region,
            status: m.status,
            stack_id: m.stack_id,
            outputs: m.outputs,
            events: m.events,
            error: m.error,
            task_uri: m.task_uri,
            updated: m.updated,
        }
    }
}

/// Whether a recorded deploy status means the deploy failed: CloudFormation's `*_FAILED` and
/// rollbacks, and the long task's own `DEPLOY_FAILED` / `DELETE_FAILED`. Subscribers are told.
pub(crate) fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED") || status.ends_with("ROLLBACK_COMPLETE")
}

impl Stack {
    /// Whether a deploy of the stack has completed, so what it creates (the teams' roles)
    /// exists: its status is one CloudFormation reaches only once the stack was created
    /// (CREATE_COMPLETE, IMPORT_COMPLETE, or any UPDATE_* status, since only a created stack is
    /// updated), or a redeploy is queued or running over the outputs an earlier deploy left (a
    /// failed first deploy leaves none).
    pub fn has_deployed(&self) -> bool {
        let status = self.status.as_str();
        matches!(status, "CREATE_COMPLETE" | "IMPORT_COMPLETE")
            || status.starts_with("UPDATE_")
            || ((status == DEPLOYING || status == LEGACY_DEPLOYING || status == PENDING)
                && self.has_outputs())
    }

    fn has_outputs(&self) -> bool {
        self.outputs
            .as_deref()
            .and_then(|o| serde_json::from_str::<serde_json::Value>(o).ok())
            .and_then(|o| o.as_object().map(|o| !o.is_empty()))
            .unwrap_or(false)
    }
}

/// Where a stack goes and what it is for.
pub(crate) struct StackTarget<'a> {
    pub target_uri: &'a str,
    pub target_type: &'a str,
    pub environment_uri: &'a str,
}

pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    target: StackTarget<'_>,
    name: &str,
    account_id: &str,
    region: &str,
) -> Result<Stack> {
    let now = chrono::Utc::now();
    let environment_uri = target.environment_uri;
    let row = stack::ActiveModel {
        stack_uri: Set(new_uri()),
        target_uri: Set(target.target_uri.to_owned()),
        target_type: Set(target.target_type.to_owned()),
        environment_uri: Set(environment_uri.to_owned()),
        name: Set(name.to_owned()),
        account_id: Set(account_id.to_owned()),
        region: Set(region.to_owned()),
        status: Set(PENDING.to_owned()),
        stack_id: Set(None),
        outputs: Set(None),
        events: Set(None),
        error: Set(None),
        task_uri: Set(None),
        created: Set(now),
        updated: Set(now),
    }
    .insert(db)
    .await?;
    Ok(row.into())
}

pub(crate) async fn for_target(db: &impl ConnectionTrait, target_uri: &str) -> Result<Stack> {
    stack::Entity::find()
        .filter(stack::Column::TargetUri.eq(target_uri))
        .one(db)
        .await?
        .map(Into::into)
        .ok_or_else(|| Error::NotFound { kind: "stack", uri: target_uri.to_owned() })
}

/// Queues a deploy of the environment's stack and points the stack row at it, in the caller's
/// transaction.
pub(crate) async fn queue_deploy(
    db: &impl ConnectionTrait,
    environment_uri: &str,
    why: &str,
) -> Result<String> {
    queue_deploy_of(db, environment_uri, RESOURCE_TYPE, DEPLOY_ACTION, why).await
}

/// Queues `action` for the stack of `target_uri` and points the stack row at the task.
pub(crate) async fn queue_deploy_of(
    db: &impl ConnectionTrait,
    target_uri: &str,
    target_type: &str,
    action: &str,
    why: &str,
) -> Result<String> {
    let stack = for_target(db, target_uri).await?;
    let task = NewTask {
        action: action.into(),
        target_uri: target_uri.into(),
        target_type: target_type.into(),
        payload: json!({"stackUri": stack.stack_uri, "reason": why}),
    };
    queue_for(db, &stack, task, None).await
}

/// As [`queue_deploy_of`], and shows the stack as PENDING at once, so whoever asked for the
/// redeploy sees it queued when they read the stack back (the task then moves it on).
pub(crate) async fn queue_redeploy(
    db: &impl ConnectionTrait,
    target_uri: &str,
    target_type: &str,
    action: &str,
) -> Result<String> {
    let stack = for_target(db, target_uri).await?;
    let task = NewTask {
        action: action.into(),
        target_uri: target_uri.into(),
        target_type: target_type.into(),
        payload: json!({"stackUri": stack.stack_uri, "reason": "redeploy requested"}),
    };
    queue_for(db, &stack, task, Some(PENDING)).await
}

/// Queues `task` for `stack` and points the stack row at it, moving the row to `status` when
/// given. In the caller's transaction.
pub(crate) async fn queue_for(
    db: &impl ConnectionTrait,
    stack: &Stack,
    task: NewTask,
    status: Option<&str>,
) -> Result<String> {
    let task = store::enqueue(db, task).await?;
    let mut row = stack::ActiveModel {
        stack_uri: Set(stack.stack_uri.clone()),
        task_uri: Set(Some(task.task_uri.clone())),
        updated: Set(chrono::Utc::now()),
        ..Default::default()
    };
    if let Some(status) = status {
        row.status = Set(status.to_owned());
    }
    row.update(db).await?;
    Ok(task.task_uri)
}

/// What a deploy found, recorded by the long task that ran it.
#[derive(Debug, Clone, Default)]
pub struct DeployRecord {
    pub status: String,
    pub stack_id: Option<String>,
    pub outputs: Option<serde_json::Value>,
    pub events: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// Records a deploy's result on the stack row. For the long tasks, which act for the platform.
pub(crate) async fn record_deploy(
    db: &impl ConnectionTrait,
    stack_uri: &str,
    record: DeployRecord,
) -> Result<()> {
    let mut row = stack::ActiveModel {
        stack_uri: Set(stack_uri.to_owned()),
        status: Set(record.status),
        error: Set(record.error),
        updated: Set(chrono::Utc::now()),
        ..Default::default()
    };
    if let Some(id) = record.stack_id {
        row.stack_id = Set(Some(id));
    }
    if let Some(outputs) = record.outputs {
        row.outputs = Set(Some(outputs.to_string()));
    }
    if let Some(events) = record.events {
        row.events = Set(Some(events.to_string()));
    }
    row.update(db).await?;
    Ok(())
}

/// A stack by URI, for the long tasks.
pub(crate) async fn load(db: &impl ConnectionTrait, stack_uri: &str) -> Result<Stack> {
    stack::Entity::find_by_id(stack_uri.to_owned())
        .one(db)
        .await?
        .map(Into::into)
        .ok_or_else(|| Error::NotFound { kind: "stack", uri: stack_uri.to_owned() })
}

impl Environments<'_> {
    /// The environment's stack. Reading never queues anything.
    pub async fn stack(&self, actor: &Actor, environment_uri: &str) -> Result<Stack> {
        authz::authorize::<perm::GetEnvironment>(self.db, actor, environment_uri).await?;
        for_target(self.db, environment_uri).await
    }

    /// The stacks of those of `environment_uris` the actor may read (GET_ENVIRONMENT, as
    /// [`Self::stack`]), by environment: one query for a page of environments.
    pub async fn stacks(&self, actor: &Actor, environment_uris: &[String]) -> Result<HashMap<String, Stack>> {
        let rows = stack::Entity::find()
            .filter(stack::Column::TargetType.eq(RESOURCE_TYPE))
            .filter(stack::Column::TargetUri.is_in(environment_uris.iter().cloned()))
            .filter(
                stack::Column::TargetUri
                    .in_subquery(authz::granted(EnvironmentPermission::GetEnvironment, actor)),
            )
            .all(self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.target_uri.clone(), r.into())).collect())
    }

    /// What the stack of an environment or a dataset holds now, read from CloudFormation through
    /// the pivot role (AssumeRole, then ListStackResources: one page for any stack of Sluice's).
    /// Needs GET_ENVIRONMENT on an environment, GET_DATASET on a dataset. None before the stack's
    /// first deploy, when CloudFormation has no such stack, and when this process has no AWS
    /// settings.
    pub async fn stack_resources(
        &self,
        actor: &Actor,
        target_type: &str,
        target_uri: &str,
    ) -> Result<Option<Vec<StackResource>>> {
        match target_type {
            RESOURCE_TYPE => {
                authz::authorize::<perm::GetEnvironment>(self.db, actor, target_uri).await?;
            }
            crate::datasets::RESOURCE_TYPE => {
                authz::authorize::<authz::dataset::GetDataset>(self.db, actor, target_uri).await?;
            }
            other => {
                return Err(Error::validation(
                    "targetType",
                    format!("stacks are of an environment or a dataset, not of a {}", other.escape_debug()),
                ));
            }
        }
        let stack = for_target(self.db, target_uri).await?;
        let Some(aws) = self.aws.as_deref() else { return Ok(None) };
        // Nothing to ask CloudFormation about before the first deploy created the stack.
        if stack.status == PENDING && stack.stack_id.is_none() {
            return Ok(None);
        }
        let (_, pivot) = platform::with_pivot(self.db, &stack.environment_uri).await?;
        let name = stack.stack_id.as_deref().unwrap_or(&stack.name);
        aws.resources.stack_resources(&pivot, name).await.map_err(|e| match e {
            LinkError::Refused(reason) => Error::InvalidState(reason),
            LinkError::Unreachable(reason) => Error::InvalidState(format!(
                "CloudFormation could not be asked what stack {} holds ({reason}); try again in a moment, \
                 or leave `resources` out of the query",
                stack.name
            )),
        })
    }

    /// Redeploys the environment's stack. Needs UPDATE_ENVIRONMENT.
    pub async fn update_stack(&self, actor: &Actor, environment_uri: &str) -> Result<Stack> {
        let result = self.update_stack_inner(actor, environment_uri).await;
        audit::record_failure(self.db, actor, "updateStack", environment_uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_stack_inner(&self, actor: &Actor, environment_uri: &str) -> Result<Stack> {
        authz::authorize::<perm::UpdateEnvironment>(self.db, actor, environment_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let task = queue_redeploy(&txn, environment_uri, RESOURCE_TYPE, DEPLOY_ACTION).await?;
        audit::record(
            &txn,
            actor,
            "updateStack",
            environment_uri,
            RESOURCE_TYPE,
            &format!("deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        for_target(self.db, environment_uri).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(status: &str, outputs: Option<&str>) -> Stack {
        Stack {
            stack_uri: "s".into(),
            target_uri: "e".into(),
            target_type: RESOURCE_TYPE.into(),
            environment_uri: "e".into(),
            name: "n".into(),
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
            status: status.into(),
            stack_id: None,
            outputs: outputs.map(str::to_owned),
            events: None,
            error: None,
            task_uri: None,
            updated: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_stack_has_deployed_once_cloudformation_created_it() {
        for status in ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"] {
            assert!(stack(status, None).has_deployed(), "{status}");
        }
        for status in [PENDING, DEPLOYING, "CREATE_FAILED", "ROLLBACK_COMPLETE", "DELETE_COMPLETE"] {
            // `{}`: no outputs, as a first deploy's.
            assert!(!stack(status, Some("{}")).has_deployed(), "{status}");
        }
    }

    #[test]
    fn a_stack_being_deployed_reads_as_in_progress_to_data_all_clients() {
        // data.all's clients poll while `re.match(r'.*IN_PROGRESS|PENDING', status)`.
        let in_progress = |s: &str| s.contains("IN_PROGRESS") || s.starts_with("PENDING");
        for status in [PENDING, DEPLOYING] {
            assert!(in_progress(status), "{status}");
        }
    }

    #[test]
    fn a_redeploy_keeps_a_deployed_stack_deployed() {
        for status in [DEPLOYING, LEGACY_DEPLOYING] {
            assert!(stack(status, Some(r#"{"DataBucketName": "b"}"#)).has_deployed(), "{status}");
        }
        assert!(!stack(DEPLOYING, None).has_deployed(), "the first deploy is running");
        assert!(stack(PENDING, Some(r#"{"DataBucketName": "b"}"#)).has_deployed(), "a redeploy is queued");
        assert!(!stack(PENDING, None).has_deployed(), "the first deploy is queued");
    }
}
