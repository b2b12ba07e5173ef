//! The task queue port. Adapters: the embedded table-backed queue (`EmbeddedQueue`) and SQS
//! FIFO (in `cloud/`). Both give at-least-once delivery, FIFO order within a group, a
//! visibility timeout the consumer can extend, and a dead-letter queue; `queue_suite` holds the
//! behaviour both must pass.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One message: the tasks it carries, and the keys FIFO ordering and deduplication use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueMessage {
    /// Ordering key: the target resource's URI, so one resource's tasks run in order.
    pub group_id: String,
    /// Deduplication key: the task URI, so a re-publish after a crash is dropped.
    pub dedup_id: String,
    /// The task URIs to run; a consumer processes every one.
    pub task_uris: Vec<String>,
}

impl QueueMessage {
    pub fn for_task(task_uri: &str, target_uri: &str) -> Self {
        Self {
            group_id: target_uri.to_owned(),
            dedup_id: task_uri.to_owned(),
            task_uris: vec![task_uri.to_owned()],
        }
    }

    /// The wire body both adapters use.
    pub fn body(&self) -> String {
        serde_json::json!({ "taskUris": self.task_uris }).to_string()
    }

    pub fn task_uris_from_body(body: &str) -> Result<Vec<String>, QueueError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            task_uris: Vec<String>,
        }
        serde_json::from_str::<Body>(body)
            .map(|b| b.task_uris)
            .map_err(|e| QueueError::new(format!("a message body is not a task list: {e}")))
    }
}

/// A received message, leased to this consumer until its visibility timeout runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message: QueueMessage,
    /// Opaque handle for `ack`, `extend`, `release` and `dead_letter`.
    pub receipt: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("task queue: {message}")]
pub struct QueueError {
    pub message: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl QueueError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self { message: message.into(), source: Some(Box::new(source)) }
    }
}

#[async_trait::async_trait]
pub trait TaskQueue: Send + Sync {
    /// A name for logs and metrics: `embedded` or `sqs`.
    fn kind(&self) -> &'static str;

    async fn publish(&self, messages: &[QueueMessage]) -> Result<(), QueueError>;

    /// Up to `max` messages, waiting up to `wait` for the first; each is hidden from other
    /// consumers for `visibility`. Within a group, a message is only delivered once every
    /// earlier message of the group is gone.
    async fn receive(
        &self,
        max: usize,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError>;

    /// The message is done: delete it.
    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError>;

    /// Keeps the lease: the message stays hidden for `visibility` from now.
    async fn extend(&self, delivery: &Delivery, visibility: Duration) -> Result<(), QueueError>;

    /// Gives the message back, visible again after `delay` (a retry's backoff, or zero when
    /// shutting down).
    async fn release(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError>;

    /// Moves the message to the dead-letter queue, with the reason for operators.
    async fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError>;

    /// Messages waiting or in flight (approximate on SQS), for metrics.
    async fn depth(&self) -> Result<u64, QueueError>;

    /// Peeks at up to `max` dead-lettered messages, for operators and tests.
    async fn dead_letters(&self, max: usize) -> Result<Vec<QueueMessage>, QueueError>;
}
