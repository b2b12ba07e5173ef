//! AWS adapters of Sluice's ports, and the AWS plumbing they share.
//!
//! This is the only crate that depends on the AWS SDK crates. They are large and slow to
//! build, so keeping them here means a change to the domain, the API or the worker never
//! recompiles them, and a binary that runs embedded-only could drop this crate entirely. Other
//! crates see the ports (`TaskQueue`, `Launcher`, `AccountLinker`) from `sluice-core` and build
//! clients through the re-exported SDK crates in [`sdk`].
//!
//! - [`session`]: the SDK configuration, from the environment or for a local emulator;
//! - [`sqs`]: the task queue on SQS FIFO with a dead-letter queue;
//! - [`ecs`]: the long-task launcher on ECS Fargate;
//! - [`eventbridge`]: the event bus on EventBridge, for the relay of recorded events;
//! - [`sts`]: the caller identity, to check AWS is reachable;
//! - [`iam_auth`]: signing the presigned GetCallerIdentity requests clients sign in with;
//! - [`link`]: linking an account: assume its pivot role with the ExternalId, read it back;
//! - [`cfn`]: a typed model of CloudFormation templates;
//! - [`templates`]: the pivot-role, environment and dataset templates, and resource names;
//! - [`stacks`]: deploying and deleting stacks, and Lake Formation admin settings;
//! - [`catalog`]: the Glue catalog: a dataset's database and its tables, paged for the sync,
//!   and a target account's database of resource links to shared tables;
//! - [`lake`]: Lake Formation data locations (registering a dataset's bucket);
//! - [`grants`]: Lake Formation grants on databases, tables and data cells filters: given,
//!   revoked and read back by share processing;
//! - [`data_filters`]: Lake Formation data cells filters made for filtered share items;
//! - [`storage`]: S3 and KMS: checks of imported buckets and key aliases, folder prefixes;
//! - [`access`]: bucket policy statements, KMS grants and inline role policies, by name, for
//!   folder shares;
//! - [`access_points`]: S3 access points and their policies, one per folder or bucket share;
//! - [`vending`]: teams' role credentials, console sign-in links and upload forms.
//!
//! Glue databases and Lake Formation settings are made through their APIs next to the stacks,
//! never in templates: moto's CloudFormation silently drops those resource types.

pub mod access;
pub mod access_points;
mod aws_error;
pub mod catalog;
pub mod cfn;
pub mod crawlers;
pub mod data_filters;
pub mod ecs;
pub mod eventbridge;
mod grant_reader;
pub mod grants;
pub mod iam_auth;
pub mod lake;
pub mod link;
pub mod resources;
mod s3control_emulator;
pub mod session;
pub mod sqs;
pub mod stacks;
pub mod storage;
pub mod sts;
pub mod templates;
pub mod vending;

pub use access::{Access, KeyGrant};
pub use access_points::{AccessPointShown, AccessPoints};
pub use catalog::{CatalogError, GlueCatalog, GlueColumn, GlueTable, links::LinkTarget};
pub use crawlers::{CrawlerSpec, GlueCrawlers};
pub use data_filters::{DataCellsFilterSpec, DataCellsFilters, FilterPresence};
pub use ecs::{EcsLaunchConfig, EcsLauncher};
pub use eventbridge::{BusRef, EventBridgeBus};
pub use grants::{Grant, GrantError, LakeGrants, LfPermission, LfResource};
pub use lake::LakeFormation;
pub use link::{PivotLinker, assume_pivot};
pub use session::{emulator_sdk_config, sdk_config};
pub use sqs::{DEFAULT_MAX_RECEIVE_COUNT, SqsQueue};
pub use stacks::{DeployError, DeployOutcome, StackDeployer, StackEvent};
pub use storage::{Storage, StorageError};
pub use sts::caller_identity;
pub use templates::{
    DatasetStackSpec, EnvironmentStackSpec, PivotRoleParams, TeamRole, dataset_template,
    environment_template, glue_database_name, pivot_role_template, team_role_output_key,
};
pub use vending::RoleVendor;

/// The SDK crates, so callers can build clients from an `SdkConfig` without depending on them.
pub mod sdk {
    pub use aws_config;
    pub use aws_sdk_cloudformation as cloudformation;
    pub use aws_sdk_ecs as ecs;
    pub use aws_sdk_eventbridge as eventbridge;
    pub use aws_sdk_glue as glue;
    pub use aws_sdk_iam as iam;
    pub use aws_sdk_kms as kms;
    pub use aws_sdk_lakeformation as lakeformation;
    pub use aws_sdk_s3 as s3;
    pub use aws_sdk_sqs as sqs;
    pub use aws_sdk_sts as sts;
}
