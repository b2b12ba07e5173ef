//! Datasets in data.all's dialect.

mod crawler;
mod data_filters;
mod folders;
mod inputs;
mod loaders;
mod mutation;
mod query;
mod tables;
mod types;

pub use data_filters::{DataFilterMutation, DataFilterQuery};
pub use folders::{FolderMutation, FolderQuery};
pub use loaders::{DatasetLoader, DatasetStackLoader, EnvironmentCardLoader};
pub(crate) use loaders::{card, dataset};
pub use mutation::DatasetMutation;
pub use query::DatasetQuery;
pub use tables::{
    DatasetTableColumnFilter, DatasetTableColumnSearchResult, TableMutation, TableQuery, column_page,
};
pub use types::{DatasetRole, EnvironmentSimplified};
