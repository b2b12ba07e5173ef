//! A counter that every committed change to what the API's read cache holds moves on. The
//! cache keeps answers for one value of it; a request reads it once (one primary-key select)
//! and is answered from the cache only when nothing that feeds the answer has committed since,
//! whichever process or release wrote it. Triggers keep it, so writers never have to remember.
//!
//! Postgres bumps it from a deferred trigger, at commit: the counter's row lock is then held
//! for the commit alone, not for the writing transaction's whole life, and a transaction bumps
//! it once however many rows it writes. Even so, a row lock lasts until the commit is flushed,
//! so one row would queue every writer behind the others' flushes; the counter is spread over
//! 16 rows, one per connection by its backend's process id, and read as their sum. SQLite has
//! one writer at a time, so one row and a plain trigger are enough there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables behind the cached reads: datasets with their tables and folders, stacks,
/// environments with their teams and organizations, and the grants that decide who sees what.
const WATCHED: [&str; 9] = [
    "dataset",
    "dataset_table",
    "dataset_location",
    "stack",
    "environment",
    "environment_group",
    "organization",
    "resource_policy",
    "resource_policy_permission",
];

const CREATE: &str = "CREATE TABLE read_epoch (id SMALLINT PRIMARY KEY, value BIGINT NOT NULL)";

/// Rows of the counter on Postgres; SQLite has one, row 0.
const POSTGRES_ROWS: i32 = 16;

fn postgres_function() -> String {
    format!(
        "CREATE FUNCTION sluice_bump_read_epoch() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('sluice.read_epoch_bumped', true), '') <> 'on' THEN
    UPDATE read_epoch SET value = value + 1 WHERE id = pg_backend_pid() % {POSTGRES_ROWS};
    PERFORM set_config('sluice.read_epoch_bumped', 'on', true);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"
    )
}

/// SQLite triggers fire on one event each.
pub(crate) const SQLITE_EVENTS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

pub(crate) fn trigger_name(table: &str) -> String {
    format!("{table}_read_epoch")
}

pub(crate) fn sqlite_trigger_name(table: &str, event: &str) -> String {
    format!("{}_{}", trigger_name(table), event.to_lowercase())
}

pub(crate) fn postgres_trigger(table: &str) -> String {
    format!(
        "CREATE CONSTRAINT TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {table} \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sluice_bump_read_epoch()",
        trigger_name(table)
    )
}

pub(crate) fn sqlite_triggers(table: &str) -> Vec<String> {
    SQLITE_EVENTS
        .iter()
        .map(|event| {
            format!(
                "CREATE TRIGGER {} AFTER {event} ON {table} \
                 BEGIN UPDATE read_epoch SET value = value + 1 WHERE id = 0; END",
                sqlite_trigger_name(table, event)
            )
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        db.execute_unprepared(CREATE).await?;
        let rows = if postgres { POSTGRES_ROWS } else { 1 };
        db.execute_unprepared(&format!(
            "INSERT INTO read_epoch (id, value) VALUES {}",
            (0..rows).map(|id| format!("({id}, 0)")).collect::<Vec<_>>().join(", ")
        ))
        .await?;
        if postgres {
            db.execute_unprepared(&postgres_function()).await?;
        }
        for table in WATCHED {
            let statements = if postgres { vec![postgres_trigger(table)] } else { sqlite_triggers(table) };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for table in WATCHED {
            if postgres {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {} ON {table}", trigger_name(table)))
                    .await?;
            } else {
                for event in SQLITE_EVENTS {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {}",
                        sqlite_trigger_name(table, event)
                    ))
                    .await?;
                }
            }
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS sluice_bump_read_epoch()").await?;
        }
        db.execute_unprepared("DROP TABLE read_epoch").await?;
        Ok(())
    }
}
