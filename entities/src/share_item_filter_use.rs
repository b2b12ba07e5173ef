use sea_orm::entity::prelude::*;

/// One table data filter an attachment holds, in the order it was given.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_item_filter_use")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attached_data_filter_uri: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub filter_uri: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
