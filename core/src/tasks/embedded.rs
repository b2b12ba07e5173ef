//! The embedded queue: messages in the metadata database, with SQS FIFO's semantics (group
//! order, deduplication, leases, dead-lettering), so embedded and cloud mode behave alike.
//!
//! A receive that finds nothing waits for a message to be announced (`wakeup`), or for the
//! earliest lease or retry delay to run out, and looks on its own at most every `SAFETY_LOOK`;
//! the next receive remembers that, so an idle consumer sends next to no statements.

use std::{
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, FromQueryResult, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};
use sluice_entities::queue_message as qm;
use tokio::time::Instant;

use super::{
    Delivery, QueueError, QueueMessage, TaskQueue,
    wakeup::{SAFETY_LOOK, Topic, Wakeups},
};
use crate::uri::new_sid;

const MAIN: &str = "main";
const DEAD: &str = "dead";

#[derive(Clone)]
pub struct EmbeddedQueue {
    db: DatabaseConnection,
    idle: Arc<Idle>,
}

/// What receives have learnt while they found nothing, shared by this queue's clones.
#[derive(Default)]
struct Idle {
    /// Made on the first receive: a queue only written to or counted needs none.
    wakeups: OnceLock<Wakeups>,
    looked: Mutex<LastLook>,
}

#[derive(Default)]
struct LastLook {
    /// Announcements seen by the last look.
    seen: u64,
    /// When a look is next due without an announcement; `None`: now.
    next: Option<Instant>,
}

/// What one look found.
struct Found {
    deliveries: Vec<Delivery>,
    /// How soon a message may become deliverable without an announcement: the earliest lease or
    /// retry delay running out. `None` when no message is waiting.
    next_due: Option<Duration>,
}

impl EmbeddedQueue {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db, idle: Arc::default() }
    }

    fn last_look(&self) -> std::sync::MutexGuard<'_, LastLook> {
        self.idle.looked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims up to `max` deliverable messages. On SQLite the look takes the write lock first
    /// (`BEGIN IMMEDIATE`), which waits for the commit of a write that was announced before it.
    async fn look(&self, max: usize, visibility: Duration) -> Result<Found, QueueError> {
        if self.db.get_database_backend() != DatabaseBackend::Sqlite {
            return Self::take(&self.db, max, visibility).await;
        }
        let txn = crate::db::write_txn(&self.db).await.map_err(|e| db_error("receive", e))?;
        let found = Self::take(&txn, max, visibility).await?;
        txn.commit().await.map_err(|e| db_error("receive", e))?;
        Ok(found)
    }

    async fn take(db: &impl ConnectionTrait, max: usize, visibility: Duration) -> Result<Found, QueueError> {
        let candidates = Self::candidates(db, max).await?;
        let contended = !candidates.is_empty();
        let mut deliveries = Vec::new();
        for row in candidates {
            if let Some(delivery) = Self::claim(db, row, visibility).await? {
                deliveries.push(delivery);
            }
        }
        let next_due = if contended {
            // Something was there: the next look is due at once. (If another consumer took it
            // all, more heads may be right behind what it saw.)
            Some(Duration::ZERO)
        } else {
            Self::next_visible(db).await?
        };
        Ok(Found { deliveries, next_due })
    }

    /// How long until the earliest message now hidden (leased, or released with a delay)
    /// becomes visible again.
    async fn next_visible(db: &impl ConnectionTrait) -> Result<Option<Duration>, QueueError> {
        let now = Utc::now();
        let next: Option<chrono::DateTime<Utc>> = qm::Entity::find()
            .select_only()
            .column(qm::Column::VisibleAt)
            .filter(qm::Column::Queue.eq(MAIN))
            .filter(qm::Column::VisibleAt.gt(now))
            .order_by(qm::Column::VisibleAt, Order::Asc)
            .into_tuple()
            .one(db)
            .await
            .map_err(|e| db_error("receive", e))?;
        Ok(next.map(|at| (at - now).to_std().unwrap_or_default()))
    }

    /// Heads of their groups that are visible now: a group waits while its oldest message is
    /// leased, which is what keeps one resource's tasks in order.
    async fn candidates(db: &impl ConnectionTrait, max: usize) -> Result<Vec<qm::Model>, QueueError> {
        let earlier = Query::select()
            .expr(Expr::val(1))
            .from_as(qm::Entity, Alias::new("p"))
            .and_where(Expr::col((Alias::new("p"), qm::Column::Queue)).eq(MAIN))
            .and_where(
                Expr::col((Alias::new("p"), qm::Column::GroupId)).equals((qm::Entity, qm::Column::GroupId)),
            )
            .and_where(
                Expr::col((Alias::new("p"), qm::Column::Id)).lt(Expr::col((qm::Entity, qm::Column::Id))),
            )
            .to_owned();
        qm::Entity::find()
            .filter(qm::Column::Queue.eq(MAIN))
            .filter(qm::Column::VisibleAt.lte(Utc::now()))
            .filter(Expr::exists(earlier).not())
            .order_by(qm::Column::Id, Order::Asc)
            .limit(max as u64)
            .all(db)
            .await
            .map_err(|e| db_error("receive", e))
    }

    /// Takes the lease on one message unless another consumer got there first.
    async fn claim(
        db: &impl ConnectionTrait,
        row: qm::Model,
        visibility: Duration,
    ) -> Result<Option<Delivery>, QueueError> {
        let receipt = format!("{}:{}", row.id, new_sid());
        let mut update = qm::Entity::update_many()
            .col_expr(qm::Column::Receipt, Expr::value(receipt.clone()))
            .col_expr(qm::Column::VisibleAt, Expr::value(Utc::now() + visibility))
            .col_expr(qm::Column::ReceiveCount, Expr::col(qm::Column::ReceiveCount).add(1))
            .filter(qm::Column::Id.eq(row.id))
            .filter(qm::Column::Queue.eq(MAIN))
            .filter(qm::Column::VisibleAt.lte(Utc::now()));
        update = match &row.receipt {
            Some(old) => update.filter(qm::Column::Receipt.eq(old.clone())),
            None => update.filter(qm::Column::Receipt.is_null()),
        };
        let res = update.exec(db).await.map_err(|e| db_error("receive", e))?;
        if res.rows_affected == 0 {
            return Ok(None);
        }
        let task_uris = QueueMessage::task_uris_from_body(&row.body)?;
        Ok(Some(Delivery {
            message: QueueMessage { group_id: row.group_id, dedup_id: row.dedup_id, task_uris },
            receipt,
            receive_count: u32::try_from(row.receive_count + 1).unwrap_or(u32::MAX),
        }))
    }

    /// The row a receipt leases, if the lease is still this one.
    fn leased(delivery: &Delivery) -> Result<(i64, sea_orm::Condition), QueueError> {
        let id: i64 =
            delivery.receipt.split_once(':').and_then(|(id, _)| id.parse().ok()).ok_or_else(|| {
                QueueError::new(format!("{:?} is not an embedded-queue receipt", delivery.receipt))
            })?;
        let condition = sea_orm::Condition::all()
            .add(qm::Column::Id.eq(id))
            .add(qm::Column::Queue.eq(MAIN))
            .add(qm::Column::Receipt.eq(delivery.receipt.clone()));
        Ok((id, condition))
    }

    async fn set_visible_at(&self, delivery: &Delivery, after: Duration, op: &str) -> Result<(), QueueError> {
        let (_, leased) = Self::leased(delivery)?;
        let res = qm::Entity::update_many()
            .col_expr(qm::Column::VisibleAt, Expr::value(Utc::now() + after))
            .filter(leased)
            .exec(&self.db)
            .await
            .map_err(|e| db_error(op, e))?;
        lease_held(res.rows_affected, op)
    }
}

fn db_error(op: &str, e: sea_orm::DbErr) -> QueueError {
    QueueError::with_source(format!("embedded queue {op} failed"), e)
}

fn lease_held(rows: u64, op: &str) -> Result<(), QueueError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(QueueError::new(format!(
            "{op}: the lease on this message has expired and another consumer may hold it"
        )))
    }
}

#[async_trait::async_trait]
impl TaskQueue for EmbeddedQueue {
    fn kind(&self) -> &'static str {
        "embedded"
    }

    async fn publish(&self, messages: &[QueueMessage]) -> Result<(), QueueError> {
        if messages.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        let rows = messages.iter().map(|m| qm::ActiveModel {
            queue: Set(MAIN.to_owned()),
            group_id: Set(m.group_id.clone()),
            dedup_id: Set(m.dedup_id.clone()),
            body: Set(m.body()),
            receipt: Set(None),
            visible_at: Set(now),
            receive_count: Set(0),
            reason: Set(None),
            created: Set(now),
            ..Default::default()
        });
        qm::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([qm::Column::Queue, qm::Column::DedupId]).do_nothing().to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(|e| db_error("publish", e))?;
        Ok(())
    }

    async fn receive(
        &self,
        max: usize,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let deadline = Instant::now() + wait;
        let wakeups = self.idle.wakeups.get_or_init(|| Wakeups::for_db(&self.db)).clone();
        loop {
            let mut news = wakeups.waiter(Topic::Queue);
            let announced = news.mark_seen();
            let due = {
                let mut last = self.last_look();
                let due = last.seen != announced || last.next.is_none_or(|at| Instant::now() >= at);
                if due {
                    last.seen = announced;
                    // A look that fails leaves the next one due at once.
                    last.next = None;
                }
                due
            };
            if due {
                let found = self.look(max, visibility).await?;
                if !found.deliveries.is_empty() {
                    return Ok(found.deliveries);
                }
                let wait = found.next_due.map_or(SAFETY_LOOK, |due| due.min(SAFETY_LOOK));
                self.last_look().next = Some(Instant::now() + wait);
            }
            if Instant::now() >= deadline {
                return Ok(Vec::new());
            }
            let next = self.last_look().next.unwrap_or_else(Instant::now);
            news.wait_until(next.min(deadline)).await;
        }
    }

    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let (_, leased) = Self::leased(delivery)?;
        let res =
            qm::Entity::delete_many().filter(leased).exec(&self.db).await.map_err(|e| db_error("ack", e))?;
        lease_held(res.rows_affected, "ack")
    }

    async fn extend(&self, delivery: &Delivery, visibility: Duration) -> Result<(), QueueError> {
        self.set_visible_at(delivery, visibility, "extend").await
    }

    async fn release(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError> {
        self.set_visible_at(delivery, delay, "release").await
    }

    async fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError> {
        let (id, leased) = Self::leased(delivery)?;
        // A message dead-lettered before under the same id is replaced: the newest reason wins.
        qm::Entity::delete_many()
            .filter(qm::Column::Queue.eq(DEAD))
            .filter(qm::Column::DedupId.eq(delivery.message.dedup_id.clone()))
            .filter(qm::Column::Id.ne(id))
            .exec(&self.db)
            .await
            .map_err(|e| db_error("dead_letter", e))?;
        let res = qm::Entity::update_many()
            .col_expr(qm::Column::Queue, Expr::value(DEAD))
            .col_expr(qm::Column::Reason, Expr::value(reason))
            .col_expr(qm::Column::Receipt, Expr::value(Option::<String>::None))
            .filter(leased)
            .exec(&self.db)
            .await
            .map_err(|e| db_error("dead_letter", e))?;
        lease_held(res.rows_affected, "dead_letter")
    }

    async fn depth(&self) -> Result<u64, QueueError> {
        qm::Entity::find()
            .filter(qm::Column::Queue.eq(MAIN))
            .count(&self.db)
            .await
            .map_err(|e| db_error("depth", e))
    }

    async fn dead_letters(&self, max: usize) -> Result<Vec<QueueMessage>, QueueError> {
        #[derive(FromQueryResult)]
        struct Row {
            group_id: String,
            dedup_id: String,
            body: String,
        }
        let rows = qm::Entity::find()
            .select_only()
            .columns([qm::Column::GroupId, qm::Column::DedupId, qm::Column::Body])
            .filter(qm::Column::Queue.eq(DEAD))
            .order_by(qm::Column::Id, Order::Asc)
            .limit(max as u64)
            .into_model::<Row>()
            .all(&self.db)
            .await
            .map_err(|e| db_error("dead_letters", e))?;
        rows.into_iter()
            .map(|r| {
                Ok(QueueMessage {
                    task_uris: QueueMessage::task_uris_from_body(&r.body)?,
                    group_id: r.group_id,
                    dedup_id: r.dedup_id,
                })
            })
            .collect()
    }
}
