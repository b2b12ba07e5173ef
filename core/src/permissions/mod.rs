//! The permission model (DESIGN.md §3): a catalog, tenant policies per group, and resource
//! policies per group × resource. Point checks and list filters share `granted_resources`.

pub mod catalog;
mod check;
mod policies;
pub mod tenant;

pub use check::{
    granted_resources, has_resource_permission, require_admin, require_resource, require_tenant,
};
pub use policies::{attach_resource_policy, delete_resource_policy, resource_permissions};

/// data.all's principal type for IdP groups; the only kind this release grants to.
pub const GROUP: &str = "GROUP";
