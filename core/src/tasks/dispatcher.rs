//! The dispatcher: publishes committed, undispatched tasks to the queue, then marks them.
//! A crash between the two publishes again on restart: a duplicate message (dropped by the
//! queue's deduplication, or skipped by the worker), never a lost task. A queue that is down
//! leaves tasks pending in the database until it is back.
//!
//! Between rounds it waits for a task to be announced (`wakeup`), and looks on its own only
//! every `SAFETY_LOOK`, so an idle dispatcher sends next to no statements.

use std::{sync::Arc, time::Duration};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{LockBehavior, LockType},
};
use sluice_entities::task;
use tokio_util::sync::CancellationToken;

use super::{
    QueueMessage, TaskQueue, TaskStatus, store,
    wakeup::{FALLBACK_POLL, SAFETY_LOOK, Topic, Wakeups},
};
use crate::{Error, Result};

pub struct Dispatcher {
    db: DatabaseConnection,
    queue: Arc<dyn TaskQueue>,
    batch: u64,
}

impl Dispatcher {
    pub(crate) fn new(db: DatabaseConnection, queue: Arc<dyn TaskQueue>) -> Self {
        Self { db, queue, batch: 100 }
    }

    /// Publishes one batch; returns how many tasks it published.
    pub async fn dispatch_once(&self) -> Result<usize> {
        let select = task::Entity::find()
            .filter(task::Column::DispatchedAt.is_null())
            .filter(task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .order_by_asc(task::Column::Created)
            .order_by_asc(task::Column::TaskUri)
            .limit(self.batch);
        if self.db.get_database_backend() != DatabaseBackend::Postgres {
            // SQLite has one writer, so one dispatcher per database. The look takes the write
            // lock (`BEGIN IMMEDIATE`): the writer of an announced task may not have committed
            // yet, and this waits until it has. The lock is let go before the publish, which
            // writes through another connection.
            let txn = crate::db::write_txn(&self.db).await?;
            let rows = select.all(&txn).await?;
            txn.commit().await?;
            return self.publish_and_mark(&self.db, rows).await;
        }
        // Most looks find nothing: one statement says so, without a transaction.
        if select.clone().one(&self.db).await?.is_none() {
            return Ok(0);
        }
        // Several API replicas may dispatch at once on Postgres: each takes the rows the others
        // have not locked, and holds them until they are marked.
        let txn = self.db.begin().await?;
        let rows = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked).all(&txn).await?;
        let published = self.publish_and_mark(&txn, rows).await?;
        txn.commit().await?;
        Ok(published)
    }

    async fn publish_and_mark(&self, db: &impl ConnectionTrait, rows: Vec<task::Model>) -> Result<usize> {
        if rows.is_empty() {
            return Ok(0);
        }
        let messages: Vec<QueueMessage> =
            rows.iter().map(|t| QueueMessage::for_task(&t.task_uri, &t.target_uri)).collect();
        self.queue.publish(&messages).await.map_err(|e| Error::Internal(Box::new(e)))?;
        store::mark_dispatched(db, rows.iter().map(|t| t.task_uri.clone()).collect()).await?;
        Ok(rows.len())
    }

    /// Dispatches until `stop` is cancelled, waiting for announced tasks between rounds.
    /// Failures are logged and retried with backoff, so a queue outage delays tasks without
    /// losing any.
    pub async fn run(self, stop: CancellationToken) {
        let mut news = Wakeups::for_db(&self.db).waiter(Topic::Tasks);
        let mut backoff = FALLBACK_POLL;
        loop {
            if stop.is_cancelled() {
                return;
            }
            news.mark_seen();
            let retry_in = match self.dispatch_once().await {
                Ok(n) if n as u64 == self.batch => continue,
                Ok(_) => {
                    backoff = FALLBACK_POLL;
                    None
                }
                Err(err) => {
                    tracing::warn!(error = %err.chain(), queue = self.queue.kind(), retry_in = ?backoff, "dispatching tasks failed");
                    let pause = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    Some(pause)
                }
            };
            let wait = async {
                match retry_in {
                    Some(pause) => tokio::time::sleep(pause).await,
                    None => {
                        news.wait_until(tokio::time::Instant::now() + SAFETY_LOOK).await;
                    }
                }
            };
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = wait => {}
            }
        }
    }
}
