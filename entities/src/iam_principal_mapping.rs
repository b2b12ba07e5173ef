use sea_orm::entity::prelude::*;

/// Which AWS callers (an ARN or an ARN pattern) act as which Sluice user and teams.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "iam_principal_mapping")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mapping_uri: String,
    pub arn_pattern: String,
    pub username: String,
    /// A JSON array of team names.
    pub groups: String,
    /// Whether `{{SessionName}}` in `username` is filled in; the caller chooses it.
    pub allow_session_name: bool,
    pub created_by: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
