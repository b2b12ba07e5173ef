//! Datasets in data.all's dialect.

mod inputs;
mod loaders;
mod mutation;
mod query;
mod types;

pub use loaders::{DatasetStackLoader, EnvironmentCardLoader};
pub use mutation::DatasetMutation;
pub use query::DatasetQuery;
