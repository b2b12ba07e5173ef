//! Shares in data.all's dialect: requests, decisions, revocations, the inbox and the outbox.

mod dataset_wide;
mod loaders;
mod operations;
mod plan;
mod types;

pub use dataset_wide::{DatasetSharesMutation, DatasetSharesQuery};
pub use loaders::{ShareDatasetLoader, ShareStatisticsLoader};
pub use operations::{ShareMutation, ShareQuery};
