//! Datasets: a bucket, its KMS key and a Glue database in an environment, published by an admin
//! team, read by its stewards, and (with the share issue) requested by others.

mod crawler;
mod create;
pub mod expiry;
mod folders;
mod items;
mod model;
mod platform;
mod service;
mod stacks;
pub mod tables;
mod views;

pub use crawler::{
    CRAWL_ACTION, CrawlInputs, QUEUED, QueuedCrawl, crawl_location, crawl_prefix, crawler_name,
};
pub(crate) use crawler::{crawl_inputs, record_crawler};
pub use create::{DEPLOY_ACTION, REGISTER_ACTION};
pub use folders::{DatasetFolder, FOLDER_RESOURCE_TYPE, ModifyFolder, NewFolder};
pub use items::{DatasetItem, DatasetItemKind};
pub use model::{
    CONFIDENTIALITY, Dataset, DatasetEntry, DatasetFilter, DatasetRestricted, DatasetSort, DatasetView,
    ImportedResources, LANGUAGES, ModifyDataset, NewDataset, RESOURCE_TYPE, SSE_S3, SortOrder, TOPICS,
    UserRole,
};
pub use platform::{DatasetDeployInputs, ImportRegistration};
pub(crate) use platform::{deploy_inputs, import_registration};
pub use service::{DELETE_ACTION, Datasets, INDEX_ACTION};
pub(crate) use service::{load_dataset, queue_entry_index, queue_index};
