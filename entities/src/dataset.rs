use sea_orm::entity::prelude::*;

/// An S3 bucket, its KMS key and a Glue database in an environment, published by a team.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset_uri: String,
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    /// JSON array of strings.
    pub topics: String,
    pub confidentiality: String,
    pub owner: String,
    /// The admin team.
    pub saml_admin_group_name: String,
    /// The stewards team, if any.
    pub stewards: Option<String>,
    pub auto_approval_enabled: bool,
    /// Brought from an existing bucket and Glue database rather than created by a stack.
    pub imported: bool,
    pub bucket_name: String,
    pub glue_database_name: String,
    /// `alias/<name>` of the customer KMS key that encrypts the bucket; NULL for an imported
    /// bucket encrypted with SSE-S3 (S3's own keys).
    pub kms_alias: Option<String>,
    pub admin_role_name: String,
    /// data.all's `Language` (English, French, German).
    pub language: String,
    pub business_owner_email: Option<String>,
    /// JSON array of strings.
    pub business_owner_delegation_emails: String,
    /// Whether the admin role was brought by an import rather than made by the stack.
    pub imported_admin_role: bool,
    /// Whether shares of the dataset expire unless extended.
    pub enable_expiration: bool,
    /// `Monthly` or `Quarterly`: the unit of a share's expiration period.
    pub expiry_setting: Option<String>,
    /// The shortest and longest period a share may ask for, in `expiry_setting` units.
    pub expiry_min_duration: Option<i32>,
    pub expiry_max_duration: Option<i32>,
    /// The Glue crawler Sluice made on the dataset's location (`startGlueCrawler`), once made.
    pub glue_crawler_name: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
