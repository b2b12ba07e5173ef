use sea_orm::entity::prelude::*;

/// A domain event, recorded in the transaction of the change it reports; the delivery loop fans
/// it out to the organization's subscriptions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub event_uri: String,
    pub organization_uri: String,
    pub event_type: String,
    pub target_uri: String,
    pub target_type: String,
    pub actor: String,
    /// JSON object of the ids the event concerns.
    pub detail: String,
    pub created: DateTimeUtc,
    pub fanned_out: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
