use sea_orm::entity::prelude::*;

/// A Glue table of a dataset, as the last sync found it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_table")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub table_uri: String,
    pub dataset_uri: String,
    pub label: String,
    /// The Glue table's name.
    pub name: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    /// JSON array of strings.
    pub topics: String,
    pub owner: String,
    /// Glue's TableType (EXTERNAL_TABLE, VIRTUAL_VIEW, …).
    pub table_type: Option<String>,
    /// The storage descriptor's location, an S3 URI for S3 tables.
    pub location: Option<String>,
    /// JSON object of Glue's table parameters.
    pub properties: String,
    /// A hash of what the sync compares (columns, partition keys, properties, location, type).
    pub fingerprint: String,
    /// InSync, or Deleted once the table left Glue.
    pub last_glue_table_status: String,
    /// The sync that last saw the table in Glue; tables another sync did not see are gone.
    pub sync_token: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
