use sea_orm::entity::prelude::*;

/// A term linked to a dataset, table, column or folder. It counts (in the catalog) once the
/// glossary's team approved it (`approved_by_owner`); the item's team approved it by making it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "glossary_term_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_uri: String,
    pub term_uri: String,
    pub glossary_uri: String,
    pub target_uri: String,
    /// data.all's `Dataset`, `DatasetTable`, `Column` or `Folder`.
    pub target_type: String,
    /// The dataset the target belongs to (itself for a dataset).
    pub dataset_uri: String,
    /// Who linked it.
    pub owner: String,
    pub approved_by_owner: bool,
    pub approved_by_steward: bool,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
