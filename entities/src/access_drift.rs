use sea_orm::entity::prelude::*;

/// A Lake Formation grant on a dataset's resources that Sluice did not make, as last found.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_drift")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub drift_uri: String,
    pub dataset_uri: String,
    pub account_id: String,
    pub principal: String,
    pub database_name: String,
    pub table_name: Option<String>,
    /// JSON list of Lake Formation's permission names.
    pub permissions: String,
    pub first_seen: DateTimeUtc,
    pub last_seen: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
