use sea_orm::entity::prelude::*;

/// One table or folder of a share, with its own state and health.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_item_uri: String,
    pub share_uri: String,
    pub item_uri: String,
    /// Table or StorageLocation.
    pub item_type: String,
    pub item_name: String,
    pub status: String,
    /// Healthy, Unhealthy, PendingVerify or PendingReApply; null before the first processing.
    pub health_status: Option<String>,
    pub health_message: Option<String>,
    pub last_verification_time: Option<DateTimeUtc>,
    /// The item's attached filters (`share_item_data_filter`); null for the whole table.
    pub attached_data_filter_uri: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
