//! Production task handlers, one module per action family.

pub mod catalog;
pub mod health;
pub mod shares;
pub mod stacks;
