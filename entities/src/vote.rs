use sea_orm::entity::prelude::*;

/// One user's vote on a catalog item; one row per item and user (issuer and name).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vote_uri: String,
    /// `dataset`.
    pub target_type: String,
    pub target_uri: String,
    pub voter: String,
    pub voter_issuer: String,
    /// An up vote; false once the user takes it back.
    pub upvote: bool,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
