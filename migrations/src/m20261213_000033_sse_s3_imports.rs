//! Imports of buckets encrypted with SSE-S3 (S3's own keys, no customer KMS key), which
//! data.all accepts with an empty `KmsKeyAlias`: `dataset.kms_alias` becomes nullable, and NULL
//! means "SSE-S3, no key". Every existing row keeps its alias; the previous release never reads
//! a NULL because it never imported without a key (expand only).
//!
//! Postgres drops the constraint. SQLite has no ALTER COLUMN, and rebuilding `dataset` would
//! fire the ON DELETE actions of the tables that reference it, so this takes SQLite's own
//! procedure for removing a NOT NULL constraint (<https://sqlite.org/lang_altertable.html>,
//! "making other kinds of table schema changes"): the table's stored definition is rewritten
//! in place, on one connection, in one transaction, and the schema version bumped so every
//! other connection re-reads it. Dropping a NOT NULL changes nothing on disk.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend, Statement},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "dataset";
const NOT_NULL: &str = "\"kms_alias\" varchar(255) NOT NULL";
const NULLABLE: &str = "\"kms_alias\" varchar(255)";

/// Rewrites `dataset`'s stored definition on SQLite, replacing `from` with `to` exactly once.
async fn rewrite_sqlite_definition(m: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    let txn = m.begin().await?;
    let db = txn.get_connection();
    let backend = DbBackend::Sqlite;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
            [TABLE.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Migration(format!("table {TABLE} is missing")))?;
    let sql: String = row.try_get("", "sql")?;
    if sql.matches(from).count() != 1 {
        return Err(DbErr::Migration(format!(
            "the definition of {TABLE} does not hold {from} exactly once; nothing was changed: {sql}"
        )));
    }
    let version: i64 = db
        .query_one_raw(Statement::from_string(backend, "PRAGMA schema_version"))
        .await?
        .ok_or_else(|| DbErr::Migration("PRAGMA schema_version answered nothing".into()))?
        .try_get_by_index(0)?;
    db.execute_unprepared("PRAGMA writable_schema = ON").await?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        [sql.replacen(from, to, 1).into(), TABLE.into()],
    ))
    .await?;
    db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1)).await?;
    db.execute_unprepared("PRAGMA writable_schema = OFF").await?;
    txn.commit().await?;
    // SQLite's own check that the rewritten schema reads back whole.
    let check = m
        .get_connection()
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await?
        .ok_or_else(|| DbErr::Migration("PRAGMA integrity_check answered nothing".into()))?;
    let verdict: String = check.try_get_by_index(0)?;
    if verdict != "ok" {
        return Err(DbErr::Migration(format!("after rewriting {TABLE}: {verdict}")));
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Sqlite => rewrite_sqlite_definition(m, NOT_NULL, NULLABLE).await,
            _ => m
                .get_connection()
                .execute_unprepared("ALTER TABLE dataset ALTER COLUMN kms_alias DROP NOT NULL")
                .await
                .map(|_| ()),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let keyless = db
            .query_one_raw(Statement::from_string(
                m.get_database_backend(),
                "SELECT COUNT(*) AS n FROM dataset WHERE kms_alias IS NULL",
            ))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if keyless > 0 {
            return Err(DbErr::Migration(format!(
                "{keyless} datasets are SSE-S3 imports without a KMS key; delete them before going back"
            )));
        }
        match m.get_database_backend() {
            DbBackend::Sqlite => rewrite_sqlite_definition(m, NULLABLE, NOT_NULL).await,
            _ => db
                .execute_unprepared("ALTER TABLE dataset ALTER COLUMN kms_alias SET NOT NULL")
                .await
                .map(|_| ()),
        }
    }

    /// SQLite's rewrite opens its own transaction, on one connection (the pragmas are per
    /// connection); Postgres's single ALTER is atomic by itself.
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
