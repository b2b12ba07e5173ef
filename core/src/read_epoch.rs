//! The read epoch: a counter that every committed change to the rows behind the API's cached
//! reads moves on (triggers of migration 13 keep it, whichever process writes). An answer read
//! at epoch N stays right for as long as the counter still says N.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tokio::sync::OnceCell;

use crate::{Error, Result};

/// The counter as of now: the sum of its rows (16 on Postgres, so that concurrent writers do
/// not queue on one row lock; see migration 13).
pub(crate) async fn current(db: &impl ConnectionTrait) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(SUM(value) AS BIGINT) AS value FROM read_epoch",
        ))
        .await?
        .ok_or_else(|| Error::InvalidState("the read_epoch table is missing: run `sluice migrate`".into()))?;
    row.try_get::<Option<i64>>("", "value")?
        .ok_or_else(|| Error::InvalidState("the read_epoch rows are missing: run `sluice migrate`".into()))
}

/// Reads the counter for many concurrent callers with few statements. Callers that ask while a
/// read is under way join the next one, which is sent only when that read ends: every caller
/// gets a value read after it asked, so it sees every write committed before it asked, and
/// under load one statement answers a whole queue of requests.
pub struct EpochReader {
    db: DatabaseConnection,
    /// The read not yet sent, which new callers join.
    next: Mutex<Arc<Round>>,
    /// One read at a time: a round is sent once the previous one has answered.
    sending: tokio::sync::Mutex<()>,
    reads: AtomicU64,
}

#[derive(Default)]
struct Round {
    value: OnceCell<std::result::Result<i64, String>>,
}

impl EpochReader {
    pub(crate) fn new(db: DatabaseConnection) -> Self {
        Self { db, next: Mutex::default(), sending: tokio::sync::Mutex::new(()), reads: AtomicU64::new(0) }
    }

    pub async fn current(&self) -> Result<i64> {
        let round = self.lock().clone();
        let value = round
            .value
            .get_or_init(|| async {
                let _one_at_a_time = self.sending.lock().await;
                // From here on, new callers wait for the next round: this one's statement may
                // already be on its way, so it cannot answer them.
                {
                    let mut next = self.lock();
                    if Arc::ptr_eq(&next, &round) {
                        *next = Arc::default();
                    }
                }
                self.reads.fetch_add(1, Ordering::Relaxed);
                current(&self.db).await.map_err(|err| err.chain().to_string())
            })
            .await;
        value.clone().map_err(|chain| Error::Internal(chain.into()))
    }

    /// Statements sent so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Arc<Round>> {
        self.next.lock().unwrap_or_else(|e| e.into_inner())
    }
}
