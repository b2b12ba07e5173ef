use sea_orm::entity::prelude::*;

/// One audited mutation: who did what to which target, when, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_uri: String,
    pub action: String,
    pub actor: String,
    /// Who vouched for the actor (a token's `iss`, `sluice:iam`, `sluice:system`); null on rows
    /// written before it was recorded.
    pub actor_issuer: Option<String>,
    /// The AWS principal (ARN) an IAM-signed request came from; null for anyone else.
    pub actor_principal: Option<String>,
    pub target_uri: String,
    pub target_type: String,
    pub summary: String,
    /// success, denied or failed.
    pub outcome: String,
    pub created: DateTimeUtc,
    /// The kind of resource whose readers may see the row (`organization`, `environment`,
    /// `environment.consumption`, `dataset`, `share_object`, `glossary`); null: admins only.
    pub scope_type: Option<String>,
    /// That resource's URI.
    pub scope_uri: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
