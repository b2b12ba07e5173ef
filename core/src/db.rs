//! Opening the metadata database, for every binary.

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("creating the data folder {0}")]
    DataDir(String, #[source] std::io::Error),
    #[error("connecting to the database (check SLUICE_DATABASE_URL)")]
    Connect(#[source] sea_orm::DbErr),
    #[error("configuring SQLite")]
    Sqlite(#[source] sea_orm::DbErr),
}

/// Opens the pool, creating the folder of a SQLite file first.
pub(crate) async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, ConnectError> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| ConnectError::DataDir(dir.display().to_string(), e))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // A ping on every checkout doubles the round trips of a request that runs one
        // statement per checkout; only a connection idle long enough for a proxy or the server
        // to have dropped it is worth testing first.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    let pool_url = url.to_owned();
    // SQLite's connections announce their writes to the task loops (see `tasks::wakeup`).
    options
        .map_sqlx_sqlite_pool_opts(move |pool| crate::tasks::wakeup::announce_sqlite_writes(&pool_url, pool));
    let db = Database::connect(options).await.map_err(ConnectError::Connect)?;
    if url.starts_with("sqlite:") {
        // WAL lets the API read while the worker and long tasks write.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await.map_err(ConnectError::Sqlite)?;
    }
    Ok(db)
}

/// Deletes what `step` finds, `batch` rows per call, until a call finds fewer than `batch`;
/// returns how many rows were deleted. `step(batch)` deletes at most `batch` rows and returns
/// (rows it found, rows it deleted). One statement per batch, so no transaction grows with a
/// backlog and writers are never held up for long: how every retention prunes.
pub(crate) async fn delete_in_batches<F, Fut>(batch: u64, mut step: F) -> crate::Result<u64>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = crate::Result<(u64, u64)>>,
{
    let batch = batch.max(1);
    let mut deleted = 0;
    loop {
        let (found, gone) = step(batch).await?;
        deleted += gone;
        if found < batch {
            return Ok(deleted);
        }
    }
}

/// Begins a transaction that writes. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so it waits its turn behind other writers instead of failing with "database is
/// locked" when a read inside it would have to be upgraded to a write; Postgres ignores the mode.
pub async fn write_txn<C: TransactionTrait>(db: &C) -> std::result::Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(sqlite_path("sqlite://./.sluice/sluice.db?mode=rwc"), Some("./.sluice/sluice.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }

    /// A transaction that reads, then writes, while another connection writes in between: with
    /// SQLite's default (deferred) mode its write fails with "database is locked"; a write
    /// transaction waits for it instead.
    #[tokio::test]
    async fn a_write_transaction_that_reads_first_is_not_refused_by_a_concurrent_writer() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = connect(&url, 4).await.expect("db");
        db.execute_unprepared("CREATE TABLE t (x INTEGER)").await.expect("table");

        let count = "SELECT count(*) FROM t";
        let deferred = db.begin().await.expect("begin");
        deferred.execute_unprepared(count).await.expect("read");
        db.execute_unprepared("INSERT INTO t VALUES (1)").await.expect("another writer");
        let refused = deferred.execute_unprepared("INSERT INTO t VALUES (2)").await;
        assert!(refused.is_err(), "SQLite's default mode refuses the upgrade: {refused:?}");
        deferred.rollback().await.expect("rollback");

        let txn = write_txn(&db).await.expect("begin");
        txn.execute_unprepared(count).await.expect("read");
        let other = db.clone();
        let writer = tokio::spawn(async move { other.execute_unprepared("INSERT INTO t VALUES (3)").await });
        tokio::time::sleep(Duration::from_millis(200)).await;
        txn.execute_unprepared("INSERT INTO t VALUES (4)").await.expect("the write transaction writes");
        txn.commit().await.expect("commit");
        writer.await.expect("joined").expect("the other writer waited its turn");
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT x FROM t ORDER BY x",
            ))
            .await
            .expect("rows");
        assert_eq!(rows.len(), 3);
    }
}
