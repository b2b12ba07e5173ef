//! The CloudFormation templates Sluice renders, and the names of what they create.
//!
//! - [`pivot_role`]: the role an account owner deploys so Sluice can work in the account, and
//!   the [`boundary`] of every role Sluice creates;
//! - [`environment`]: the environment stack Sluice deploys through that role;
//! - [`dataset`]: the stack of a dataset Sluice creates (key, bucket, admin role);
//! - [`names`]: `<resourcePrefix>-<label>-<uri>` names within each service's limits.

pub mod boundary;
pub mod dataset;
pub mod environment;
mod keys;
pub mod names;
pub mod pivot_data;
pub mod pivot_iam;
pub mod pivot_role;
pub mod pivot_scope;
pub mod pivot_stacks;
#[cfg(test)]
mod policy_walk;
pub mod team_roles;

pub use dataset::{DatasetStackSpec, dataset_template};
pub use environment::{EnvironmentStackSpec, TeamRole, environment_template, team_role_output_key};
pub use names::glue_database_name;
pub use pivot_role::{PivotRoleParams, pivot_role_template, standalone_pivot_role_template};
pub use pivot_scope::{PIVOT_ROLE_TAG, boundary_policy_name};
