//! The worker with `SLUICE_EVENTBRIDGE_BUS` set, against moto, on Postgres and SQLite: real
//! domain changes record events, the pipeline's relay puts them on an EventBridge bus, and a
//! rule on source `sluice` forwards them to an SQS FIFO queue, where they must arrive in
//! recording order, as entries whose detail type is the event type and whose detail is the
//! event: ids, never the datasets' labels.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};
use sluice_cloud::{
    BusRef,
    sdk::{
        aws_config::SdkConfig,
        eventbridge::{
            self,
            types::{SqsParameters, Target},
        },
        sqs::{self, types::QueueAttributeName},
    },
};
use sluice_core::{on_both_backends, tasks::TaskQueue, testkit::Backend};
use sluice_worker::{Metrics, WorkerSettings, serve::Pipeline};
use tokio_util::sync::CancellationToken;

use super::{
    support::no_launcher,
    webhooks::{wait_for, world},
};

/// A name no other test or run uses against the shared moto.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").subsec_nanos();
    format!("{prefix}-{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A bus whose rule on source `sluice` forwards to a FIFO queue.
struct BusToQueue {
    bus: String,
    sqs: sqs::Client,
    queue_url: String,
}

impl BusToQueue {
    async fn new(aws: &SdkConfig) -> Self {
        let events = eventbridge::Client::new(aws);
        let sqs = sqs::Client::new(aws);
        let bus = unique("worker-bus");
        events.create_event_bus().name(&bus).send().await.expect("create the bus");
        let queue = sqs
            .create_queue()
            .queue_name(format!("{}.fifo", unique("worker-bus-target")))
            .attributes(QueueAttributeName::FifoQueue, "true")
            .attributes(QueueAttributeName::ContentBasedDeduplication, "true")
            .send()
            .await
            .expect("create the queue");
        let queue_url = queue.queue_url.expect("queue url");
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("queue attributes");
        let queue_arn =
            attributes.attributes.and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned()).expect("arn");
        let pattern = json!({"source": ["sluice"]}).to_string();
        events.put_rule().name("all").event_bus_name(&bus).event_pattern(pattern).send().await.expect("rule");
        let target = Target::builder()
            .id("queue")
            .arn(queue_arn)
            .sqs_parameters(SqsParameters::builder().message_group_id("sluice").build())
            .build()
            .expect("target");
        events.put_targets().rule("all").event_bus_name(&bus).targets(target).send().await.expect("target");
        Self { bus, sqs, queue_url }
    }

    /// Reads the queue until `n` messages arrived (or half a minute passed).
    async fn arrived(&self, n: usize) -> Vec<String> {
        let mut bodies = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while bodies.len() < n && tokio::time::Instant::now() < deadline {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("receive");
            for m in out.messages.unwrap_or_default() {
                bodies.push(m.body().expect("body").to_owned());
                let handle = m.receipt_handle().expect("handle");
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .expect("delete");
            }
        }
        bodies
    }
}

async fn with_a_bus_configured_the_worker_puts_every_event_on_eventbridge_in_order(backend: Backend) {
    let w = world(backend).await;
    let moto = std::env::var("SLUICE_TEST_MOTO_URL")
        .expect("start moto (make test does) and set SLUICE_TEST_MOTO_URL");
    let aws = sluice_cloud::emulator_sdk_config(&moto).await;
    let target = BusToQueue::new(&aws).await;
    let pipeline = Pipeline {
        core: w.core.clone(),
        queue: Arc::new(w.core.embedded_queue()) as Arc<dyn TaskQueue>,
        launcher: no_launcher(),
        settings: WorkerSettings {
            eventbridge_bus: Some(BusRef::parse(&target.bus).expect("bus")),
            expiry_check: Duration::ZERO,
            ..WorkerSettings::default()
        },
        metrics: Metrics::new(),
        aws: Some(aws),
        search: Arc::new(sluice_search::TantivyIndex::in_memory().expect("index")),
    };
    let stop = CancellationToken::new();
    let mut running = pipeline.start(&stop, false, true);
    // A relay's first run starts at the newest event: record the events once it has its cursor.
    let relay = w.core.event_relay();
    wait_for("the relay's cursor", async || relay.position(&target.bus).await.expect("cursor").is_some())
        .await;

    let orders = w.dataset("Secret Orders").await;
    let payroll = w.dataset("Quarterly Payroll").await;
    w.delete(&orders).await;
    let bodies = target.arrived(3).await;
    stop.cancel();
    while running.join_next().await.is_some() {}

    for body in &bodies {
        assert!(!body.contains("Secret Orders") && !body.contains("Payroll"), "no data values: {body}");
    }
    let envelopes: Vec<Value> = bodies.iter().map(|b| serde_json::from_str(b).expect("JSON")).collect();
    let seen: Vec<(String, String)> = envelopes
        .iter()
        .map(|e| {
            assert_eq!(e["source"], "sluice");
            assert_eq!(e["detail-type"], e["detail"]["type"], "the detail type is the event type");
            let detail = e["detail"].as_object().expect("the detail is the event");
            let mut keys: Vec<&str> = detail.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["actor", "id", "ids", "organizationUri", "target", "time", "type"]);
            assert_eq!(e["detail"]["organizationUri"], w.org.as_str());
            assert_eq!(e["detail"]["actor"], "alice");
            let id = e["detail"]["id"].as_str().expect("a stable id");
            assert!(!id.is_empty());
            (e["detail-type"].as_str().expect("type").to_owned(), e["detail"]["target"]["uri"].to_string())
        })
        .collect();
    let expected: Vec<(String, String)> =
        [("dataset.created", &orders), ("dataset.created", &payroll), ("dataset.deleted", &orders)]
            .into_iter()
            .map(|(t, uri)| (t.to_owned(), json!(uri).to_string()))
            .collect();
    assert_eq!(seen, expected, "each event once, in recording order");
    let cursor = relay.position(&target.bus).await.expect("cursor").expect("kept");
    assert!(cursor > 0, "the cursor moved past what EventBridge accepted");
    let text = pipeline.metrics.render();
    assert!(text.contains("sluice_event_bus_total{outcome=\"put\"} 3\n"), "{text}");
}

on_both_backends!(with_a_bus_configured_the_worker_puts_every_event_on_eventbridge_in_order);
