//! A fresh database per test: Postgres copies of a migrated template, or a SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tokio::sync::OnceCell;

/// Where the tests find Postgres; `make test` and `.ci/run` make sure it is running.
pub fn admin_url() -> String {
    std::env::var("SLUICE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn url_for(db_name: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin);
    format!("{base}/{db_name}")
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template, named by the migrations' fingerprint so that a schema change builds a
/// new one. Built under an advisory lock, then renamed into place, so concurrent test binaries
/// never see a half-migrated template.
/// Templates of other schemas (other branches' migrations) left in place.
const KEPT_TEMPLATES: usize = 4;

async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("sluice_tpl_{}", sluice_migrations::SCHEMA_FINGERPRINT);
            // The template is built on its own thread and runtime: the pool it opens must not
            // outlive the runtime of whichever test happened to build it.
            let built = name.clone();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(build_template(&built));
            })
            .join()
            .expect("building the template database");
            name
        })
        .await
}

async fn build_template(name: &str) {
    // One connection, so the advisory lock and its unlock share a session.
    let mut options = sea_orm::ConnectOptions::new(admin_url());
    options.max_connections(1).sqlx_logging(false);
    let admin = Database::connect(options).await.unwrap_or_else(|e| {
        panic!("cannot reach Postgres at {} ({e}); start it or set SLUICE_TEST_DATABASE_URL", admin_url())
    });
    admin.execute_unprepared("SELECT pg_advisory_lock(8152026)").await.expect("advisory lock");
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("query pg_database")
        .is_some();
    if !exists {
        let staging = format!("{name}_building");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {staging} WITH (FORCE)"))
            .await
            .expect("drop staging");
        admin.execute_unprepared(&format!("CREATE DATABASE {staging}")).await.expect("create staging");
        {
            let db = Database::connect(url_for(&staging)).await.expect("connect staging");
            migrate(&db).await;
            db.close().await.expect("close staging");
        }
        admin
            .execute_unprepared(&format!("ALTER DATABASE {staging} RENAME TO {name}"))
            .await
            .expect("rename template");
        // Templates of other schemas are kept for a while: checkouts of other branches may be
        // testing against this server right now. Only the oldest beyond a few are dropped.
        let stale = admin
            .query_all_raw(sea_orm::Statement::from_string(
                admin.get_database_backend(),
                format!(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'sluice\\_tpl\\_%' \
                     AND datname NOT LIKE '{name}%' ORDER BY oid DESC OFFSET {KEPT_TEMPLATES}"
                ),
            ))
            .await
            .expect("list templates");
        for row in stale {
            let old: String = row.try_get("", "datname").expect("datname");
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)")).await;
        }
    }
    admin.execute_unprepared("SELECT pg_advisory_unlock(8152026)").await.expect("advisory unlock");
}

/// Opens a test database (another process's too: the crash test's worker) as core opens one:
/// SQLite's connections announce their writes to the task loops (`tasks::wakeup`).
pub async fn connect(url: &str) -> DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options.max_connections(5).sqlx_logging(false);
    let pool_url = url.to_owned();
    options
        .map_sqlx_sqlite_pool_opts(move |pool| crate::tasks::wakeup::announce_sqlite_writes(&pool_url, pool));
    Database::connect(options).await.expect("connect test database")
}

async fn migrate(db: &DatabaseConnection) {
    use sluice_migrations::MigratorTrait;
    sluice_migrations::Migrator::up(db, None).await.expect("migrate");
    crate::authz::sync(db).await.expect("sync catalog");
}

/// A database that is dropped with the value.
pub struct TestDb {
    pub db: DatabaseConnection,
    /// For child processes that must open the same database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Postgres(String),
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Postgres => Self::postgres().await,
            Backend::Sqlite => Self::sqlite().await,
        }
    }

    pub async fn postgres() -> Self {
        let template = template().await;
        let name = format!("sluice_t_{}", crate::uri::new_uri());
        let admin = Database::connect(admin_url()).await.expect("connect admin");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("copy template");
        admin.close().await.expect("close admin");
        let url = url_for(&name);
        let db = connect(&url).await;
        Self { db, url, cleanup: Cleanup::Postgres(name) }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("sluice.db").display());
        let db = connect(&url).await;
        db.execute_unprepared("PRAGMA journal_mode=WAL").await.expect("wal");
        migrate(&db).await;
        Self { db, url, cleanup: Cleanup::Sqlite(dir) }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres(name) = &self.cleanup {
            let name = name.clone();
            // Drop runs inside the test's runtime, which cannot block on itself.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Reverts the migration named `name` and every one after it, then applies them again: what an
/// upgrade from the release before `name` does to the rows already there (a backfill, say).
pub async fn rerun_migration(db: &DatabaseConnection, name: &str) {
    use sluice_migrations::MigratorTrait;
    let names: Vec<String> =
        sluice_migrations::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let position = names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no migration {name}"));
    let after = u32::try_from(names.len() - position).expect("a few migrations");
    sluice_migrations::Migrator::down(db, Some(after)).await.expect("migrate down");
    sluice_migrations::Migrator::up(db, None).await.expect("migrate up");
}
