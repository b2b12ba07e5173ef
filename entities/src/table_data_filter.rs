use sea_orm::entity::prelude::*;

/// A row or column filter on a dataset's table, which share items can be granted through.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "table_data_filter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub filter_uri: String,
    pub table_uri: String,
    pub dataset_uri: String,
    /// The filter's name (data.all's `filterName`), unique on its table.
    pub label: String,
    pub description: Option<String>,
    /// ROW or COLUMN.
    pub filter_type: String,
    /// A row filter's PartiQL condition.
    pub row_expression: Option<String>,
    /// A column filter's columns, as a JSON list.
    pub included_cols: Option<String>,
    pub owner: String,
    pub created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
