//! Shares in data.all's dialect: requests, decisions, revocations, the inbox and the outbox.

mod operations;
mod plan;
mod types;

pub use operations::{ShareMutation, ShareQuery};
