//! Production task handlers, one module per action family.

pub mod catalog;
pub mod health;
pub mod imports;
pub mod shares;
pub mod stacks;
