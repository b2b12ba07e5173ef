//! Tasks: progress of asynchronous work, readable by whoever may read the task's target.

mod mutation;
mod query;
mod types;

pub use mutation::TaskMutation;
pub use query::TaskQuery;
pub use types::TaskGql;
