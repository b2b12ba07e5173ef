use sea_orm::entity::prelude::*;

/// A team's request, in a target environment, for items of a dataset.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_object")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_uri: String,
    pub dataset_uri: String,
    /// The environment of the dataset: where the data comes from.
    pub dataset_environment_uri: String,
    /// Where the data is consumed.
    pub environment_uri: String,
    /// The requesting team.
    pub group_uri: String,
    /// The team (Group) or consumption principal URI (ConsumptionRole) that receives the grants.
    pub principal_id: String,
    pub principal_type: String,
    pub principal_name: String,
    /// The IAM role Lake Formation grants go to.
    pub principal_role_arn: String,
    pub owner: String,
    pub status: String,
    pub request_purpose: Option<String>,
    pub reject_purpose: Option<String>,
    /// JSON array: Read, Write, Modify.
    pub permissions: String,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
