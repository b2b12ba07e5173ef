//! The embedded queue and the dispatcher, on Postgres and SQLite.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use crate::{
    on_both_backends,
    tasks::{
        Delivery, EmbeddedQueue, NewTask, QueueError, QueueMessage, TaskQueue, TaskStatus,
        dispatcher::Dispatcher, queue_suite, store,
    },
    testkit::{Backend, TestDb},
};
use sea_orm::TransactionTrait;
use serde_json::json;

async fn the_embedded_queue_passes_the_shared_queue_suite(backend: Backend) {
    // Each case needs an empty queue; a fresh database per case gives one.
    let dbs = Arc::new(std::sync::Mutex::new(Vec::new()));
    queue_suite::run_all(|| {
        let dbs = dbs.clone();
        async move {
            let db = TestDb::new(backend).await;
            let queue = EmbeddedQueue::new(db.db.clone());
            dbs.lock().expect("lock").push(db);
            Box::new(queue) as Box<dyn TaskQueue>
        }
    })
    .await;
}

fn health_task() -> NewTask {
    NewTask {
        action: "test.noop".into(),
        target_uri: "res1".into(),
        target_type: "platform".into(),
        payload: json!({"n": 1}),
    }
}

async fn a_task_commits_with_its_change_and_the_dispatcher_publishes_it_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let queue = Arc::new(EmbeddedQueue::new(db.db.clone()));

    let txn = db.db.begin().await.expect("begin");
    let rolled_back = store::enqueue(&txn, health_task()).await.expect("enqueue");
    txn.rollback().await.expect("rollback");
    assert!(
        store::get(&db.db, &rolled_back.task_uri).await.expect("get").is_none(),
        "no task without its change"
    );

    let txn = db.db.begin().await.expect("begin");
    let task = store::enqueue(&txn, health_task()).await.expect("enqueue");
    txn.commit().await.expect("commit");

    let dispatcher = Dispatcher::new(db.db.clone(), queue.clone());
    assert_eq!(dispatcher.dispatch_once().await.expect("dispatch"), 1);
    assert_eq!(
        dispatcher.dispatch_once().await.expect("dispatch"),
        0,
        "a dispatched task is not published again"
    );
    let got = queue.receive(10, Duration::from_millis(200), Duration::from_secs(30)).await.expect("receive");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message, QueueMessage::for_task(&task.task_uri, "res1"));
    let stored = store::require(&db.db, &task.task_uri).await.expect("task");
    assert!(stored.dispatched_at.is_some());
    assert_eq!(stored.status, TaskStatus::Pending);
}

/// A queue that can be switched off, to stand for SQS being unreachable.
struct Flaky {
    inner: EmbeddedQueue,
    down: AtomicBool,
}

#[async_trait::async_trait]
impl TaskQueue for Flaky {
    fn kind(&self) -> &'static str {
        "flaky"
    }
    async fn publish(&self, messages: &[QueueMessage]) -> Result<(), QueueError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(QueueError::new("connection refused"));
        }
        self.inner.publish(messages).await
    }
    async fn receive(
        &self,
        max: usize,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        self.inner.receive(max, wait, visibility).await
    }
    async fn ack(&self, d: &Delivery) -> Result<(), QueueError> {
        self.inner.ack(d).await
    }
    async fn extend(&self, d: &Delivery, v: Duration) -> Result<(), QueueError> {
        self.inner.extend(d, v).await
    }
    async fn release(&self, d: &Delivery, v: Duration) -> Result<(), QueueError> {
        self.inner.release(d, v).await
    }
    async fn dead_letter(&self, d: &Delivery, r: &str) -> Result<(), QueueError> {
        self.inner.dead_letter(d, r).await
    }
    async fn depth(&self) -> Result<u64, QueueError> {
        self.inner.depth().await
    }
    async fn dead_letters(&self, max: usize) -> Result<Vec<QueueMessage>, QueueError> {
        self.inner.dead_letters(max).await
    }
}

async fn with_the_queue_down_tasks_wait_in_the_database_and_go_out_when_it_is_back(backend: Backend) {
    let db = TestDb::new(backend).await;
    let queue = Arc::new(Flaky { inner: EmbeddedQueue::new(db.db.clone()), down: AtomicBool::new(true) });
    let task = store::enqueue(&db.db, health_task()).await.expect("enqueue");
    let dispatcher = Dispatcher::new(db.db.clone(), queue.clone());

    assert!(dispatcher.dispatch_once().await.is_err(), "publishing fails while the queue is down");
    let waiting = store::require(&db.db, &task.task_uri).await.expect("task");
    assert_eq!(
        (waiting.status, waiting.dispatched_at),
        (TaskStatus::Pending, None),
        "the task is kept, unmarked"
    );

    queue.down.store(false, Ordering::SeqCst);
    assert_eq!(dispatcher.dispatch_once().await.expect("dispatch"), 1);
    let got = queue.receive(10, Duration::from_millis(200), Duration::from_secs(30)).await.expect("receive");
    assert_eq!(got[0].message.task_uris, vec![task.task_uri.clone()]);
}

async fn status_changes_are_conditional(backend: Backend) {
    let db = TestDb::new(backend).await;
    let task = store::enqueue(&db.db, health_task()).await.expect("enqueue");
    assert!(
        !store::succeed(&db.db, &task.task_uri, &json!({})).await.expect("succeed"),
        "pending cannot succeed"
    );
    let started = store::start(&db.db, &task.task_uri).await.expect("start").expect("started");
    assert_eq!((started.status, started.attempts), (TaskStatus::Started, 1));
    assert!(store::succeed(&db.db, &task.task_uri, &json!({"ok": true})).await.expect("succeed"));
    assert!(!store::succeed(&db.db, &task.task_uri, &json!({})).await.expect("again"), "only one success");
    assert!(
        store::start(&db.db, &task.task_uri).await.expect("start").is_none(),
        "a finished task is not restarted"
    );
    assert!(
        !store::reset_failed(&db.db, &task.task_uri).await.expect("reset"),
        "only failed tasks are retried"
    );
    let done = store::require(&db.db, &task.task_uri).await.expect("task");
    assert_eq!(done.response, Some(json!({"ok": true})));
}

/// A task written in a transaction that commits a while after the write is dispatched as soon as
/// it commits. On SQLite the write is announced before the commit, so the dispatcher's look must
/// wait for the commit; a look that ran at once would find nothing and sleep until its safety
/// look, 30 s later.
async fn a_task_is_dispatched_when_its_transaction_commits_not_at_the_next_safety_look(backend: Backend) {
    let db = TestDb::new(backend).await;
    let queue = Arc::new(EmbeddedQueue::new(db.db.clone()));
    let stop = tokio_util::sync::CancellationToken::new();
    let dispatcher = tokio::spawn(Dispatcher::new(db.db.clone(), queue.clone()).run(stop.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let txn = crate::db::write_txn(&db.db).await.expect("begin");
    let task = store::enqueue(&txn, health_task()).await.expect("enqueue");
    tokio::time::sleep(Duration::from_millis(300)).await;
    txn.commit().await.expect("commit");
    let got = queue.receive(10, Duration::from_secs(5), Duration::from_secs(30)).await.expect("receive");
    assert_eq!(got.len(), 1, "dispatched and delivered well before the safety look");
    assert_eq!(got[0].message.task_uris, vec![task.task_uri]);
    stop.cancel();
    dispatcher.await.expect("dispatcher");
}

on_both_backends!(
    a_task_is_dispatched_when_its_transaction_commits_not_at_the_next_safety_look,
    the_embedded_queue_passes_the_shared_queue_suite,
    a_task_commits_with_its_change_and_the_dispatcher_publishes_it_once,
    with_the_queue_down_tasks_wait_in_the_database_and_go_out_when_it_is_back,
    status_changes_are_conditional,
);
