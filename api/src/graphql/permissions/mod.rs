//! Tenant permissions (admin only) and the shared `Permission` and `Group` types.

mod mutation;
mod query;
mod types;

pub use mutation::PermissionMutation;
pub use query::PermissionQuery;
pub use types::{GroupGql, PermissionGql};
