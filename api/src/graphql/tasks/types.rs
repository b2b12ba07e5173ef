use async_graphql::{Enum, InputObject, SimpleObject};
use sluice_core::tasks::{Task, TaskStatus};

use crate::graphql::paged::paged;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum TaskStatusGql {
    Pending,
    Started,
    Succeeded,
    Failed,
}

impl From<TaskStatus> for TaskStatusGql {
    fn from(s: TaskStatus) -> Self {
        match s {
            TaskStatus::Pending => Self::Pending,
            TaskStatus::Started => Self::Started,
            TaskStatus::Succeeded => Self::Succeeded,
            TaskStatus::Failed => Self::Failed,
        }
    }
}

impl From<TaskStatusGql> for TaskStatus {
    fn from(s: TaskStatusGql) -> Self {
        match s {
            TaskStatusGql::Pending => Self::Pending,
            TaskStatusGql::Started => Self::Started,
            TaskStatusGql::Succeeded => Self::Succeeded,
            TaskStatusGql::Failed => Self::Failed,
        }
    }
}

/// Asynchronous work on a resource.
#[derive(SimpleObject)]
#[graphql(name = "Task")]
pub struct TaskGql {
    task_uri: String,
    /// What the task does, e.g. `platform.health`.
    action: String,
    target_uri: String,
    target_type: String,
    /// The target's name (an environment's or dataset's label; a share as "<dataset> for
    /// <team>"); null for platform work and for a target since deleted.
    target_label: Option<String>,
    /// pending (queued, or waiting for a retry), started, succeeded or failed.
    status: TaskStatusGql,
    /// Runs so far, this one included.
    attempts: i32,
    /// The last run's error; kept after a retry succeeds.
    last_error: Option<String>,
    /// The result as JSON; for a long task in progress, where it was launched.
    response: Option<String>,
    /// How far a long task got, as JSON (`{"done": n, "message": "…"}`); null until it reports.
    progress: Option<String>,
    /// The task's input as JSON.
    payload: String,
    /// When the task was published to the queue (RFC 3339); null while it waits in the outbox.
    dispatched_at: Option<String>,
    created: String,
    updated: String,
}

impl From<Task> for TaskGql {
    fn from(t: Task) -> Self {
        Self {
            attempts: i32::try_from(t.attempts).unwrap_or(i32::MAX),
            status: t.status.into(),
            response: t.response.map(|r| r.to_string()),
            progress: t.progress.map(|p| p.to_string()),
            payload: t.payload.to_string(),
            dispatched_at: t.dispatched_at.map(|d| d.to_rfc3339()),
            created: t.created.to_rfc3339(),
            updated: t.updated.to_rfc3339(),
            task_uri: t.task_uri,
            action: t.action,
            target_uri: t.target_uri,
            target_type: t.target_type,
            target_label: t.target_label,
            last_error: t.last_error,
        }
    }
}

paged!(TaskSearchResult, TaskGql);

#[derive(InputObject, Default)]
pub struct TaskFilter {
    pub target_uri: Option<String>,
    pub status: Option<TaskStatusGql>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}
