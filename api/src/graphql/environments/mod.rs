//! Environments, onboarding and stacks in data.all's dialect.

mod mutation;
mod query;
mod types;

pub use mutation::EnvironmentMutation;
pub use query::EnvironmentQuery;
pub use types::{EnvironmentFilter, EnvironmentGql, EnvironmentSearchResult};
