//! Wake-ups for the task loops: the dispatcher and the embedded queue's consumers wait to be
//! told that there may be work, rather than polling the database for it. An idle `sluice
//! serve` then sends almost no statements, which lets Aurora Serverless scale down, while a
//! new task still starts within milliseconds.
//!
//! - **Postgres**: triggers (migration 21) `pg_notify` the channels [`TASKS_CHANNEL`] and
//!   [`QUEUE_CHANNEL`] at commit, whichever process wrote. One dedicated connection per process
//!   and database LISTENs on both. While it is down (a restart of the server, a network cut),
//!   the loops are woken every [`FALLBACK_POLL`], as they polled before, and it reconnects with
//!   backoff; once it is back they all look once, for what they may have missed.
//! - **SQLite**: one process writes the file, so the connections core opens announce their own
//!   writes to `task` and `queue_message` (an update hook, SQLite's trigger into the host
//!   process). The hook runs as the row is written, before the commit, so a woken loop first
//!   takes the write lock (`BEGIN IMMEDIATE`): that waits for the writer's commit, after which
//!   the row is there to see.
//!
//! Either way a loop also looks on its own every [`SAFETY_LOOK`] (a lost notification, a writer
//! that cannot announce, such as another process on a SQLite file), and sooner when it knows
//! work falls due earlier (a retry's backoff ending).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use sea_orm::{
    DatabaseConnection,
    sqlx::{
        self,
        postgres::{PgConnectOptions, PgListener, PgPoolOptions},
        sqlite::{SqliteConnectOptions, SqliteOperation, SqlitePoolOptions},
    },
};
use tokio::sync::watch;
use tokio_util::sync::{CancellationToken, DropGuard};

/// How long a loop waits, with nothing announced, before it looks anyway.
pub const SAFETY_LOOK: Duration = Duration::from_secs(30);

/// How often the loops look while the Postgres listener is down: the pace they polled at before.
pub const FALLBACK_POLL: Duration = Duration::from_millis(250);

/// The longest wait between two attempts to reconnect the listener.
const MAX_RECONNECT_BACKOFF: Duration = Duration::from_secs(30);

/// Postgres channels; migration 21's triggers notify them.
pub const TASKS_CHANNEL: &str = "sluice_tasks";
pub const QUEUE_CHANNEL: &str = "sluice_queue";
/// Migration 25's trigger notifies it when a domain event is recorded.
pub const EVENTS_CHANNEL: &str = "sluice_events";

/// What a loop waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Topic {
    /// A task waiting to be dispatched.
    Tasks,
    /// An embedded-queue message that may be deliverable.
    Queue,
    /// A domain event waiting to be delivered to subscribers.
    Events,
}

/// The announcements for one database in this process: a counter per topic that every
/// announcement moves on, so a loop can tell whether anything happened since it last looked.
struct Hub {
    tasks: watch::Sender<u64>,
    queue: watch::Sender<u64>,
    events: watch::Sender<u64>,
    /// Stops the Postgres listener when the last handle on the hub goes.
    _listener: Option<DropGuard>,
}

impl Hub {
    fn new() -> Self {
        Self {
            tasks: watch::Sender::new(0),
            queue: watch::Sender::new(0),
            events: watch::Sender::new(0),
            _listener: None,
        }
    }

    fn sender(&self, topic: Topic) -> &watch::Sender<u64> {
        match topic {
            Topic::Tasks => &self.tasks,
            Topic::Queue => &self.queue,
            Topic::Events => &self.events,
        }
    }

    fn announce(&self, topic: Topic) {
        self.sender(topic).send_modify(|n| *n = n.wrapping_add(1));
    }

    fn announce_all(&self) {
        self.announce(Topic::Tasks);
        self.announce(Topic::Queue);
        self.announce(Topic::Events);
    }
}

/// Hubs by database, so that every core, queue and dispatcher of this process on one database
/// shares one listener (Postgres) or hears every connection's writes (SQLite).
static HUBS: Mutex<Option<HashMap<String, Weak<Hub>>>> = Mutex::new(None);

/// The live hub for `key`, or a new one made by `make`.
fn hub_for(key: String, make: impl FnOnce() -> Arc<Hub>) -> Arc<Hub> {
    let mut hubs = HUBS.lock().unwrap_or_else(|e| e.into_inner());
    let hubs = hubs.get_or_insert_with(HashMap::new);
    if let Some(hub) = hubs.get(&key).and_then(Weak::upgrade) {
        return hub;
    }
    hubs.retain(|_, hub| hub.strong_count() > 0);
    let hub = make();
    hubs.insert(key, Arc::downgrade(&hub));
    hub
}

fn sqlite_key(options: &SqliteConnectOptions) -> String {
    format!("sqlite:{}", options.get_filename().display())
}

fn postgres_key(options: &PgConnectOptions) -> String {
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    )
}

/// Makes every connection of a SQLite pool announce its writes to the tasks and the queue.
/// `url` is the pool's; core's own `connect` and the test kit call this.
pub(crate) fn announce_sqlite_writes(url: &str, pool: SqlitePoolOptions) -> SqlitePoolOptions {
    let Ok(options) = url.parse::<SqliteConnectOptions>() else { return pool };
    let hub = hub_for(sqlite_key(&options), || Arc::new(Hub::new()));
    pool.after_connect(move |conn, _| {
        let hub = hub.clone();
        Box::pin(async move {
            let mut handle = conn.lock_handle().await?;
            handle.set_update_hook(move |change| {
                let topic = match (change.table, change.operation) {
                    ("task", SqliteOperation::Insert | SqliteOperation::Update) => Topic::Tasks,
                    ("queue_message", _) => Topic::Queue,
                    ("event", SqliteOperation::Insert) => Topic::Events,
                    _ => return,
                };
                hub.announce(topic);
            });
            Ok(())
        })
    })
}

/// This process's wake-ups for one database. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Wakeups {
    /// None for a connection that was never opened.
    hub: Option<Arc<Hub>>,
}

impl Wakeups {
    /// The wake-ups for `db`'s database; on Postgres the first call starts the listener (it
    /// needs a Tokio runtime; without one the loops fall back to their safety look).
    pub(crate) fn for_db(db: &DatabaseConnection) -> Self {
        use sea_orm::DatabaseConnectionType as Type;
        let hub = match &db.inner {
            Type::SqlxSqlitePoolConnection(_) => {
                let options = db.get_sqlite_connection_pool().connect_options();
                Some(hub_for(sqlite_key(&options), || Arc::new(Hub::new())))
            }
            Type::SqlxPostgresPoolConnection(_) => {
                let options = db.get_postgres_connection_pool().connect_options();
                Some(hub_for(postgres_key(&options), || start_listener((*options).clone())))
            }
            _ => None,
        };
        Self { hub }
    }

    pub(crate) fn waiter(&self, topic: Topic) -> Waiter {
        Waiter { rx: self.hub.as_ref().map(|hub| hub.sender(topic).subscribe()), _hub: self.hub.clone() }
    }
}

/// Wakes this process's loops on `db`'s SQLite file, for writes made by another process (which
/// its hooks cannot hear). Postgres announces every process's writes itself: nothing to do there.
pub(crate) fn wake_sqlite_loops(db: &DatabaseConnection) {
    if let sea_orm::DatabaseConnectionType::SqlxSqlitePoolConnection(_) = &db.inner
        && let Some(hub) = Wakeups::for_db(db).hub
    {
        hub.announce_all();
    }
}

/// Wakes the event delivery loops of every process on `db`, for a change the event trigger and
/// hooks do not see (a dead delivery given another round). Call it after the commit.
pub(crate) async fn announce_events(db: &DatabaseConnection) -> crate::Result<()> {
    use sea_orm::ConnectionTrait;
    match &db.inner {
        sea_orm::DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            db.execute_unprepared(&format!("SELECT pg_notify('{EVENTS_CHANNEL}', '')")).await?;
        }
        _ => {
            if let Some(hub) = Wakeups::for_db(db).hub {
                hub.announce(Topic::Events);
            }
        }
    }
    Ok(())
}

/// One loop's view of a topic.
pub(crate) struct Waiter {
    rx: Option<watch::Receiver<u64>>,
    _hub: Option<Arc<Hub>>,
}

impl Waiter {
    /// Takes note of every announcement so far and returns their count. Call it right before
    /// looking: an announcement made during the look then still ends the next wait.
    pub(crate) fn mark_seen(&mut self) -> u64 {
        self.rx.as_mut().map_or(0, |rx| *rx.borrow_and_update())
    }

    /// Waits for an announcement not yet seen, or until `deadline`; true for an announcement.
    pub(crate) async fn wait_until(&mut self, deadline: tokio::time::Instant) -> bool {
        let Some(rx) = self.rx.as_mut() else {
            tokio::time::sleep_until(deadline).await;
            return false;
        };
        tokio::select! {
            changed = rx.changed() => changed.is_ok(),
            _ = tokio::time::sleep_until(deadline) => false,
        }
    }
}

/// A hub whose announcements come from a LISTEN connection, kept by a task that ends with the hub.
fn start_listener(options: PgConnectOptions) -> Arc<Hub> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return Arc::new(Hub::new()) };
    let stop = CancellationToken::new();
    let hub = Arc::new(Hub { _listener: Some(stop.clone().drop_guard()), ..Hub::new() });
    runtime.spawn(listen(Arc::downgrade(&hub), options, stop));
    hub
}

/// Announces to `hub` if it is still there; false once it is gone.
fn announce(hub: &Weak<Hub>, topic: Option<Topic>) -> bool {
    let Some(hub) = hub.upgrade() else { return false };
    match topic {
        Some(topic) => hub.announce(topic),
        None => hub.announce_all(),
    }
    true
}

/// Wakes every loop every `FALLBACK_POLL`, for as long as it is polled or the hub lives.
async fn poll(hub: &Weak<Hub>) {
    loop {
        tokio::time::sleep(FALLBACK_POLL).await;
        if !announce(hub, None) {
            return;
        }
    }
}

async fn connect(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    // A pool of one, outside the application's pool: the listener holds its connection for good.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(options.clone().application_name("sluice-wakeups"));
    let mut listener = PgListener::connect_with(&pool).await?;
    // A lost connection is this loop's to re-make, polling meanwhile: sqlx's own reconnect
    // inside `try_recv` would wait out the acquire timeout with no one polling.
    listener.eager_reconnect(false);
    listener.listen_all([TASKS_CHANNEL, QUEUE_CHANNEL, EVENTS_CHANNEL]).await?;
    Ok(listener)
}

/// Keeps a LISTEN connection and turns its notifications into announcements. While it has none,
/// the loops are woken every `FALLBACK_POLL` and it reconnects with backoff.
async fn listen(hub: Weak<Hub>, options: PgConnectOptions, stop: CancellationToken) {
    let mut backoff = FALLBACK_POLL;
    loop {
        let connected = tokio::select! {
            _ = stop.cancelled() => return,
            _ = poll(&hub) => return,
            connected = connect(&options) => connected,
        };
        match connected {
            Ok(mut listener) => {
                backoff = FALLBACK_POLL;
                // What was announced before LISTEN took effect was not heard: look once.
                if !announce(&hub, None) {
                    return;
                }
                loop {
                    let received = tokio::select! {
                        _ = stop.cancelled() => return,
                        received = listener.try_recv() => received,
                    };
                    let topic = match received {
                        Ok(Some(n)) if n.channel() == TASKS_CHANNEL => Topic::Tasks,
                        Ok(Some(n)) if n.channel() == QUEUE_CHANNEL => Topic::Queue,
                        Ok(Some(n)) if n.channel() == EVENTS_CHANNEL => Topic::Events,
                        Ok(Some(_)) => continue,
                        Ok(None) => {
                            tracing::warn!(
                                "task wake-ups: the LISTEN connection was lost; polling until it is back"
                            );
                            break;
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "task wake-ups: the LISTEN connection failed; polling until it is back");
                            break;
                        }
                    };
                    if !announce(&hub, Some(topic)) {
                        return;
                    }
                }
                // Notifications sent while it was down are lost: every loop looks.
                if !announce(&hub, None) {
                    return;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, retry_in = ?backoff, "task wake-ups: could not LISTEN; polling until it can");
            }
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = poll(&hub) => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_RECONNECT_BACKOFF);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiter_hears_what_was_announced_after_it_last_looked() {
        let hub = Arc::new(Hub::new());
        let wakeups = Wakeups { hub: Some(hub.clone()) };
        let mut waiter = wakeups.waiter(Topic::Tasks);
        waiter.mark_seen();
        let soon = tokio::time::Instant::now() + Duration::from_millis(50);
        assert!(!waiter.wait_until(soon).await, "nothing announced: the wait times out");

        // Announced while the loop was looking: the next wait ends at once.
        waiter.mark_seen();
        hub.announce(Topic::Tasks);
        let later = tokio::time::Instant::now() + Duration::from_secs(30);
        assert!(waiter.wait_until(later).await);

        waiter.mark_seen();
        hub.announce(Topic::Queue);
        let soon = tokio::time::Instant::now() + Duration::from_millis(50);
        assert!(!waiter.wait_until(soon).await, "another topic's announcement is not this loop's");
    }

    #[test]
    fn hubs_are_shared_per_database_while_someone_holds_them() {
        let first = hub_for("test:a".into(), || Arc::new(Hub::new()));
        let again = hub_for("test:a".into(), || Arc::new(Hub::new()));
        assert!(Arc::ptr_eq(&first, &again));
        let other = hub_for("test:b".into(), || Arc::new(Hub::new()));
        assert!(!Arc::ptr_eq(&first, &other));
        first.announce(Topic::Tasks);
        drop((first, again));
        let fresh = hub_for("test:a".into(), || Arc::new(Hub::new()));
        assert_eq!(*fresh.tasks.borrow(), 0, "a hub no one holds is made anew");
    }
}
