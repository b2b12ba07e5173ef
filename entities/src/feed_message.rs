use sea_orm::entity::prelude::*;

/// One message in the discussion thread of a catalog item.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_message")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feed_message_uri: String,
    /// `Dataset`, `DatasetTable` or `DatasetStorageLocation`, as data.all names them.
    pub target_type: String,
    pub target_uri: String,
    pub creator: String,
    pub creator_issuer: String,
    pub content: String,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
