use sea_orm::entity::prelude::*;

/// A glossary, category or term. A glossary is its own `glossary_uri` and has an empty
/// `parent_uri`; `path` is `/<glossary>/…/<node>`, so a subtree is a prefix of one glossary.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "glossary_node")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub node_uri: String,
    /// `glossary`, `category` or `term`.
    pub node_type: String,
    pub parent_uri: String,
    pub glossary_uri: String,
    pub path: String,
    pub label: String,
    #[sea_orm(column_type = "Text")]
    pub readme: String,
    pub status: String,
    /// The glossary's owner team; children carry their glossary's.
    pub admin: String,
    /// Who created the node.
    pub owner: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
