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
