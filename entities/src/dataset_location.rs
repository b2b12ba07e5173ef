use sea_orm::entity::prelude::*;

/// A folder of a dataset: an S3 prefix in its bucket.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_location")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub location_uri: String,
    pub dataset_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    pub owner: String,
    /// The prefix, without leading or trailing `/`.
    pub s3_prefix: String,
    /// Whether the prefix's folder object was put in S3.
    pub location_created: bool,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
