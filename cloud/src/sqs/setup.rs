//! Creating the queue pair, for local use and tests; a deployment's queues come from the CDK
//! stack and are opened with `SqsQueue::new`.

use aws_sdk_sqs::{Client, types::QueueAttributeName as Attr};
use sluice_core::tasks::QueueError;

use super::{SqsQueue, sqs_error};

/// Receives before SQS itself moves a message to the dead-letter queue. The worker
/// dead-letters explicitly after its own retries; this is the safety net for a consumer that
/// crashes on a message every time and so never gets to do that.
pub const DEFAULT_MAX_RECEIVE_COUNT: u32 = 10;
/// SQS's longest retention, 14 days, so operators have time to look at dead letters.
const DLQ_RETENTION_SECONDS: &str = "1209600";
/// SQS queue names are at most 80 characters, and the longer of ours adds `-dlq.fifo`.
const MAX_NAME_LEN: usize = 80 - "-dlq.fifo".len();

impl SqsQueue {
    /// Creates, or converges, `<name>.fifo` and its dead-letter queue `<name>-dlq.fifo`, with
    /// the default redrive limit.
    pub async fn ensure(client: Client, name: &str) -> Result<SqsQueue, QueueError> {
        Self::ensure_with(client, name, DEFAULT_MAX_RECEIVE_COUNT).await
    }

    /// As `ensure`, with SQS moving a message to the dead-letter queue once it has been
    /// received `max_receive_count` times (1 to 1000).
    ///
    /// CreateQueue fails on an existing queue whose attributes differ from the ones passed,
    /// so only `FifoQueue` (which can never change) is passed there; the rest is applied with
    /// SetQueueAttributes, which makes repeated runs converge on the current settings.
    pub async fn ensure_with(
        client: Client,
        name: &str,
        max_receive_count: u32,
    ) -> Result<SqsQueue, QueueError> {
        check_name(name)?;
        if !(1..=1000).contains(&max_receive_count) {
            return Err(QueueError::new(format!(
                "ensure: maxReceiveCount {max_receive_count} is outside SQS's 1 to 1000"
            )));
        }
        let dlq_url = create_fifo(&client, &format!("{name}-dlq.fifo")).await?;
        set_attributes(
            &client,
            &dlq_url,
            &[(Attr::MessageRetentionPeriod, DLQ_RETENTION_SECONDS.to_owned())],
        )
        .await?;
        let dlq_arn = queue_arn(&client, &dlq_url).await?;

        let queue_url = create_fifo(&client, &format!("{name}.fifo")).await?;
        let redrive =
            serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count })
                .to_string();
        set_attributes(&client, &queue_url, &[(Attr::RedrivePolicy, redrive)]).await?;
        Ok(SqsQueue::new(client, queue_url, dlq_url))
    }
}

fn check_name(name: &str) -> Result<(), QueueError> {
    let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if name.is_empty() || name.len() > MAX_NAME_LEN || !valid_chars {
        return Err(QueueError::new(format!(
            "ensure: queue name {name:?} must be 1 to {MAX_NAME_LEN} letters, digits, '-' or '_' \
             (without the .fifo suffix, which is added)"
        )));
    }
    Ok(())
}

/// Creates a FIFO queue, or finds it, and sets what every queue of ours has: deduplication
/// only by the explicit id (the task URI), never by body, since two tasks may share a body.
async fn create_fifo(client: &Client, full_name: &str) -> Result<String, QueueError> {
    let out = client
        .create_queue()
        .queue_name(full_name)
        .attributes(Attr::FifoQueue, "true")
        .send()
        .await
        .map_err(|e| sqs_error(&format!("ensure (CreateQueue {full_name})"), e))?;
    let url = out
        .queue_url
        .ok_or_else(|| QueueError::new(format!("ensure: CreateQueue {full_name} returned no URL")))?;
    set_attributes(client, &url, &[(Attr::ContentBasedDeduplication, "false".to_owned())]).await?;
    Ok(url)
}

async fn set_attributes(client: &Client, url: &str, attributes: &[(Attr, String)]) -> Result<(), QueueError> {
    let mut request = client.set_queue_attributes().queue_url(url);
    for (name, value) in attributes {
        request = request.attributes(name.clone(), value);
    }
    request.send().await.map(|_| ()).map_err(|e| sqs_error(&format!("ensure (SetQueueAttributes {url})"), e))
}

async fn queue_arn(client: &Client, url: &str) -> Result<String, QueueError> {
    let out = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Attr::QueueArn)
        .send()
        .await
        .map_err(|e| sqs_error(&format!("ensure (GetQueueAttributes {url})"), e))?;
    out.attributes
        .and_then(|mut a| a.remove(&Attr::QueueArn))
        .ok_or_else(|| QueueError::new(format!("ensure: GetQueueAttributes {url} returned no QueueArn")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_names_follow_sqs_rules_with_room_for_the_suffix() {
        check_name("sluice-tasks_1").expect("valid");
        check_name(&"n".repeat(MAX_NAME_LEN)).expect("longest");
        for bad in ["", "has space", "dot.fifo", &"n".repeat(MAX_NAME_LEN + 1)] {
            assert!(check_name(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
