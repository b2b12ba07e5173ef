use sea_orm::entity::prelude::*;

/// A team in an environment, with the IAM role it works through there.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "environment_group")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub environment_uri: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_uri: String,
    pub invited_by: String,
    pub role_name: String,
    pub role_arn: String,
    /// The role was brought by the team rather than created by the environment stack.
    pub role_imported: bool,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
