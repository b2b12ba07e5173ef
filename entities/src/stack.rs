use sea_orm::entity::prelude::*;

/// A CloudFormation stack Sluice deploys for a target (an environment, later a dataset).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stack")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub stack_uri: String,
    pub target_uri: String,
    pub target_type: String,
    pub environment_uri: String,
    /// The CloudFormation stack name.
    pub name: String,
    pub account_id: String,
    pub region: String,
    /// PENDING until the first deploy, then CloudFormation's status.
    pub status: String,
    /// The CloudFormation stack id (ARN), once created.
    pub stack_id: Option<String>,
    /// JSON object of output name → value.
    pub outputs: Option<String>,
    /// JSON array of the latest deploy's events.
    pub events: Option<String>,
    pub error: Option<String>,
    /// The latest deploy or delete task.
    pub task_uri: Option<String>,
    pub created: DateTimeUtc,
    pub updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
