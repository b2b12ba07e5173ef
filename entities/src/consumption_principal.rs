use sea_orm::entity::prelude::*;

/// An IAM role a team brought to an environment to receive shares.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consumption_principal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consumption_principal_uri: String,
    pub environment_uri: String,
    /// The team that owns the role in Sluice.
    pub group_uri: String,
    pub name: String,
    pub principal_arn: String,
    pub principal_name: String,
    /// FULLY_MANAGED, PARTIALLY_MANAGED or EXTERNALLY_MANAGED: who maintains its policies.
    pub policy_management: String,
    pub created_by: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
