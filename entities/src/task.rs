use sea_orm::entity::prelude::*;

/// Asynchronous work, written in the same transaction as the change that needs it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_uri: String,
    pub action: String,
    pub target_uri: String,
    pub target_type: String,
    /// JSON.
    pub payload: String,
    /// pending, started, succeeded or failed.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// JSON.
    pub response: Option<String>,
    /// Set once the dispatcher has published the task; null means it still must be.
    pub dispatched_at: Option<DateTimeUtc>,
    /// JSON: how far a long task got (`{"done": n, "total": n?, "message": "…"}`).
    pub progress: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
