use sea_orm::entity::prelude::*;

/// A VPC a team registered in an environment (data.all's network). Sluice provisions nothing
/// for it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "environment_network")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vpc_uri: String,
    pub environment_uri: String,
    pub vpc_id: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// The environment team that registered it and may remove it.
    pub saml_group_name: String,
    /// JSON array of subnet ids.
    pub private_subnet_ids: String,
    /// JSON array of subnet ids.
    pub public_subnet_ids: String,
    /// JSON array of tags.
    pub tags: String,
    pub owner: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
