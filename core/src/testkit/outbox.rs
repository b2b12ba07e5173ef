//! The outbox as tests need it: tasks written as a service would write them, and moved along as
//! a dispatcher would, for tests of what reads them. Production code queues tasks only through
//! the services that need them.

use serde_json::Value;

use crate::{
    Core,
    tasks::{NewTask, Task, store},
};

/// Writes a pending task.
pub async fn enqueue(core: &Core, new: NewTask) -> Task {
    store::enqueue(&core.db, new).await.expect("enqueue a task")
}

/// Marks tasks dispatched, as the dispatcher does once it has queued them.
pub async fn mark_dispatched(core: &Core, task_uris: Vec<String>) {
    store::mark_dispatched(&core.db, task_uris).await.expect("mark dispatched");
}

/// A task that was started and failed with `error`, for tests of retries.
pub async fn failed(core: &Core, new: NewTask, error: &str) -> Task {
    let task = enqueue(core, new).await;
    store::start(&core.db, &task.task_uri).await.expect("start");
    store::fail(&core.db, &task.task_uri, error).await.expect("fail");
    store::require(&core.db, &task.task_uri).await.expect("read back")
}

/// Records a task's response as its handler would.
pub async fn succeed(core: &Core, task_uri: &str, response: &Value) -> bool {
    store::succeed(&core.db, task_uri, response).await.expect("succeed")
}
