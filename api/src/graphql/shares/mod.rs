//! Shares in data.all's dialect: requests, decisions, revocations, the inbox and the outbox.

mod consumption;
mod dataset_wide;
mod extension;
mod loaders;
mod operations;
mod plan;
mod types;

pub use consumption::ShareConsumptionQuery;
pub use dataset_wide::{DatasetSharesMutation, DatasetSharesQuery};
pub use extension::ShareExtensionMutation;
pub use loaders::{ShareDatasetLoader, ShareStatisticsLoader};
pub use operations::{ShareMutation, ShareQuery};
