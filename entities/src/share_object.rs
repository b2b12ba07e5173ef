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
    /// When access ends unless extended; none for a share that doesn't expire.
    pub expiry_date: Option<DateTimeUtc>,
    /// The expiry a pending request or extension would give, shown to the approvers.
    pub requested_expiry_date: Option<DateTimeUtc>,
    /// The period asked for, in the dataset's `expiry_setting` units.
    pub share_expiration_period: Option<i32>,
    /// Asked (or granted) not to expire, on a dataset whose shares do.
    pub non_expirable: bool,
    pub submitted_for_extension: bool,
    pub extension_reason: Option<String>,
    pub last_extension_date: Option<DateTimeUtc>,
    /// The expiry date requesters were last warned about.
    pub expiry_warned_for: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
