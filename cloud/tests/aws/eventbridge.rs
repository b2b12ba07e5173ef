//! The EventBridge bus against moto: a rule on source `sluice` forwards the entries to an SQS
//! FIFO queue, where the tests read what arrived. Entries carry the event type as detail type
//! and the event as detail; more than ten events go in several requests, all arriving in order;
//! a refused entry ends what the put reports as accepted; a missing bus says what to do.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use serde_json::{Value, json};
use sluice_cloud::{
    BusRef, EventBridgeBus,
    sdk::{
        aws_config::SdkConfig,
        eventbridge::{
            self,
            config::{
                ConfigBag, Intercept, RuntimeComponents, interceptors::BeforeTransmitInterceptorContextRef,
            },
            error::BoxError,
            types::{SqsParameters, Target},
        },
        sqs::{self, types::QueueAttributeName},
    },
};
use sluice_core::events::{BusEvent, EventBus};

use crate::{config, unique};

/// Counts the requests a client sends.
#[derive(Debug, Clone, Default)]
struct Requests(Arc<AtomicUsize>);

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl Requests {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A bus, and a FIFO queue its rule on source `sluice` forwards to.
struct Harness {
    config: SdkConfig,
    bus_name: String,
    sqs: sqs::Client,
    queue_url: String,
}

impl Harness {
    async fn new() -> Self {
        let config = config().await;
        let events = eventbridge::Client::new(&config);
        let sqs = sqs::Client::new(&config);
        let bus_name = unique("bus");
        events.create_event_bus().name(&bus_name).send().await.expect("create the bus");
        let queue_url = sqs
            .create_queue()
            .queue_name(format!("{}.fifo", unique("bus-target")))
            .attributes(QueueAttributeName::FifoQueue, "true")
            // EventBridge sends to FIFO queues without deduplication ids.
            .attributes(QueueAttributeName::ContentBasedDeduplication, "true")
            .send()
            .await
            .expect("create the queue")
            .queue_url
            .expect("queue url");
        let queue_arn = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("queue attributes")
            .attributes
            .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
            .expect("queue arn");
        events
            .put_rule()
            .name("sluice-events")
            .event_bus_name(&bus_name)
            .event_pattern(json!({"source": ["sluice"]}).to_string())
            .send()
            .await
            .expect("put the rule");
        let target = Target::builder()
            .id("queue")
            .arn(queue_arn)
            .sqs_parameters(SqsParameters::builder().message_group_id("sluice").build())
            .build()
            .expect("target");
        events
            .put_targets()
            .rule("sluice-events")
            .event_bus_name(&bus_name)
            .targets(target)
            .send()
            .await
            .expect("put the target");
        Self { config, bus_name, sqs, queue_url }
    }

    /// The adapter on this bus (by `given`, its name or ARN), counting its requests.
    fn bus(&self, given: &str) -> (EventBridgeBus, Requests) {
        let requests = Requests::default();
        let conf = eventbridge::config::Builder::from(&self.config).interceptor(requests.clone()).build();
        let bus =
            EventBridgeBus::new(eventbridge::Client::from_conf(conf), BusRef::parse(given).expect("bus"));
        (bus, requests)
    }

    /// Every message on the queue, in order, as EventBridge's JSON envelopes.
    async fn arrived(&self) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("receive");
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return all;
            }
            for m in messages {
                all.push(serde_json::from_str(m.body().expect("body")).expect("JSON envelope"));
                let handle = m.receipt_handle().expect("receipt handle");
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .expect("delete");
            }
        }
    }
}

fn event(n: usize, event_type: &str) -> BusEvent {
    let id = format!("ev{n:03}");
    let target = format!("d{n:03}");
    BusEvent {
        event_uri: id.clone(),
        event_type: event_type.into(),
        organization_uri: "o1".into(),
        target_uri: target.clone(),
        body: json!({
            "id": id, "type": event_type, "time": "2026-12-09T10:15:02.123Z", "organizationUri": "o1",
            "actor": "alice", "target": {"uri": target, "type": "dataset"}, "ids": {"datasetUri": target},
        })
        .to_string(),
    }
}

#[tokio::test]
async fn entries_arrive_with_source_detail_type_and_detail() {
    let h = Harness::new().await;
    let (bus, requests) = h.bus(&h.bus_name);
    assert_eq!((bus.name(), bus.batch()), (h.bus_name.as_str(), 10));
    let events = [event(1, "dataset.created"), event(2, "share.approved")];

    assert_eq!(bus.put(&events).await.expect("put"), 2);

    assert_eq!(requests.count(), 1);
    let arrived = h.arrived().await;
    assert_eq!(arrived.len(), 2);
    for (envelope, sent) in arrived.iter().zip(&events) {
        assert_eq!(envelope["source"], "sluice");
        assert_eq!(envelope["detail-type"], sent.event_type.as_str());
        let body: Value = serde_json::from_str(&sent.body).expect("JSON");
        assert_eq!(envelope["detail"], body, "the detail is the event as webhooks get it");
    }
}

#[tokio::test]
async fn more_than_ten_events_go_in_several_requests_and_all_arrive_in_order() {
    let h = Harness::new().await;
    // By ARN this time: moto keeps its default account and region.
    let arn = format!("arn:aws:events:us-east-1:123456789012:event-bus/{}", h.bus_name);
    let (bus, requests) = h.bus(&arn);
    assert_eq!(bus.name(), h.bus_name, "the cursor is kept under the name either way");
    let events: Vec<BusEvent> = (0..23).map(|n| event(n, "dataset.created")).collect();

    assert_eq!(bus.put(&events).await.expect("put"), 23);

    assert_eq!(requests.count(), 3, "10 + 10 + 3 entries");
    let ids: Vec<String> =
        h.arrived().await.iter().map(|e| e["detail"]["id"].as_str().expect("id").to_owned()).collect();
    let sent: Vec<String> = events.iter().map(|e| e.event_uri.clone()).collect();
    assert_eq!(ids, sent);
}

#[tokio::test]
async fn a_refused_entry_ends_what_counts_as_accepted() {
    let h = Harness::new().await;
    let (bus, requests) = h.bus(&h.bus_name);
    let mut events: Vec<BusEvent> = (0..14).map(|n| event(n, "dataset.created")).collect();
    // EventBridge refuses a detail that is not JSON, entry by entry (MalformedDetail).
    events[3].body = "not json".into();

    assert_eq!(bus.put(&events).await.expect("put"), 3, "the entries before the refused one");

    assert_eq!(requests.count(), 1, "nothing after the request with the refusal");
    let arrived: Vec<Value> = h.arrived().await.iter().map(|e| e["detail"]["id"].clone()).collect();
    // EventBridge takes the entries after a refused one; the relay puts them again (at least once).
    assert_eq!(&arrived[..3], &[json!("ev000"), json!("ev001"), json!("ev002")]);
    assert!(!arrived.contains(&json!("ev010")), "the second request was never sent");
}

#[tokio::test]
async fn an_event_too_large_for_eventbridge_holds_the_relay_and_says_why() {
    let h = Harness::new().await;
    let (bus, requests) = h.bus(&h.bus_name);
    let mut huge = event(2, "dataset.created");
    huge.body = json!({"id": "ev002", "padding": "x".repeat(300 * 1024)}).to_string();
    let events = [event(1, "dataset.created"), huge.clone()];

    assert_eq!(bus.put(&events).await.expect("the one before"), 1);
    let err = bus.put(&[huge]).await.expect_err("too large");
    assert!(err.to_string().contains("ev002") && err.to_string().contains("262144"), "{err}");
    assert_eq!(requests.count(), 1, "the oversized entry is never sent");
    assert_eq!(h.arrived().await.len(), 1);
}

#[tokio::test]
async fn a_missing_bus_says_what_to_do() {
    let h = Harness::new().await;
    let (bus, _) = h.bus(&unique("no-such-bus"));
    let err = bus.put(&[event(1, "dataset.created")]).await.expect_err("no bus");
    let text = err.to_string();
    assert!(text.contains("ResourceNotFoundException") && text.contains("SLUICE_EVENTBRIDGE_BUS"), "{text}");
}
