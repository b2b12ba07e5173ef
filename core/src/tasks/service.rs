//! Tasks as users see them: a task is visible to whoever may read its target. Platform tasks
//! are for platform admins.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use sluice_entities::{dataset as ds, environment as env, glossary_node as gn, organization as org, task};

use super::{NewTask, Task, TaskStatus, store, targets};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, DatasetPermission, EnvironmentPermission, OrganizationPermission, Permission, granted},
    error::Denied,
    labels::labels,
    page::{self, Page, PageRequest},
};

/// The `platform.health` long task's action name.
pub const HEALTH_ACTION: &str = "platform.health";

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub target_uri: Option<String>,
    pub status: Option<TaskStatus>,
}

pub struct Tasks<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

/// Names each task's target. Only tasks the reader may see come here, and seeing a task
/// takes reading its target (`Tasks::visible`), so the label reveals nothing new.
async fn label(db: &DatabaseConnection, tasks: &mut [Task]) -> Result<()> {
    let of = |kind: &str| -> Vec<String> {
        let uris = tasks.iter().filter(|t| t.target_type == kind).map(|t| t.target_uri.clone());
        uris.collect::<BTreeSet<_>>().into_iter().collect()
    };
    let mut names: HashMap<String, String> = HashMap::new();
    names.extend(
        labels::<org::Entity>(
            db,
            of(crate::organizations::RESOURCE_TYPE),
            org::Column::OrganizationUri,
            org::Column::Label,
        )
        .await?,
    );
    names.extend(
        labels::<env::Entity>(
            db,
            of(crate::environments::RESOURCE_TYPE),
            env::Column::EnvironmentUri,
            env::Column::Label,
        )
        .await?,
    );
    names.extend(
        labels::<ds::Entity>(
            db,
            of(crate::datasets::RESOURCE_TYPE),
            ds::Column::DatasetUri,
            ds::Column::Label,
        )
        .await?,
    );
    names.extend(
        labels::<gn::Entity>(
            db,
            of(crate::glossaries::RESOURCE_TYPE),
            gn::Column::NodeUri,
            gn::Column::Label,
        )
        .await?,
    );
    for task in tasks {
        task.target_label = names.get(&task.target_uri).cloned();
    }
    Ok(())
}

/// Tasks on targets of `permission`'s kind that the actor may read.
fn readable<P: Permission>(permission: P, actor: &Actor) -> Condition {
    Condition::all()
        .add(task::Column::TargetType.eq(P::KIND.as_str()))
        .add(task::Column::TargetUri.in_subquery(granted(permission, actor)))
}

impl Tasks<'_> {
    /// Tasks on targets the actor may read; every task for platform admins, who retry failed
    /// ones whatever team's target they are on. One SQL condition, for `get` and `list` alike.
    fn visible(actor: &Actor) -> Condition {
        if actor.is_admin() {
            return Condition::all();
        }
        Condition::any()
            .add(readable(OrganizationPermission::GetOrganization, actor))
            .add(readable(EnvironmentPermission::GetEnvironment, actor))
            .add(readable(DatasetPermission::GetDataset, actor))
    }

    pub async fn get(&self, actor: &Actor, task_uri: &str) -> Result<Task> {
        // A missing task and a hidden one answer alike, so URIs cannot be probed.
        let row =
            task::Entity::find_by_id(task_uri.to_owned()).filter(Self::visible(actor)).one(self.db).await?;
        let row = row.ok_or_else(|| {
            Error::refused(
                actor,
                Denied::Operation,
                format!("task {task_uri} does not exist or its target is not visible to your teams"),
            )
        })?;
        let mut task = Task::from_model(row)?;
        label(self.db, std::slice::from_mut(&mut task)).await?;
        Ok(task)
    }

    pub async fn list(&self, actor: &Actor, filter: &TaskFilter, page: PageRequest) -> Result<Page<Task>> {
        let mut query = task::Entity::find().filter(Self::visible(actor));
        if let Some(target) = &filter.target_uri {
            query = query.filter(task::Column::TargetUri.eq(target.clone()));
        }
        if let Some(status) = filter.status {
            query = query.filter(task::Column::Status.eq(status.as_str()));
        }
        let query = query.order_by_desc(task::Column::Created).order_by_desc(task::Column::TaskUri);
        let mut found = page::fetch(self.db, query, page).await?.try_map(Task::from_model)?;
        label(self.db, &mut found.nodes).await?;
        Ok(found)
    }

    /// Runs a failed task again from its first attempt. Platform admins only.
    pub async fn retry(&self, actor: &Actor, task_uri: &str) -> Result<Task> {
        let result = self.retry_inner(actor, task_uri).await;
        audit::record_failure(self.db, actor, "retryTask", task_uri, "task", &result).await;
        result
    }

    async fn retry_inner(&self, actor: &Actor, task_uri: &str) -> Result<Task> {
        authz::authorize_admin(actor)?;
        let task = store::require(self.db, task_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        if !store::reset_failed(&txn, task_uri).await? {
            return Err(Error::InvalidState(format!(
                "task {task_uri} is {}; only failed tasks can be retried",
                task.status.as_str()
            )));
        }
        audit::record(&txn, actor, "retryTask", task_uri, "task", &format!("retrying {}", task.action))
            .await?;
        txn.commit().await?;
        store::require(self.db, task_uri).await
    }

    /// Queues the `platform.health` long task. Platform admins only.
    pub async fn start_health_check(&self, actor: &Actor) -> Result<Task> {
        let result = self.start_health_check_inner(actor).await;
        audit::record_failure(
            self.db,
            actor,
            "startHealthCheck",
            targets::PLATFORM,
            targets::PLATFORM,
            &result,
        )
        .await;
        result
    }

    async fn start_health_check_inner(&self, actor: &Actor) -> Result<Task> {
        authz::authorize_admin(actor)?;
        let txn = crate::db::write_txn(self.db).await?;
        let task = store::enqueue(
            &txn,
            NewTask {
                action: HEALTH_ACTION.into(),
                target_uri: targets::PLATFORM.into(),
                target_type: targets::PLATFORM.into(),
                payload: json!({"requestedBy": actor.username()}),
            },
        )
        .await?;
        audit::record(
            &txn,
            actor,
            "startHealthCheck",
            &task.task_uri,
            "task",
            "queued a platform health check",
        )
        .await?;
        txn.commit().await?;
        Ok(task)
    }
}
