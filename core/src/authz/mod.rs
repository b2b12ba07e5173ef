//! Authorization as a type (DESIGN.md §3).
//!
//! - Permissions are enums tied to their kind of resource ([`DatasetPermission`], …), each with a
//!   marker type per permission ([`dataset::UpdateDataset`], …).
//! - [`Authorized<R, P>`] proves the actor holds `P` on the `R` it carries. Only this module makes
//!   one, from the query that loaded the row through the check, so a refusal costs one query and
//!   reveals nothing about whether the row exists.
//! - Point checks and list filters read the same condition ([`Grant::permits`]), so "what can I
//!   see" and "may I see this" never disagree.
//! - Platform admins bypass tenant permissions only, never a resource's own.
//! - Core's writes take a proof; input rules run after the check.

mod names;
pub(crate) mod policies;
pub(crate) mod proof;
pub mod sets;
pub mod tenant;

#[cfg(test)]
mod policies_tests;

pub use names::{
    CatalogEntry, DatasetPermission, EnvironmentPermission, OrganizationPermission, Permission, ResourceKind,
    SharePermission, TenantPermission, catalog, dataset, describe, environment, glossary, organization,
    share, sync,
};
pub use proof::{Authorized, Grant, Resource, Tenant, TenantGrant, granted, tenant as tenant_grants};
pub(crate) use proof::{
    authorize, authorize_admin, authorize_for_team, authorize_system, authorize_tenant, holds, permitted,
    refusal,
};
