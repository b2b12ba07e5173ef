//! Organizations in data.all's dialect.

mod mutation;
mod query;
mod types;

pub use types::{GroupFilter, GroupSearchResult, SortDirection, StatsLoader, page_of};

pub use mutation::OrganizationMutation;
pub use query::OrganizationQuery;
