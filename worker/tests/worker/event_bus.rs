//! The event-bus relay with a bus that records what it is given, on Postgres and SQLite: its
//! first run starts at the newest event; after that every event is put once it is recorded, in
//! recording order; a partly refused batch is put again from its first refused event, so
//! nothing is lost and nothing skips ahead; test events never reach the bus.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::Value;
use sluice_core::{
    events::{BusError, BusEvent, EventBus, TEST_EVENT_TYPE},
    on_both_backends,
    testkit::Backend,
};
use sluice_worker::{EventBusRelay, Metrics};
use tokio_util::sync::CancellationToken;

use super::webhooks::{wait_for, world};

/// Records every put; refuses the entry at `refuse_at` of the put numbered `refuse_on` (from 0).
#[derive(Default)]
struct RecordingBus {
    puts: Mutex<Vec<Vec<BusEvent>>>,
    accepted: Mutex<Vec<BusEvent>>,
    refuse: Option<(usize, usize)>,
}

#[async_trait::async_trait]
impl EventBus for RecordingBus {
    fn name(&self) -> &str {
        "recording-bus"
    }

    fn batch(&self) -> usize {
        10
    }

    async fn put(&self, events: &[BusEvent]) -> Result<usize, BusError> {
        let mut puts = self.puts.lock().expect("lock");
        let n = puts.len();
        puts.push(events.to_vec());
        let accepted = match self.refuse {
            Some((put, at)) if put == n => at.min(events.len()),
            _ => events.len(),
        };
        self.accepted.lock().expect("lock").extend_from_slice(&events[..accepted]);
        Ok(accepted)
    }
}

impl RecordingBus {
    fn accepted(&self) -> Vec<BusEvent> {
        self.accepted.lock().expect("lock").clone()
    }
}

async fn every_event_after_the_first_run_is_put_in_order_and_a_refusal_is_put_again(backend: Backend) {
    let w = world(backend).await;
    let (sub, _) = w.subscribe(&w.alice, &w.org, "http://127.0.0.1:9/never".into()).await;
    let before = w.dataset("Before the bus").await;
    let bus = Arc::new(RecordingBus { refuse: Some((0, 1)), ..Default::default() });
    let relay = w.core.event_relay();
    let first = relay.relay_once(bus.as_ref()).await.expect("first run");
    assert_eq!(first.put, 0, "the first run starts at the newest event");
    assert!(bus.puts.lock().expect("lock").is_empty(), "history is not put");

    let a = w.dataset("A").await;
    w.core.events().test_subscription(&w.alice, &sub).await.expect("test event");
    let b = w.dataset("B").await;
    w.delete(&a).await;
    let metrics = Metrics::new();
    let stop = CancellationToken::new();
    let running = tokio::spawn(
        EventBusRelay::new(relay.clone(), bus.clone()).with_metrics(metrics.clone()).run(stop.clone()),
    );
    wait_for("three events on the bus", async || bus.accepted().len() >= 3).await;
    // Recorded while the relay waits: put without a poll.
    w.delete(&b).await;
    wait_for("the fourth", async || bus.accepted().len() >= 4).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.cancel();
    running.await.expect("the loop ends");

    let accepted = bus.accepted();
    let seen: Vec<(String, String)> = accepted
        .iter()
        .map(|e| {
            let body: Value = serde_json::from_str(&e.body).expect("JSON");
            assert_eq!(body["id"], e.event_uri.as_str(), "the detail is the event as webhooks get it");
            assert_eq!(body["organizationUri"], w.org.as_str());
            (e.event_type.clone(), e.target_uri.clone())
        })
        .collect();
    let expected: Vec<(String, String)> =
        [("dataset.created", &a), ("dataset.created", &b), ("dataset.deleted", &a), ("dataset.deleted", &b)]
            .into_iter()
            .map(|(t, u)| (t.to_owned(), u.clone()))
            .collect();
    assert_eq!(seen, expected, "each event once, in recording order; no test event, nothing from before");
    assert!(accepted.iter().all(|e| e.event_type != TEST_EVENT_TYPE && e.target_uri != before));
    let puts = bus.puts.lock().expect("lock").clone();
    assert_eq!(puts[0].len(), 3, "the first batch: both creations and the deletion");
    assert_eq!(puts[1][0].event_type, "dataset.created", "put again from the refused entry");
    assert_eq!(puts[1][0].target_uri, b);
    let text = metrics.render();
    assert!(text.contains("sluice_event_bus_total{outcome=\"refused\"} 1\n"), "{text}");
    assert!(text.contains("sluice_event_bus_total{outcome=\"put\"} 4\n"), "{text}");
}

on_both_backends!(every_event_after_the_first_run_is_put_in_order_and_a_refusal_is_put_again);

/// Two worker replicas, each with its relay on the same bus: one holds the bus and puts, the
/// other puts nothing while that one is there, and takes over from the cursor when the holder
/// dies (its lease runs out) or hands the bus back.
async fn one_replica_puts_a_bus_and_another_takes_over_when_the_holder_goes(backend: Backend) {
    let w = world(backend).await;
    let bus = Arc::new(RecordingBus::default());
    let first = w.core.event_relay().with_lease(Duration::from_millis(400));
    let second = w.core.event_relay();
    assert!(
        !first.relay_once(bus.as_ref()).await.expect("first").held_elsewhere,
        "the first relay takes the bus"
    );
    let step = second.relay_once(bus.as_ref()).await.expect("second");
    assert!(step.held_elsewhere, "the second waits while the first holds the bus");

    let a = w.dataset("A").await;
    let step = second.relay_once(bus.as_ref()).await.expect("second");
    assert_eq!((step.held_elsewhere, step.put), (true, 0), "the second puts nothing while the first holds");
    assert_eq!(first.relay_once(bus.as_ref()).await.expect("first").put, 1);

    // The first replica dies: no release, its lease runs out.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let b = w.dataset("B").await;
    let step = second.relay_once(bus.as_ref()).await.expect("second");
    assert_eq!((step.held_elsewhere, step.put), (false, 1), "the second takes over from the cursor");
    assert!(first.relay_once(bus.as_ref()).await.expect("first").held_elsewhere, "the first's lease is gone");

    // A clean stop hands the bus over at once.
    second.release(bus.name()).await.expect("release");
    let c = w.dataset("C").await;
    let step = first.relay_once(bus.as_ref()).await.expect("first");
    assert_eq!((step.held_elsewhere, step.put), (false, 1), "the first holds the bus again");

    let targets: Vec<String> = bus.accepted().iter().map(|e| e.target_uri.clone()).collect();
    assert_eq!(targets, vec![a, b, c], "each event once, in order, across the hand-overs");
}

on_both_backends!(one_replica_puts_a_bus_and_another_takes_over_when_the_holder_goes);

/// Two replicas' relay loops running side by side put each event once.
async fn two_running_replicas_put_each_event_once(backend: Backend) {
    let w = world(backend).await;
    let bus = Arc::new(RecordingBus::default());
    let stop = CancellationToken::new();
    let loops: Vec<_> = (0..2)
        .map(|_| tokio::spawn(EventBusRelay::new(w.core.event_relay(), bus.clone()).run(stop.clone())))
        .collect();
    // Both loops have looked once (the first run starts at the newest event).
    wait_for("a relay cursor", async || {
        w.core.event_relay().position(bus.name()).await.expect("cursor").is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut made = Vec::new();
    for name in ["A", "B", "C", "D"] {
        made.push(w.dataset(name).await);
    }
    wait_for("four events on the bus", async || bus.accepted().len() >= 4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.cancel();
    for running in loops {
        running.await.expect("the loop ends");
    }
    let targets: Vec<String> = bus.accepted().iter().map(|e| e.target_uri.clone()).collect();
    assert_eq!(targets, made, "each event once, in recording order");
}

on_both_backends!(two_running_replicas_put_each_event_once);
