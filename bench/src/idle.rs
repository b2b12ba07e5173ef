//! Issue 28's "Idle" target: how many SQL statements `sluice serve` sends while it has nothing to
//! do, and how soon it then starts a new task. The server runs as deployed by default (the
//! worker embedded) on a fresh database, behind a proxy that counts every statement on the wire.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use serde::{Deserialize, Serialize};

use crate::{
    server::{self, ServerSpec},
    tenant,
};

/// The wire-protocol counter of core's test kit, compiled here as well: depending on the test
/// kit would build it into the release binaries `make bench` builds alongside.
#[path = "../../core/src/testkit/pg_wire.rs"]
mod pg_wire;

/// The database the measurement makes afresh each time: nothing queued, nothing in flight.
const DATABASE: &str = "sluice_bench_idle";
/// Tasks timed from their commit to their start.
const PICKUPS: usize = 5;

#[derive(Debug, Clone)]
pub struct IdleSpec {
    /// A Postgres URL whose user may create databases.
    pub admin_url: String,
    /// The release `sluice`; `ecs-tasks` must sit next to it (health checks launch it).
    pub sluice: PathBuf,
    pub data_dir: PathBuf,
    pub port: u16,
    /// How long the idle server is watched.
    pub seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdleMeasurement {
    pub statements_per_second: f64,
    pub seconds: u64,
    /// From a task's commit (the mutation's answer) to the worker starting it, per task.
    pub pickup_ms: Vec<f64>,
}

/// An empty database for the server, migrated by the server itself.
async fn fresh_database(admin_url: &str) -> anyhow::Result<String> {
    let admin = Database::connect(admin_url).await.context("connecting to Postgres")?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE {DATABASE}")).await?;
    admin.close().await?;
    tenant::database_url(admin_url, DATABASE)
}

/// The `host:port` a Postgres URL names, and the URL with `{proxy}` in their place.
fn through_proxy(url: &str) -> anyhow::Result<(String, String)> {
    let (scheme, rest) = url.split_once("://").context("a Postgres URL")?;
    let (authority, path) = rest.split_once('/').context("a Postgres URL ends in /<database>")?;
    let (credentials, host_port) = match authority.rsplit_once('@') {
        Some((c, h)) => (format!("{c}@"), h),
        None => (String::new(), authority),
    };
    let host_port = if host_port.contains(':') { host_port.to_owned() } else { format!("{host_port}:5432") };
    Ok((host_port, format!("{scheme}://{credentials}{{proxy}}/{path}")))
}

async fn count(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await?
        .context("a count")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

async fn status(db: &DatabaseConnection, task_uri: &str) -> anyhow::Result<String> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT status FROM task WHERE task_uri = $1",
            [Value::from(task_uri)],
        ))
        .await?
        .context("the task's row")?;
    Ok(row.try_get("", "status")?)
}

/// Waits until no task is queued or running: the start-up's own (a rebuild of the new search
/// index) must be over before the server counts as idle.
async fn settled(db: &DatabaseConnection) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(db, "SELECT COUNT(*) FROM task WHERE status IN ('pending', 'started')").await? > 0 {
        anyhow::ensure!(Instant::now() < deadline, "the server's own tasks did not finish in 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

pub async fn measure(spec: &IdleSpec) -> anyhow::Result<IdleMeasurement> {
    let direct_url = fresh_database(&spec.admin_url).await?;
    let (upstream, proxied_url) = through_proxy(&direct_url)?;
    let (proxy, statements) = pg_wire::start(upstream).await.context("starting the counting proxy")?;
    let proxied_url = proxied_url.replace("{proxy}", &proxy.to_string());
    let data_dir = spec.data_dir.join("idle");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir)?;
    let server = ServerSpec {
        binary: spec.sluice.clone(),
        database_url: proxied_url,
        data_dir: data_dir.clone(),
        port: spec.port,
        pool_size: 10,
        embedded_worker: true,
    };
    // Migrated directly, not through the proxy: only the serving is counted.
    ServerSpec { database_url: direct_url.clone(), ..server.clone() }.migrate().await?;
    let admin = server.token("bench-admin", &["DAAdministrators".to_owned()]).await?;
    let (mut child, _) = server::start_timed(&server, &admin, &data_dir.join("sluice.log")).await?;
    let db = Database::connect(&direct_url).await?;
    let measured = async {
        settled(&db).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = statements.get();
        tokio::time::sleep(Duration::from_secs(spec.seconds)).await;
        let statements_per_second = (statements.get() - before) as f64 / spec.seconds as f64;
        eprintln!("==> idle: {statements_per_second:.2} statements/s over {} s", spec.seconds);
        let mut pickup_ms = Vec::new();
        for _ in 0..PICKUPS {
            pickup_ms.push(pickup(&server, &admin, &db).await?);
            settled(&db).await?;
        }
        eprintln!("==> task pickup: {pickup_ms:.1?} ms");
        Ok::<_, anyhow::Error>(IdleMeasurement { statements_per_second, seconds: spec.seconds, pickup_ms })
    }
    .await;
    child.kill().await?;
    db.close().await?;
    measured
}

/// Queues a health check and times it from the mutation's answer (the task has committed) to the
/// worker starting it, reading the row directly every millisecond.
async fn pickup(server: &ServerSpec, token: &str, db: &DatabaseConnection) -> anyhow::Result<f64> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let answer: serde_json::Value = client
        .post(format!("{}/graphql", server.url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"query": "mutation { startHealthCheck { taskUri } }"}))
        .send()
        .await?
        .json()
        .await?;
    let committed = Instant::now();
    let task_uri = answer["data"]["startHealthCheck"]["taskUri"]
        .as_str()
        .with_context(|| format!("startHealthCheck answered {answer}"))?
        .to_owned();
    while status(db, &task_uri).await? == "pending" {
        anyhow::ensure!(committed.elapsed() < Duration::from_secs(60), "task {task_uri} never started");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(committed.elapsed().as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_server_is_pointed_at_the_proxy() {
        assert_eq!(
            super::through_proxy("postgres://postgres@127.0.0.1:5432/x?sslmode=disable").expect("url"),
            ("127.0.0.1:5432".into(), "postgres://postgres@{proxy}/x?sslmode=disable".into())
        );
    }
}
