//! Catalog search: one query over datasets, tables and folders, and the admin's rebuild.

mod mutation;
mod query;
mod types;

pub use mutation::CatalogMutation;
pub use query::CatalogQuery;
