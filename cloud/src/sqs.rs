//! The SQS FIFO adapter of the task queue port.
//!
//! SQS FIFO gives group order, deduplication, leases and a dead-letter queue, but with one
//! difference from the port: a single ReceiveMessage may return several messages of the same
//! group, while the port promises that a group's next message is only delivered once the
//! earlier one is gone. So `receive` asks for one message per call: once a message of a group
//! is in flight, SQS holds back the rest of that group, and the following calls (without
//! waiting) fill the batch from other groups. This costs one request per message plus one
//! that comes back empty, but never bumps a message's receive count without delivering it, which would push healthy
//! messages towards the redrive limit.

use std::time::Duration;

use aws_sdk_sqs::{
    Client,
    types::{Message, MessageAttributeValue, MessageSystemAttributeName as SysAttr, QueueAttributeName},
};
use sluice_core::tasks::{Delivery, QueueError, QueueMessage, TaskQueue};

mod ids;
mod setup;
mod wire;

pub use setup::DEFAULT_MAX_RECEIVE_COUNT;
use wire::{
    Parsed, attempt_id, attribute_text, ceil_seconds, lease_error, parse, sqs_error, visibility_seconds,
};

/// SQS's limits: messages per batch and long-poll wait.
const BATCH: usize = 10;
const MAX_WAIT_SECONDS: i32 = 20;
/// How long a dead-letter peek waits: a short poll samples only some SQS servers and may miss
/// the messages that are there.
const PEEK_WAIT_SECONDS: i32 = 1;

/// A task queue on an SQS FIFO queue and its FIFO dead-letter queue.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
    dlq_url: String,
}

impl SqsQueue {
    /// Uses existing queues, e.g. those the platform's CDK stack created.
    pub fn new(client: Client, queue_url: impl Into<String>, dlq_url: impl Into<String>) -> Self {
        Self { client, queue_url: queue_url.into(), dlq_url: dlq_url.into() }
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    pub fn dlq_url(&self) -> &str {
        &self.dlq_url
    }

    async fn receive_one_call(
        &self,
        url: &str,
        max: i32,
        wait_seconds: i32,
        visibility_seconds: i32,
        op: &str,
    ) -> Result<Vec<Message>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max)
            .wait_time_seconds(wait_seconds)
            .visibility_timeout(visibility_seconds)
            .message_system_attribute_names(SysAttr::ApproximateReceiveCount)
            .message_system_attribute_names(SysAttr::MessageGroupId)
            .message_system_attribute_names(SysAttr::MessageDeduplicationId)
            // When the SDK retries after a lost response, SQS answers with the messages it
            // already leased instead of hiding them (and blocking their groups) for a lease.
            .receive_request_attempt_id(attempt_id())
            .send()
            .await
            .map_err(|e| sqs_error(op, e))?;
        Ok(out.messages.unwrap_or_default())
    }

    async fn change_visibility(
        &self,
        delivery: &Delivery,
        after: Duration,
        op: &str,
    ) -> Result<(), QueueError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(&delivery.receipt)
            .visibility_timeout(visibility_seconds(after))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| lease_error(op, e))
    }

    async fn send_to_dlq(
        &self,
        body: &str,
        group_id: &str,
        dedup_id: &str,
        reason: &str,
        receive_count: u32,
    ) -> Result<(), QueueError> {
        let reason_value = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(attribute_text(reason))
            .build()
            .map_err(|e| QueueError::with_source("dead_letter: building the reason attribute", e))?;
        let count_value = MessageAttributeValue::builder()
            .data_type("Number")
            .string_value(receive_count.to_string())
            .build()
            .map_err(|e| QueueError::with_source("dead_letter: building the receiveCount attribute", e))?;
        self.client
            .send_message()
            .queue_url(&self.dlq_url)
            .message_group_id(group_id)
            .message_deduplication_id(dedup_id)
            .message_body(body)
            .message_attributes("reason", reason_value)
            .message_attributes("receiveCount", count_value)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sqs_error("dead_letter (SendMessage to the dead-letter queue)", e))
    }

    async fn delete(&self, receipt: &str, op: &str) -> Result<(), QueueError> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| lease_error(op, e))
    }

    /// A received message whose body is not a task list can never be processed, so it goes
    /// straight to the dead-letter queue instead of failing every receive until the redrive
    /// policy moves it.
    async fn dead_letter_unreadable(
        &self,
        message: &Message,
        parsed: &Parsed,
        error: &QueueError,
    ) -> Result<(), QueueError> {
        tracing::warn!(group_id = %parsed.group_id, dedup_id = %parsed.dedup_id, error = %error, "dead-lettering an unreadable SQS message");
        let reason = format!("unreadable message: {error}");
        self.send_to_dlq(
            message.body().unwrap_or_default(),
            &parsed.group_id,
            &parsed.dedup_id,
            &reason,
            parsed.receive_count,
        )
        .await?;
        self.delete(message.receipt_handle().unwrap_or_default(), "receive (deleting an unreadable message)")
            .await
    }
}

#[async_trait::async_trait]
impl TaskQueue for SqsQueue {
    fn kind(&self) -> &'static str {
        "sqs"
    }

    /// Sends in batches of ten. A failure in one batch leaves earlier batches sent; publishing
    /// is idempotent through the deduplication ids, so the caller retries the whole list.
    async fn publish(&self, messages: &[QueueMessage]) -> Result<(), QueueError> {
        ids::validate(messages)?;
        for chunk in messages.chunks(BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(m.body())
                        .message_group_id(&m.group_id)
                        .message_deduplication_id(&m.dedup_id)
                        .build()
                        .map_err(|e| QueueError::with_source("publish: building a batch entry", e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| sqs_error("publish (SendMessageBatch)", e))?;
            if !out.failed.is_empty() {
                let failures: Vec<String> = out
                    .failed
                    .iter()
                    .map(|f| {
                        let m = f.id.parse::<usize>().ok().and_then(|i| chunk.get(i));
                        let ids = m.map_or_else(
                            || format!("batch entry {}", f.id),
                            |m| format!("dedup id {:?} (group {:?})", m.dedup_id, m.group_id),
                        );
                        format!("{ids}: {} {}", f.code, f.message.as_deref().unwrap_or(""))
                    })
                    .collect();
                return Err(QueueError::new(format!(
                    "publish: SQS rejected {} of {} messages in a batch: {}",
                    failures.len(),
                    chunk.len(),
                    failures.join("; ")
                )));
            }
        }
        Ok(())
    }

    async fn receive(
        &self,
        max: usize,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let mut out = Vec::new();
        let mut wait_seconds = ceil_seconds(wait).min(MAX_WAIT_SECONDS);
        let visibility_seconds = visibility_seconds(visibility);
        while out.len() < max {
            // One message per call: see the module documentation.
            let got = self
                .receive_one_call(&self.queue_url, 1, wait_seconds, visibility_seconds, "receive")
                .await?;
            // Only the first call waits: later ones just fill the batch from what is there.
            wait_seconds = 0;
            if got.is_empty() {
                break;
            }
            for message in got {
                let parsed = parse(&message)?;
                let receipt = message.receipt_handle().ok_or_else(|| {
                    QueueError::new("receive: SQS returned a message without a receipt handle")
                })?;
                match QueueMessage::task_uris_from_body(message.body().unwrap_or_default()) {
                    Ok(task_uris) => out.push(Delivery {
                        receipt: receipt.to_owned(),
                        receive_count: parsed.receive_count,
                        message: QueueMessage {
                            group_id: parsed.group_id,
                            dedup_id: parsed.dedup_id,
                            task_uris,
                        },
                    }),
                    // The batch so far is still delivered; the message comes back after its
                    // lease and the redrive policy catches it in the end.
                    Err(e) => {
                        if let Err(err) = self.dead_letter_unreadable(&message, &parsed, &e).await {
                            tracing::error!(error = %err, "could not dead-letter an unreadable SQS message");
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        self.delete(&delivery.receipt, "ack (DeleteMessage)").await
    }

    async fn extend(&self, delivery: &Delivery, visibility: Duration) -> Result<(), QueueError> {
        self.change_visibility(delivery, visibility, "extend (ChangeMessageVisibility)").await
    }

    async fn release(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError> {
        self.change_visibility(delivery, delay, "release (ChangeMessageVisibility)").await
    }

    /// Sends a copy to the dead-letter queue, then deletes the original: a crash in between
    /// leaves a duplicate rather than a lost message.
    async fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError> {
        let m = &delivery.message;
        self.send_to_dlq(&m.body(), &m.group_id, &m.dedup_id, reason, delivery.receive_count).await?;
        self.delete(&delivery.receipt, "dead_letter (DeleteMessage)").await
    }

    /// Waiting, in flight and delayed messages; SQS's counts are approximate and lag by up to
    /// a minute on real queues.
    async fn depth(&self) -> Result<u64, QueueError> {
        let names = [
            QueueAttributeName::ApproximateNumberOfMessages,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            QueueAttributeName::ApproximateNumberOfMessagesDelayed,
        ];
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .set_attribute_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| sqs_error("depth (GetQueueAttributes)", e))?;
        let attributes = out.attributes.unwrap_or_default();
        names.iter().try_fold(0u64, |sum, name| {
            let value = attributes.get(name).map_or(Ok(0), |v| {
                v.parse::<u64>()
                    .map_err(|e| QueueError::with_source(format!("depth: {name} is not a number: {v:?}"), e))
            })?;
            Ok(sum + value)
        })
    }

    /// A peek: receives from the dead-letter queue with a zero visibility timeout, so the
    /// messages stay where they are for the next look. It returns at most ten (one SQS call),
    /// bumps each message's receive count on the dead-letter queue, and skips (with a warning)
    /// bodies that are not task lists.
    async fn dead_letters(&self, max: usize) -> Result<Vec<QueueMessage>, QueueError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let n = i32::try_from(max.min(BATCH)).unwrap_or(1);
        let got = self
            .receive_one_call(&self.dlq_url, n, PEEK_WAIT_SECONDS, 0, "dead_letters (ReceiveMessage)")
            .await?;
        let mut out = Vec::with_capacity(got.len());
        for message in got {
            let parsed = parse(&message)?;
            match QueueMessage::task_uris_from_body(message.body().unwrap_or_default()) {
                Ok(task_uris) => {
                    out.push(QueueMessage { group_id: parsed.group_id, dedup_id: parsed.dedup_id, task_uris })
                }
                Err(e) => {
                    tracing::warn!(dedup_id = %parsed.dedup_id, error = %e, "skipping an unreadable dead letter")
                }
            }
        }
        Ok(out)
    }
}
