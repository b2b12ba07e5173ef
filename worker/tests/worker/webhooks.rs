//! Webhook delivery end to end, on Postgres and SQLite: real domain changes record events, the
//! delivery loop POSTs them to a tiny HTTP server on 127.0.0.1, and the tests check what that
//! server received: each event once, in order per target, signed so the signature verifies;
//! a failing subscriber retried and then dead-lettered while the others keep receiving; an
//! organization's events never reaching another's subscribers; nothing lost across a restart.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
};
use serde_json::Value;
use sluice_core::{
    Actor, Core,
    datasets::NewDataset,
    environments::NewEnvironment,
    events::{
        DeliveryFilter, DeliveryStatus, NewSubscription, RetryPolicy, TEST_EVENT_TYPE, TargetPolicy, verify,
    },
    on_both_backends,
    organizations::NewOrganization,
    page::PageRequest,
    testkit::{Backend, TestDb, fake_aws, user},
};
use sluice_worker::{Metrics, WebhookDelivery, WebhookSettings};
use tokio_util::sync::CancellationToken;

/// One request the receiver got: its signature header and body.
type Request = (String, String);

/// What the receiver got, per path.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<HashMap<String, Vec<Request>>>>);

impl Received {
    fn at(&self, path: &str) -> Vec<(String, String)> {
        self.0.lock().expect("lock").get(path).cloned().unwrap_or_default()
    }
}

/// `/ok/<name>` answers 204, `/fail/<name>` 500; both keep what they were sent.
async fn receiver() -> (String, Received) {
    async fn hook(
        State(received): State<Received>,
        Path((kind, name)): Path<(String, String)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let signature =
            headers.get("sluice-signature").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let body = String::from_utf8_lossy(&body).into_owned();
        received.0.lock().expect("lock").entry(format!("{kind}/{name}")).or_default().push((signature, body));
        if kind == "ok" { StatusCode::NO_CONTENT } else { StatusCode::INTERNAL_SERVER_ERROR }
    }
    let received = Received::default();
    let app = Router::new().route("/{kind}/{name}", post(hook)).with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (base, received)
}

fn settings() -> WebhookSettings {
    WebhookSettings {
        targets: TargetPolicy { allow_private: true },
        retry: RetryPolicy {
            max_attempts: 3,
            backoff_base: Duration::from_millis(50),
            backoff_max: Duration::from_millis(200),
            lease: Duration::from_millis(800),
        },
        timeout: Duration::from_secs(2),
        concurrency: 4,
    }
}

struct Running {
    stop: CancellationToken,
    handle: tokio::task::JoinHandle<()>,
}

impl Running {
    fn start(core: &Core) -> Self {
        Self::start_with(core, settings())
    }

    fn start_with(core: &Core, settings: WebhookSettings) -> Self {
        Self::spawn(WebhookDelivery::new(core, settings).expect("client"))
    }

    /// Counting each attempt's outcome in `metrics`.
    fn start_counted(core: &Core, metrics: Arc<Metrics>) -> Self {
        Self::spawn(WebhookDelivery::new(core, settings()).expect("client").with_metrics(metrics))
    }

    fn spawn(delivery: WebhookDelivery) -> Self {
        let stop = CancellationToken::new();
        let handle = tokio::spawn(delivery.run(stop.clone()));
        Self { stop, handle }
    }

    async fn stop(self) {
        self.stop.cancel();
        self.handle.await.expect("the loop ends");
    }
}

pub(super) struct World {
    _db: TestDb,
    pub(super) core: Core,
    pub(super) alice: Actor,
    pub(super) org: String,
    env: String,
    /// Another organization, of TeamX (xena).
    other_org: String,
    xena: Actor,
}

pub(super) async fn world(backend: Backend) -> World {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone())
        .with_aws(fake_aws::aws_settings())
        .with_event_targets(TargetPolicy { allow_private: true });
    let alice = user("alice", &["TeamA"]);
    let xena = user("xena", &["TeamX"]);
    let mut orgs = Vec::new();
    for (actor, team) in [(&alice, "TeamA"), (&xena, "TeamX")] {
        core.admit(actor).await.expect("admit");
        let new = NewOrganization {
            label: Some(format!("Org of {team}")),
            saml_group_name: Some(team.into()),
            ..Default::default()
        };
        orgs.push(core.organizations().create(actor, new).await.expect("org").organization_uri);
    }
    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "E".into(),
                organization_uri: orgs[0].clone(),
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env")
        .environment_uri;
    World { _db: db, core, alice, org: orgs[0].clone(), env, other_org: orgs[1].clone(), xena }
}

impl World {
    pub(super) async fn subscribe(&self, actor: &Actor, org: &str, url: String) -> (String, String) {
        let new = NewSubscription {
            organization_uri: org.to_owned(),
            label: "hook".into(),
            endpoint: url,
            event_types: vec!["dataset.created".into(), "dataset.deleted".into()],
        };
        let created = self.core.events().create_subscription(actor, new).await.expect("subscribe");
        (created.subscription.subscription_uri, created.secret)
    }

    pub(super) async fn dataset(&self, label: &str) -> String {
        let new = NewDataset {
            label: label.into(),
            environment_uri: self.env.clone(),
            saml_admin_group_name: "TeamA".into(),
            ..Default::default()
        };
        self.core.datasets().create(&self.alice, new).await.expect("dataset").dataset_uri.clone()
    }

    pub(super) async fn delete(&self, dataset: &str) {
        self.core.datasets().delete(&self.alice, dataset, false).await.expect("deleted");
    }

    async fn deliveries(&self, subscription: &str) -> Vec<sluice_core::events::Delivery> {
        let page = PageRequest::new(Some(1), Some(100)).expect("page");
        let filter = DeliveryFilter::default();
        self.core.events().list_deliveries(&self.alice, subscription, &filter, page).await.expect("log").nodes
    }
}

pub(super) async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The bodies as JSON, after checking each one's signature with `secret`.
fn verified(received: &[(String, String)], secret: &str) -> Vec<Value> {
    received
        .iter()
        .map(|(signature, body)| {
            assert!(
                verify(secret, signature, body.as_bytes()).is_some(),
                "the signature verifies: {signature}"
            );
            serde_json::from_str(body).expect("JSON")
        })
        .collect()
}

/// Event types and targets in the order received, for one target.
fn for_target(events: &[Value], target: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["target"]["uri"] == target)
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect()
}

async fn subscribers_receive_each_event_once_in_order_and_a_failing_one_is_dead_lettered(backend: Backend) {
    let w = world(backend).await;
    let (base, received) = receiver().await;
    let (good, good_secret) = w.subscribe(&w.alice, &w.org, format!("{base}/ok/good")).await;
    let (bad, _) = w.subscribe(&w.alice, &w.org, format!("{base}/fail/bad")).await;
    let (_, _) = w.subscribe(&w.xena, &w.other_org, format!("{base}/ok/other")).await;
    let running = Running::start(&w.core);

    let first = w.dataset("Secret Orders").await;
    let second = w.dataset("Invoices").await;
    w.delete(&first).await;

    wait_for("three deliveries to the good subscriber", async || received.at("ok/good").len() >= 3).await;
    wait_for("the failing subscriber's dead letters", async || {
        let log = w.deliveries(&bad).await;
        log.len() == 3 && log.iter().all(|d| d.status == DeliveryStatus::Dead)
    })
    .await;
    // Time for a duplicate to show up, were there one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.stop().await;

    let events = verified(&received.at("ok/good"), &good_secret);
    assert_eq!(events.len(), 3, "each event once: {events:?}");
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().expect("id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three distinct events");
    assert_eq!(for_target(&events, &first), ["dataset.created", "dataset.deleted"], "in order per target");
    assert_eq!(for_target(&events, &second), ["dataset.created"]);
    for e in &events {
        assert_eq!(e["organizationUri"], w.org.as_str());
        assert_eq!(e["actor"], "alice");
        assert!(e["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{e}");
        assert_eq!(e["ids"]["environmentUri"], w.env.as_str());
    }
    let raw: String = received.at("ok/good").into_iter().map(|(_, b)| b).collect();
    assert!(!raw.contains("Secret Orders"), "ids, never data values: {raw}");
    let log = w.deliveries(&good).await;
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Delivered && d.attempts == 1), "{log:?}");
    assert!(log.iter().all(|d| d.last_status_code == Some(204)), "{log:?}");

    // The failing subscriber: three attempts per event, then the dead letter; and its events
    // about one target stayed in order, each tried only after the one before it was given up.
    let attempts = received.at("fail/bad");
    assert_eq!(attempts.len(), 9, "three attempts for each of three events");
    let bad_events: Vec<Value> =
        attempts.iter().map(|(_, b)| serde_json::from_str(b).expect("JSON")).collect();
    let order = for_target(&bad_events, &first);
    let expected: Vec<String> =
        ["dataset.created"; 3].into_iter().chain(["dataset.deleted"; 3]).map(String::from).collect();
    assert_eq!(order, expected);
    let log = w.deliveries(&bad).await;
    assert!(log.iter().all(|d| d.attempts == 3 && d.last_status_code == Some(500)), "{log:?}");

    assert!(received.at("ok/other").is_empty(), "another organization's subscriber hears nothing of these");
}

async fn events_committed_while_no_worker_runs_are_delivered_after_a_restart(backend: Backend) {
    let w = world(backend).await;
    let (base, received) = receiver().await;
    let (sub, secret) = w.subscribe(&w.alice, &w.org, format!("{base}/ok/hook")).await;

    // Committed with no delivery loop running: as if the worker was down.
    let first = w.dataset("A").await;
    let second = w.dataset("B").await;
    // A worker that claimed a delivery and died before sending it: the claim's lease runs out.
    let outbox = w.core.event_outbox();
    outbox.fan_out(100).await.expect("fan out");
    let claimed = outbox.claim_due(1, &settings().retry).await.expect("claim");
    assert_eq!(claimed.len(), 1);

    let running = Running::start(&w.core);
    wait_for("both events", async || received.at("ok/hook").len() >= 2).await;
    running.stop().await;
    // Recorded while stopped, delivered by the next worker.
    w.delete(&second).await;
    let running = Running::start(&w.core);
    wait_for("the third event", async || received.at("ok/hook").len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.stop().await;

    let events = verified(&received.at("ok/hook"), &secret);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(for_target(&events, &first), ["dataset.created"]);
    assert_eq!(for_target(&events, &second), ["dataset.created", "dataset.deleted"]);
    let log = w.deliveries(&sub).await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Delivered), "{log:?}");
    let retried = log.iter().find(|d| d.delivery_uri == claimed[0].delivery_uri).expect("the claimed one");
    assert_eq!(retried.attempts, 2, "the dead worker's attempt counts; the next one delivered it");
    assert_eq!(outbox.backlog().await.expect("backlog"), (0, 0), "nothing left behind");
}

async fn a_target_refused_by_the_policy_at_delivery_time_is_never_called(backend: Backend) {
    let w = world(backend).await;
    let (base, received) = receiver().await;
    // Created while private targets were allowed; delivered by a worker that allows none.
    let (sub, _) = w.subscribe(&w.alice, &w.org, format!("{base}/ok/internal")).await;
    let strict = WebhookSettings { targets: TargetPolicy { allow_private: false }, ..settings() };
    let running = Running::start_with(&w.core, strict);
    w.dataset("A").await;
    wait_for("the dead letter", async || {
        w.deliveries(&sub).await.first().is_some_and(|d| d.status == DeliveryStatus::Dead)
    })
    .await;
    running.stop().await;
    assert!(received.at("ok/internal").is_empty(), "no request left the worker");
    let log = w.deliveries(&sub).await;
    assert_eq!(log[0].last_status_code, None);
    assert!(log[0].last_error.as_deref().is_some_and(|e| e.contains("https://")), "{log:?}");
}

async fn a_test_event_reaches_its_webhook_alone_and_a_redelivered_dead_letter_gets_a_new_round(
    backend: Backend,
) {
    let w = world(backend).await;
    let (base, received) = receiver().await;
    let (good, good_secret) = w.subscribe(&w.alice, &w.org, format!("{base}/ok/good")).await;
    let (bad, _) = w.subscribe(&w.alice, &w.org, format!("{base}/fail/bad")).await;
    let (_, _) = w.subscribe(&w.alice, &w.org, format!("{base}/ok/other")).await;
    let events = w.core.events();

    let test = events.test_subscription(&w.alice, &good).await.expect("test");
    assert_eq!((test.status, test.event_type.as_str()), (DeliveryStatus::Pending, TEST_EVENT_TYPE));
    let again = events.test_subscription(&w.alice, &good).await.expect_err("one pending test at a time");
    assert!(matches!(again, sluice_core::Error::Conflict(_)), "{again:?}");
    let refused = events.test_subscription(&w.xena, &good).await.expect_err("not xena's");
    assert!(
        matches!(refused, sluice_core::Error::NotFound { .. } | sluice_core::Error::Forbidden(_)),
        "{refused:?}"
    );
    events.test_subscription(&w.alice, &bad).await.expect("test the failing one");

    let metrics = Metrics::new();
    let running = Running::start_counted(&w.core, metrics.clone());
    wait_for("the test event", async || !received.at("ok/good").is_empty()).await;
    wait_for("the failing test's dead letter", async || {
        w.deliveries(&bad).await.first().is_some_and(|d| d.status == DeliveryStatus::Dead)
    })
    .await;
    let body = &verified(&received.at("ok/good"), &good_secret)[0];
    assert_eq!(body["type"], TEST_EVENT_TYPE);
    assert_eq!(body["target"]["uri"], good.as_str());
    assert_eq!(body["ids"]["subscriptionUri"], good.as_str());
    assert_eq!(body["organizationUri"], w.org.as_str());
    // A delivered test may be sent again.
    wait_for("the test delivered", async || {
        w.deliveries(&good).await.first().is_some_and(|d| d.status == DeliveryStatus::Delivered)
    })
    .await;
    let delivered = w.deliveries(&good).await[0].delivery_uri.clone();
    let not_dead = events.redeliver(&w.alice, &delivered).await.expect_err("only dead letters");
    assert!(matches!(not_dead, sluice_core::Error::InvalidState(_)), "{not_dead:?}");

    let dead = w.deliveries(&bad).await[0].clone();
    assert_eq!(received.at("fail/bad").len(), 3, "three attempts before the dead letter");
    let refused = events.redeliver(&w.xena, &dead.delivery_uri).await.expect_err("not xena's");
    assert!(
        matches!(refused, sluice_core::Error::NotFound { .. } | sluice_core::Error::Forbidden(_)),
        "{refused:?}"
    );
    let missing = events.redeliver(&w.alice, "nosuchdl").await.expect_err("missing");
    assert_eq!(
        std::mem::discriminant(&missing),
        std::mem::discriminant(&refused),
        "a missing delivery is refused as another organization's"
    );
    let again = events.redeliver(&w.alice, &dead.delivery_uri).await.expect("redeliver");
    assert_eq!((again.status, again.attempts), (DeliveryStatus::Pending, 0));
    wait_for("the second round's dead letter", async || {
        w.deliveries(&bad).await.first().is_some_and(|d| d.status == DeliveryStatus::Dead)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.stop().await;

    let attempts = received.at("fail/bad");
    assert_eq!(attempts.len(), 6, "a fresh round of three attempts");
    assert!(attempts.iter().all(|(_, b)| b.contains(&dead.event_uri)), "the same event, the same id");
    assert_eq!(received.at("ok/good").len(), 1, "the test event once");
    assert!(received.at("ok/other").is_empty(), "a test event goes to its webhook alone");
    let text = metrics.render();
    for (outcome, n) in [("delivered", 1), ("retried", 4), ("dead", 2)] {
        let line = format!("sluice_webhook_attempts_total{{outcome=\"{outcome}\"}} {n}\n");
        assert!(text.contains(&line), "{line} in {text}");
    }
}

on_both_backends!(
    a_test_event_reaches_its_webhook_alone_and_a_redelivered_dead_letter_gets_a_new_round,
    a_target_refused_by_the_policy_at_delivery_time_is_never_called,
    subscribers_receive_each_event_once_in_order_and_a_failing_one_is_dead_lettered,
    events_committed_while_no_worker_runs_are_delivered_after_a_restart,
);
