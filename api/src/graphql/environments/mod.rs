//! Environments, onboarding and stacks in data.all's dialect.

mod consumption;
mod loaders;
mod mutation;
mod networks;
mod query;
mod stack;
mod types;

pub use consumption::{ConsumptionMutation, ConsumptionQuery, PolicyManagementOptions};
pub use loaders::{EnvironmentDatasetsLoader, EnvironmentStackLoader};
pub use mutation::EnvironmentMutation;
pub use networks::{NetworkMutation, NetworkQuery, VpcGql};
pub use query::EnvironmentQuery;
pub use stack::{StackGql, StackResourceLookups};
pub use types::{
    EnvironmentFilter, EnvironmentGql, EnvironmentPermission, EnvironmentSearchResult,
    OrganizationSimplified, flat,
};
