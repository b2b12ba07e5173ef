use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_policy_permission")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sid: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission: String,
    /// Copies of the policy's, for one-index lookups (see migration 11).
    pub resource_uri: String,
    pub resource_type: String,
    pub principal_id: String,
    pub principal_type: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::resource_policy::Entity",
        from = "Column::Sid",
        to = "super::resource_policy::Column::Sid",
        on_delete = "Cascade"
    )]
    Policy,
}

impl Related<super::resource_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Policy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
