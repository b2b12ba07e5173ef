//! Shares in data.all's dialect: requests, decisions, revocations, the inbox and the outbox.

mod loaders;
mod operations;
mod plan;
mod types;

pub use loaders::{ShareDatasetLoader, ShareStatisticsLoader};
pub use operations::{ShareMutation, ShareQuery};
