use sea_orm::entity::prelude::*;

/// An event-bus relay's cursor: the last event sequence its bus accepted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_relay")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub relay: String,
    pub last_seq: i64,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
