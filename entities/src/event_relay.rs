use sea_orm::entity::prelude::*;

/// An event-bus relay's cursor: the last event sequence its bus accepted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_relay")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub relay: String,
    pub last_seq: i64,
    pub updated: DateTimeUtc,
    /// The relay (one per worker replica) that puts this bus's events until `held_until`.
    pub holder: Option<String>,
    pub held_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
