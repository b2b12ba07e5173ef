//! Datasets: a bucket, its KMS key and a Glue database in an environment, published by an admin
//! team, read by its stewards, and (with the share issue) requested by others.

mod model;
mod platform;
mod service;
mod stacks;

pub use model::{CONFIDENTIALITY, Dataset, ModifyDataset, NewDataset, RESOURCE_TYPE, UserRole};
pub use platform::{DatasetDeployInputs, deploy_inputs};
pub use service::{DELETE_ACTION, DEPLOY_ACTION, Datasets, INDEX_ACTION, catalog_document};
