//! Production task handlers, one module per action family.

pub mod catalog;
pub mod crawler;
pub mod health;
pub mod imports;
mod share_folders;
pub mod shares;
pub mod stacks;
