use sea_orm::entity::prelude::*;

/// A message of the embedded queue (`queue` = main or dead).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub queue: String,
    pub group_id: String,
    pub dedup_id: String,
    pub body: String,
    /// The lease token of the consumer holding the message, if any.
    pub receipt: Option<String>,
    pub visible_at: DateTimeUtc,
    pub receive_count: i32,
    /// Why the message was dead-lettered.
    pub reason: Option<String>,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
