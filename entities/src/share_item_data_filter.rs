use sea_orm::entity::prelude::*;

/// The filters attached to one table item of a share (data.all's `ShareObjectItemDataFilter`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_item_data_filter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attached_data_filter_uri: String,
    pub share_item_uri: String,
    pub share_uri: String,
    /// The table's URI.
    pub item_uri: String,
    pub label: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
