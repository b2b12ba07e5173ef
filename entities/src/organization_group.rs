use sea_orm::entity::prelude::*;

/// A team that belongs to an organization: its admin team, or one invited later.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_group")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_uri: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_uri: String,
    pub invited_by: String,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationUri",
        to = "super::organization::Column::OrganizationUri",
        on_delete = "Cascade"
    )]
    Organization,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
