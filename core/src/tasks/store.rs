//! Task rows: the outbox insert, and the conditional status changes the worker makes. Every
//! change names the status it expects, so a stale or duplicate delivery changes nothing.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde_json::Value;
use sluice_entities::task;

use super::{NewTask, Task, TaskStatus};
use crate::{Error, Result, uri::new_uri};

/// Inserts a task in the caller's transaction: the change and its work commit together or not
/// at all. The dispatcher publishes it after commit.
pub(crate) async fn enqueue(db: &impl ConnectionTrait, new: NewTask) -> Result<Task> {
    let now = chrono::Utc::now();
    let row = task::Model {
        task_uri: new_uri(),
        action: new.action,
        target_uri: new.target_uri,
        target_type: new.target_type,
        payload: new.payload.to_string(),
        status: TaskStatus::Pending.as_str().to_owned(),
        attempts: 0,
        last_error: None,
        response: None,
        progress: None,
        dispatched_at: None,
        created: now,
        updated: now,
    };
    task::Entity::insert(task::ActiveModel::from(row.clone())).exec_without_returning(db).await?;
    Task::from_model(row)
}

pub(crate) async fn get(db: &impl ConnectionTrait, task_uri: &str) -> Result<Option<Task>> {
    task::Entity::find_by_id(task_uri.to_owned()).one(db).await?.map(Task::from_model).transpose()
}

pub(crate) async fn require(db: &impl ConnectionTrait, task_uri: &str) -> Result<Task> {
    get(db, task_uri).await?.ok_or_else(|| Error::NotFound { kind: "task", uri: task_uri.to_owned() })
}

/// Records how far a started task got. A task that finished meanwhile keeps its final state.
pub(crate) async fn report_progress(
    db: &impl ConnectionTrait,
    task_uri: &str,
    progress: &Value,
) -> Result<()> {
    task::Entity::update_many()
        .col_expr(task::Column::Progress, Expr::value(progress.to_string()))
        .col_expr(task::Column::Updated, Expr::value(chrono::Utc::now()))
        .filter(task::Column::TaskUri.eq(task_uri))
        .filter(task::Column::Status.eq(TaskStatus::Started.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// pending or started → started, counting the attempt. Started is accepted because a worker
/// that died mid-task leaves it so; the queue's lease guarantees no one else holds it now.
/// Returns the task as started, or None when it is finished already.
pub(crate) async fn start(db: &impl ConnectionTrait, task_uri: &str) -> Result<Option<Task>> {
    let res = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(TaskStatus::Started.as_str()))
        .col_expr(task::Column::Attempts, Expr::col(task::Column::Attempts).add(1))
        .col_expr(task::Column::Updated, Expr::value(chrono::Utc::now()))
        .filter(task::Column::TaskUri.eq(task_uri))
        .filter(task::Column::Status.is_in([TaskStatus::Pending.as_str(), TaskStatus::Started.as_str()]))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    get(db, task_uri).await
}

async fn finish_from(
    db: &impl ConnectionTrait,
    task_uri: &str,
    from: TaskStatus,
    to: TaskStatus,
    response: Option<&Value>,
    error: Option<&str>,
) -> Result<bool> {
    let mut update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(to.as_str()))
        .col_expr(task::Column::Updated, Expr::value(chrono::Utc::now()));
    if let Some(response) = response {
        update = update.col_expr(task::Column::Response, Expr::value(response.to_string()));
    }
    if let Some(error) = error {
        update = update.col_expr(task::Column::LastError, Expr::value(error));
    }
    let res = update
        .filter(task::Column::TaskUri.eq(task_uri))
        .filter(task::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// started → succeeded with the handler's response. False when the task was not started (a
/// duplicate delivery finished it already).
pub(crate) async fn succeed(db: &impl ConnectionTrait, task_uri: &str, response: &Value) -> Result<bool> {
    finish_from(db, task_uri, TaskStatus::Started, TaskStatus::Succeeded, Some(response), None).await
}

/// started → failed, keeping the error.
pub(crate) async fn fail(db: &impl ConnectionTrait, task_uri: &str, error: &str) -> Result<bool> {
    finish_from(db, task_uri, TaskStatus::Started, TaskStatus::Failed, None, Some(error)).await
}

/// started → pending with the error, to be retried when the queue redelivers it.
pub(crate) async fn retry_later(db: &impl ConnectionTrait, task_uri: &str, error: &str) -> Result<bool> {
    finish_from(db, task_uri, TaskStatus::Started, TaskStatus::Pending, None, Some(error)).await
}

/// Records what a long task was launched as, keeping it started until the long task records
/// its own result.
pub(crate) async fn record_launch(
    db: &impl ConnectionTrait,
    task_uri: &str,
    response: &Value,
) -> Result<bool> {
    finish_from(db, task_uri, TaskStatus::Started, TaskStatus::Started, Some(response), None).await
}

/// Marks tasks published; only those still unmarked, so a concurrent dispatcher's work stands.
pub(crate) async fn mark_dispatched(db: &impl ConnectionTrait, task_uris: Vec<String>) -> Result<()> {
    task::Entity::update_many()
        .col_expr(task::Column::DispatchedAt, Expr::value(chrono::Utc::now()))
        .filter(task::Column::TaskUri.is_in(task_uris))
        .filter(task::Column::DispatchedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// failed → pending with attempts reset and the dispatch mark cleared, so the dispatcher
/// publishes it again.
pub(crate) async fn reset_failed(db: &impl ConnectionTrait, task_uri: &str) -> Result<bool> {
    let res = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(TaskStatus::Pending.as_str()))
        .col_expr(task::Column::Attempts, Expr::value(0))
        .col_expr(task::Column::DispatchedAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(task::Column::Updated, Expr::value(chrono::Utc::now()))
        .filter(task::Column::TaskUri.eq(task_uri))
        .filter(task::Column::Status.eq(TaskStatus::Failed.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Started tasks, oldest change first: the long-task tracker checks these.
pub(crate) async fn started(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Task>> {
    use sea_orm::{QueryOrder, QuerySelect};
    task::Entity::find()
        .filter(task::Column::Status.eq(TaskStatus::Started.as_str()))
        .order_by_asc(task::Column::Updated)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Task::from_model)
        .collect()
}

/// Committed tasks the dispatcher has not published yet.
pub(crate) async fn backlog(db: &impl ConnectionTrait) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(task::Entity::find()
        .filter(task::Column::DispatchedAt.is_null())
        .filter(task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .count(db)
        .await?)
}
