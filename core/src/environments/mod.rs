//! Environments: AWS accounts (one per account and region) linked to an organization through a
//! pivot role, with the teams that work in them and the stack that provisions them.

pub mod link;

pub use link::{AccountLinker, LinkError, PivotRole};
