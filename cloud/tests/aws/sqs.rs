use std::{collections::BTreeMap, time::Duration};

use sluice_cloud::{
    SqsQueue,
    sdk::sqs::{
        self,
        types::{MessageSystemAttributeName, QueueAttributeName},
    },
};
use sluice_core::tasks::{QueueMessage, TaskQueue, queue_suite};

use crate::{config, unique};

const WAIT: Duration = Duration::from_secs(1);
const LEASE: Duration = Duration::from_secs(30);

async fn client() -> sqs::Client {
    sqs::Client::new(&config().await)
}

async fn attributes(client: &sqs::Client, url: &str) -> BTreeMap<String, String> {
    let out = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .expect("get queue attributes");
    out.attributes.unwrap_or_default().into_iter().map(|(k, v)| (k.as_str().to_owned(), v)).collect()
}

/// Everything on the dead-letter queue, read raw (with message attributes), as a peek.
async fn raw_dead_letters(client: &sqs::Client, q: &SqsQueue) -> Vec<sqs::types::Message> {
    let out = client
        .receive_message()
        .queue_url(q.dlq_url())
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .wait_time_seconds(1)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .expect("receive from the dead-letter queue");
    out.messages.unwrap_or_default()
}

#[tokio::test]
async fn sqs_queue_passes_the_shared_queue_suite() {
    let client = client().await;
    queue_suite::run_all(|| {
        let client = client.clone();
        async move {
            Box::new(SqsQueue::ensure(client, &unique("suite")).await.expect("ensure")) as Box<dyn TaskQueue>
        }
    })
    .await;
}

#[tokio::test]
async fn many_groups_keep_their_order_and_duplicates_are_dropped() {
    let q = SqsQueue::ensure(client().await, &unique("order")).await.expect("ensure");
    let groups = ["env-a", "env-b", "env-c"];
    // Interleaved, so every batch of ten mixes the groups.
    let messages: Vec<QueueMessage> =
        (0..15).flat_map(|i| groups.map(|g| QueueMessage::for_task(&format!("{g}-t{i:02}"), g))).collect();
    q.publish(&messages).await.expect("publish 45 in batches");
    // The same task URIs again, while the originals are still queued: SQS drops them.
    q.publish(&messages[..20]).await.expect("publish duplicates");
    assert_eq!(q.depth().await.expect("depth"), 45);

    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut received = 0;
    for _ in 0..60 {
        let got = q.receive(10, WAIT, LEASE).await.expect("receive");
        if got.is_empty() && received == messages.len() {
            break;
        }
        let mut groups_in_batch: Vec<&str> = got.iter().map(|d| d.message.group_id.as_str()).collect();
        groups_in_batch.sort_unstable();
        groups_in_batch.dedup();
        assert_eq!(groups_in_batch.len(), got.len(), "at most one message per group at a time");
        for d in &got {
            assert_eq!(d.receive_count, 1, "nothing is received twice");
            assert_eq!(d.message.dedup_id, d.message.task_uris[0]);
            seen.entry(d.message.group_id.clone()).or_default().extend(d.message.task_uris.clone());
            q.ack(d).await.expect("ack");
            received += 1;
        }
    }
    for g in groups {
        let expected: Vec<String> = (0..15).map(|i| format!("{g}-t{i:02}")).collect();
        assert_eq!(seen.get(g), Some(&expected), "group {g} in publish order, each task once");
    }
    assert_eq!(q.depth().await.expect("depth"), 0);
}

#[tokio::test]
async fn the_redrive_policy_points_at_the_dead_letter_queue_and_ensure_converges() {
    let client = client().await;
    let name = unique("redrive");
    let q = SqsQueue::ensure_with(client.clone(), &name, 3).await.expect("ensure");
    assert!(q.queue_url().ends_with(&format!("/{name}.fifo")), "{}", q.queue_url());
    assert!(q.dlq_url().ends_with(&format!("/{name}-dlq.fifo")), "{}", q.dlq_url());

    let main = attributes(&client, q.queue_url()).await;
    let dlq = attributes(&client, q.dlq_url()).await;
    for attrs in [&main, &dlq] {
        assert_eq!(attrs.get("FifoQueue").map(String::as_str), Some("true"));
        assert_eq!(attrs.get("ContentBasedDeduplication").map(String::as_str), Some("false"));
    }
    assert_eq!(dlq.get("MessageRetentionPeriod").map(String::as_str), Some("1209600"));
    let policy: serde_json::Value =
        serde_json::from_str(&main["RedrivePolicy"]).expect("redrive policy is JSON");
    assert_eq!(policy["deadLetterTargetArn"].as_str(), Some(dlq["QueueArn"].as_str()));
    assert_eq!(policy["maxReceiveCount"].as_u64(), Some(3));

    // Again, with a new limit: the same queues, the new limit.
    let again = SqsQueue::ensure(client.clone(), &name).await.expect("ensure again");
    assert_eq!((again.queue_url(), again.dlq_url()), (q.queue_url(), q.dlq_url()));
    let policy: serde_json::Value =
        serde_json::from_str(&attributes(&client, q.queue_url()).await["RedrivePolicy"]).expect("JSON");
    assert_eq!(policy["maxReceiveCount"].as_u64(), Some(u64::from(sluice_cloud::DEFAULT_MAX_RECEIVE_COUNT)));
}

#[tokio::test]
async fn sqs_moves_a_message_received_too_often_to_the_dead_letter_queue() {
    let q = SqsQueue::ensure_with(client().await, &unique("crashy"), 2).await.expect("ensure");
    q.publish(&[QueueMessage::for_task("t1", "g1")]).await.expect("publish");
    // A consumer that dies every time: the message comes back until the redrive limit.
    for attempt in 1..=2 {
        let got = q.receive(1, WAIT, LEASE).await.expect("receive");
        assert_eq!(got.len(), 1, "attempt {attempt}");
        assert_eq!(got[0].receive_count, attempt);
        q.release(&got[0], Duration::ZERO).await.expect("release");
    }
    assert!(q.receive(1, WAIT, LEASE).await.expect("receive").is_empty(), "redriven after 2 receives");
    let dead = q.dead_letters(10).await.expect("dead letters");
    assert_eq!(dead, vec![QueueMessage::for_task("t1", "g1")]);
}

#[tokio::test]
async fn a_dead_letter_carries_its_reason_and_receive_count() {
    let client = client().await;
    let q = SqsQueue::ensure(client.clone(), &unique("reason")).await.expect("ensure");
    q.publish(&[QueueMessage::for_task("t1", "g1")]).await.expect("publish");
    let got = q.receive(1, WAIT, LEASE).await.expect("receive");
    q.dead_letter(&got[0], "handler failed: \u{0}boom").await.expect("dead letter");
    assert_eq!(q.depth().await.expect("depth"), 0);

    let raw = raw_dead_letters(&client, &q).await;
    assert_eq!(raw.len(), 1);
    let attrs = raw[0].message_attributes().expect("message attributes");
    assert_eq!(
        attrs["reason"].string_value(),
        Some("handler failed: ?boom"),
        "unsendable characters replaced"
    );
    assert_eq!(attrs["receiveCount"].string_value(), Some("1"));
    let system = raw[0].attributes().expect("system attributes");
    assert_eq!(system[&MessageSystemAttributeName::MessageGroupId], "g1");
    assert_eq!(system[&MessageSystemAttributeName::MessageDeduplicationId], "t1");
}

#[tokio::test]
async fn an_unreadable_message_is_dead_lettered_instead_of_failing_receive() {
    let client = client().await;
    let q = SqsQueue::ensure(client.clone(), &unique("junk")).await.expect("ensure");
    client
        .send_message()
        .queue_url(q.queue_url())
        .message_group_id("g1")
        .message_deduplication_id("junk-1")
        .message_body("not a task list")
        .send()
        .await
        .expect("send junk");
    q.publish(&[QueueMessage::for_task("t2", "g2")]).await.expect("publish");

    let mut tasks = Vec::new();
    for _ in 0..3 {
        tasks.extend(
            q.receive(10, WAIT, LEASE).await.expect("receive").into_iter().map(|d| d.message.task_uris),
        );
    }
    assert_eq!(tasks, vec![vec!["t2".to_owned()]]);
    assert!(q.dead_letters(10).await.expect("peek").is_empty(), "the peek skips what it cannot read");
    let raw = raw_dead_letters(&client, &q).await;
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].body(), Some("not a task list"));
    let reason = raw[0].message_attributes().expect("attributes")["reason"].string_value().expect("reason");
    assert!(
        reason.starts_with("unreadable message: task queue: a message body is not a task list"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_bad_id_fails_the_whole_publish_before_anything_is_sent() {
    let q = SqsQueue::ensure(client().await, &unique("badid")).await.expect("ensure");
    let err = q
        .publish(&[QueueMessage::for_task("fine", "g1"), QueueMessage::for_task("has space", "g1")])
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("dedup id \"has space\" contains ' '"), "{err}");
    assert_eq!(q.depth().await.expect("depth"), 0);
}

#[tokio::test]
async fn sdk_errors_name_the_operation_and_keep_the_cause() {
    let client = client().await;
    let q = SqsQueue::ensure(client.clone(), &unique("gone")).await.expect("ensure");
    client.delete_queue().queue_url(q.queue_url()).send().await.expect("delete queue");
    let err = q.publish(&[QueueMessage::for_task("t1", "g1")]).await.expect_err("no queue");
    let text = err.to_string();
    assert!(text.contains("SQS publish (SendMessageBatch) failed"), "{text}");
    assert!(text.contains("QueueDoesNotExist") || text.contains("NonExistentQueue"), "{text}");
    assert!(std::error::Error::source(&err).is_some(), "the SDK error is kept as the source");
}
