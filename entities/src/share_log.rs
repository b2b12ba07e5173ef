use sea_orm::entity::prelude::*;

/// One line of a share's processing log.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub log_uri: String,
    pub share_uri: String,
    pub created: DateTimeUtc,
    pub message: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
