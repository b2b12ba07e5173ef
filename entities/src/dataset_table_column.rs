use sea_orm::entity::prelude::*;

/// A column or partition key of a dataset table.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_table_column")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub column_uri: String,
    pub table_uri: String,
    pub name: String,
    pub label: String,
    /// Glue's type text, e.g. `bigint` or `struct<a:string>`.
    pub type_name: Option<String>,
    /// `column`, or `partition_<n>` for the n-th partition key (data.all's spelling).
    pub column_type: String,
    /// Order within the table: columns first, then partition keys.
    pub position: i32,
    pub description: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
