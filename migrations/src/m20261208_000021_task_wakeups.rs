//! Wake-ups for the task loops on Postgres: triggers that `pg_notify` the channels the
//! dispatcher and the embedded queue's consumers LISTEN on, so an idle `sluice serve` waits for
//! work instead of polling for it (see `core::tasks::wakeup`). A notification is sent at commit,
//! to every process on the database, whichever process wrote; Postgres sends a transaction's
//! identical notifications once.
//!
//! - `sluice_tasks`: a task is waiting to be dispatched (inserted, or reset by `retryTask`).
//! - `sluice_queue`: an embedded-queue message may be deliverable sooner than the consumers
//!   last computed: a new message, a message gone (its group's next one is now the head), or a
//!   lease given back early (a release, a retry's backoff shorter than the lease). Leases taken
//!   or extended push a message later and announce nothing.
//!
//! SQLite gets nothing here: it has one process, whose connections announce their own writes
//! (an update hook, installed when core opens the database).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel names `core::tasks::wakeup` listens on.
const TASKS_CHANNEL: &str = "sluice_tasks";
const QUEUE_CHANNEL: &str = "sluice_queue";

fn notify_function(name: &str, channel: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('{channel}', '');
  RETURN NULL;
END $$ LANGUAGE plpgsql"
    )
}

const UP: [&str; 4] = [
    "CREATE TRIGGER task_wakeup AFTER INSERT OR UPDATE OF status, dispatched_at ON task \
     FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.dispatched_at IS NULL) \
     EXECUTE FUNCTION sluice_notify_tasks()",
    "CREATE TRIGGER queue_message_wakeup_insert AFTER INSERT ON queue_message \
     FOR EACH ROW WHEN (NEW.queue = 'main') EXECUTE FUNCTION sluice_notify_queue()",
    "CREATE TRIGGER queue_message_wakeup_delete AFTER DELETE ON queue_message \
     FOR EACH ROW WHEN (OLD.queue = 'main') EXECUTE FUNCTION sluice_notify_queue()",
    "CREATE TRIGGER queue_message_wakeup_update AFTER UPDATE ON queue_message \
     FOR EACH ROW WHEN (NEW.visible_at < OLD.visible_at OR NEW.queue IS DISTINCT FROM OLD.queue) \
     EXECUTE FUNCTION sluice_notify_queue()",
];

const DOWN: [&str; 6] = [
    "DROP TRIGGER IF EXISTS task_wakeup ON task",
    "DROP TRIGGER IF EXISTS queue_message_wakeup_insert ON queue_message",
    "DROP TRIGGER IF EXISTS queue_message_wakeup_delete ON queue_message",
    "DROP TRIGGER IF EXISTS queue_message_wakeup_update ON queue_message",
    "DROP FUNCTION IF EXISTS sluice_notify_tasks()",
    "DROP FUNCTION IF EXISTS sluice_notify_queue()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(&notify_function("sluice_notify_tasks", TASKS_CHANNEL)).await?;
        db.execute_unprepared(&notify_function("sluice_notify_queue", QUEUE_CHANNEL)).await?;
        for statement in UP {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for statement in DOWN {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
