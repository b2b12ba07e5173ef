//! Production task handlers, one module per action family.

pub mod catalog;
pub mod crawler;
pub mod health;
pub mod imports;
mod share_folders;
pub mod shares;
pub mod stacks;

use anyhow::Context;
use sluice_core::tasks::Task;

/// A string the task's payload must carry; its absence names the task and the key.
pub(crate) fn payload<'a>(task: &'a Task, key: &str) -> anyhow::Result<&'a str> {
    task.payload
        .get(key)
        .and_then(|v| v.as_str())
        .with_context(|| format!("task {} has no {key} in its payload", task.task_uri))
}
