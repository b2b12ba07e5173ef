//! The behaviour every `TaskQueue` adapter must show. Adapters call `run_all` from their own
//! tests with a factory for fresh, empty queues.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{future::Future, time::Duration};

use super::{QueueMessage, TaskQueue};

const WAIT: Duration = Duration::from_secs(1);
const LEASE: Duration = Duration::from_secs(30);

fn msg(group: &str, task: &str) -> QueueMessage {
    QueueMessage::for_task(task, group)
}

fn tasks(deliveries: &[super::Delivery]) -> Vec<String> {
    let mut out: Vec<String> = deliveries.iter().flat_map(|d| d.message.task_uris.clone()).collect();
    out.sort();
    out
}

/// Runs every case, each on a queue from `fresh`.
pub async fn run_all<F, Fut>(mut fresh: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Box<dyn TaskQueue>>,
{
    a_published_message_is_received_once_with_its_tasks(fresh().await.as_ref()).await;
    a_group_is_delivered_in_order_one_message_at_a_time(fresh().await.as_ref()).await;
    a_duplicate_publish_is_dropped(fresh().await.as_ref()).await;
    an_unacknowledged_message_comes_back_after_its_lease(fresh().await.as_ref()).await;
    an_extended_lease_keeps_the_message_hidden(fresh().await.as_ref()).await;
    a_released_message_comes_back_after_its_delay(fresh().await.as_ref()).await;
    a_dead_lettered_message_leaves_the_queue(fresh().await.as_ref()).await;
}

async fn a_published_message_is_received_once_with_its_tasks(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "t1")]).await.expect("publish");
    assert_eq!(q.depth().await.expect("depth"), 1, "depth after publish");
    let got = q.receive(10, WAIT, LEASE).await.expect("receive");
    assert_eq!(got.len(), 1, "one delivery");
    assert_eq!(got[0].message.task_uris, vec!["t1".to_owned()]);
    assert_eq!(got[0].message.group_id, "g1");
    assert_eq!(got[0].receive_count, 1);
    assert!(q.receive(10, WAIT, LEASE).await.expect("receive").is_empty(), "leased messages stay hidden");
    q.ack(&got[0]).await.expect("ack");
    assert_eq!(q.depth().await.expect("depth"), 0, "depth after ack");
}

async fn a_group_is_delivered_in_order_one_message_at_a_time(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "a"), msg("g1", "b"), msg("g2", "c")]).await.expect("publish");
    let first = q.receive(10, WAIT, LEASE).await.expect("receive");
    assert_eq!(tasks(&first), vec!["a".to_owned(), "c".to_owned()], "b waits behind a");
    for d in &first {
        q.ack(d).await.expect("ack");
    }
    let second = q.receive(10, WAIT, LEASE).await.expect("receive");
    assert_eq!(tasks(&second), vec!["b".to_owned()]);
    q.ack(&second[0]).await.expect("ack");
}

async fn a_duplicate_publish_is_dropped(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "same")]).await.expect("publish");
    q.publish(&[msg("g1", "same")]).await.expect("publish again");
    let got = q.receive(10, WAIT, LEASE).await.expect("receive");
    assert_eq!(tasks(&got), vec!["same".to_owned()]);
    q.ack(&got[0]).await.expect("ack");
    assert!(q.receive(10, WAIT, LEASE).await.expect("receive").is_empty(), "the duplicate was dropped");
}

async fn an_unacknowledged_message_comes_back_after_its_lease(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "t")]).await.expect("publish");
    let got = q.receive(1, WAIT, Duration::from_secs(1)).await.expect("receive");
    assert_eq!(got.len(), 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = q.receive(1, Duration::from_secs(2), LEASE).await.expect("receive");
    assert_eq!(tasks(&again), vec!["t".to_owned()], "redelivered after the lease ran out");
    assert_eq!(again[0].receive_count, 2);
    q.ack(&again[0]).await.expect("ack with the new receipt");
}

async fn an_extended_lease_keeps_the_message_hidden(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "t")]).await.expect("publish");
    let got = q.receive(1, WAIT, Duration::from_secs(1)).await.expect("receive");
    q.extend(&got[0], Duration::from_secs(30)).await.expect("extend");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(q.receive(1, WAIT, LEASE).await.expect("receive").is_empty(), "still leased");
    q.ack(&got[0]).await.expect("ack");
}

async fn a_released_message_comes_back_after_its_delay(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "t")]).await.expect("publish");
    let got = q.receive(1, WAIT, LEASE).await.expect("receive");
    q.release(&got[0], Duration::ZERO).await.expect("release");
    let again = q.receive(1, Duration::from_secs(2), LEASE).await.expect("receive");
    assert_eq!(tasks(&again), vec!["t".to_owned()]);
    assert_eq!(again[0].receive_count, 2);
    q.ack(&again[0]).await.expect("ack");
}

async fn a_dead_lettered_message_leaves_the_queue(q: &dyn TaskQueue) {
    q.publish(&[msg("g1", "poison"), msg("g1", "next")]).await.expect("publish");
    let got = q.receive(1, WAIT, LEASE).await.expect("receive");
    assert_eq!(tasks(&got), vec!["poison".to_owned()]);
    q.dead_letter(&got[0], "boom").await.expect("dead letter");
    let dead = q.dead_letters(10).await.expect("dead letters");
    assert_eq!(dead.iter().flat_map(|m| m.task_uris.clone()).collect::<Vec<_>>(), vec!["poison".to_owned()]);
    let next = q.receive(1, WAIT, LEASE).await.expect("receive");
    assert_eq!(tasks(&next), vec!["next".to_owned()], "the group moves on");
    q.ack(&next[0]).await.expect("ack");
}
