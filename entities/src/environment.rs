use sea_orm::entity::prelude::*;

/// An AWS account and region linked to an organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "environment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub tags: String,
    pub owner: String,
    /// The owning team.
    pub saml_group_name: String,
    pub aws_account_id: String,
    pub region: String,
    pub resource_prefix: String,
    /// JSON object of string values.
    pub parameters: String,
    pub pivot_role_name: String,
    /// The ExternalId Sluice assumes the pivot role with: its organization's when the account was
    /// linked. Null on rows from before organizations had their own (core reads the installation's
    /// former one).
    pub pivot_external_id: Option<String>,
    /// An IAM managed policy of the account that the environment's stacks put on their roles as
    /// the permissions boundary instead of the one shipped with the pivot role; null: that one.
    pub permissions_boundary_policy_arn: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
