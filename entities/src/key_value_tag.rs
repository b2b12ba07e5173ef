use sea_orm::entity::prelude::*;

/// One AWS tag of an environment's or a dataset's stack; one row per target and key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_value_tag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_uri: String,
    /// `environment` or `dataset`.
    pub target_type: String,
    pub target_uri: String,
    pub key: String,
    pub value: String,
    /// On an environment's tag: its datasets' stacks carry it too.
    pub cascade: bool,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
