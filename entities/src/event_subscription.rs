use sea_orm::entity::prelude::*;

/// An organization's webhook: where its events are POSTed, and the secret that signs them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub endpoint: String,
    pub secret: String,
    /// JSON array of event types; empty means every type.
    pub event_types: String,
    pub created_by: String,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
