//! Environments, onboarding and stacks in data.all's dialect.

mod consumption;
mod mutation;
mod query;
mod types;

pub use consumption::{ConsumptionMutation, ConsumptionQuery, PolicyManagementOptions};
pub use mutation::EnvironmentMutation;
pub use query::EnvironmentQuery;
pub use types::{
    EnvironmentFilter, EnvironmentGql, EnvironmentPermission, EnvironmentSearchResult,
    OrganizationSimplified, StackGql, StackResourceLookups, flat,
};
