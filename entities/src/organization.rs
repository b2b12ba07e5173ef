use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    pub owner: String,
    pub saml_group_name: String,
    pub archived: bool,
    /// The ExternalId this organization's pivot roles require; null until first used on rows
    /// from before organizations had their own (core then reads the installation's former one).
    pub pivot_external_id: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::organization_group::Entity")]
    Groups,
}

impl Related<super::organization_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Groups.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
