//! The benchmark's database: made, migrated and seeded once per size, then reused by later runs
//! (a comment on the database records a finished seed), with what earlier runs wrote removed.

use std::path::Path;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use sluice_migrations::{Migrator, MigratorTrait};

use crate::seed::{self, Size};

/// The label every dataset the load runner creates carries, so a later run can remove them.
pub const CREATED_LABEL: &str = "Bench created dataset";

/// `postgres://…/postgres` with the database name swapped. The server, pgbench and Postgres
/// share one host here, so both sides connect without TLS: a handshake per pooled connection
/// was half of the server's cold start, and encrypting loopback traffic measures nothing.
pub fn database_url(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let without_query = admin_url.split_once('?').map_or(admin_url, |(u, _)| u);
    let (base, _) = without_query.rsplit_once('/').context("a Postgres URL ends in /<database>")?;
    Ok(format!("{base}/{name}?sslmode=disable"))
}

pub fn database_name(size: &Size) -> String {
    format!("sluice_bench_{}", size.name.to_ascii_lowercase())
}

async fn comment_of(admin: &DatabaseConnection, name: &str) -> anyhow::Result<Option<String>> {
    let row = admin
        .query_one_raw(Statement::from_sql_and_values(
            admin.get_database_backend(),
            "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
            [Value::from(name)],
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<String>>("", "comment").ok().flatten()))
}

/// Returns the seeded database's URL and whether it was seeded now (the search index must then
/// be rebuilt).
pub async fn ensure_seeded(admin_url: &str, size: &Size, reseed: bool) -> anyhow::Result<(String, bool)> {
    let name = database_name(size);
    let url = database_url(admin_url, &name)?;
    let admin = Database::connect(admin_url).await.context("connecting to Postgres")?;
    if !reseed && comment_of(&admin, &name).await?.as_deref() == Some(seed::marker(size).as_str()) {
        admin.close().await?;
        let db = Database::connect(&url).await?;
        remove_created(&db).await?;
        db.close().await?;
        eprintln!("==> reusing the size {} seed in {name} (--reseed to make it again)", size.name);
        return Ok((url, false));
    }
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    let db = Database::connect(&url).await?;
    Migrator::up(&db, None).await.context("migrating the bench database")?;
    sluice_core::Core::new(db.clone()).sync_catalog().await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let started = std::time::Instant::now();
    seed::seed(&db, size, |what| eprintln!("==> seeding {what} ({:.0} s)", started.elapsed().as_secs_f64()))
        .await?;
    db.close().await?;
    admin.execute_unprepared(&format!("COMMENT ON DATABASE {name} IS '{}'", seed::marker(size))).await?;
    admin.close().await?;
    eprintln!("==> seeded size {} in {:.0} s", size.name, started.elapsed().as_secs_f64());
    Ok((url, true))
}

/// Deletes the datasets earlier load runs created, with their policies, stacks, tasks and audit.
pub async fn remove_created(db: &DatabaseConnection) -> anyhow::Result<()> {
    let created = format!("SELECT dataset_uri FROM dataset WHERE label = '{CREATED_LABEL}'");
    for sql in [
        format!(
            "DELETE FROM resource_policy_permission WHERE sid IN \
             (SELECT sid FROM resource_policy WHERE resource_uri IN ({created}))"
        ),
        format!("DELETE FROM resource_policy WHERE resource_uri IN ({created})"),
        format!("DELETE FROM stack WHERE target_uri IN ({created})"),
        format!("DELETE FROM task WHERE target_uri IN ({created})"),
        format!("DELETE FROM activity WHERE target_uri IN ({created})"),
        format!("DELETE FROM dataset WHERE label = '{CREATED_LABEL}'"),
    ] {
        db.execute_unprepared(&sql).await.with_context(|| format!("removing created datasets: {sql}"))?;
    }
    db.execute_unprepared(
        "VACUUM ANALYZE dataset, resource_policy, resource_policy_permission, stack, task, activity",
    )
    .await?;
    Ok(())
}

/// Rebuilds the Tantivy index in `search_dir` from the database with `ecs-tasks reindex-catalog`.
pub async fn reindex(
    ecs_tasks: &Path,
    database_url: &str,
    data_dir: &Path,
    search_dir: &Path,
) -> anyhow::Result<()> {
    let status = tokio::process::Command::new(ecs_tasks)
        .arg("reindex-catalog")
        .env("SLUICE_DATABASE_URL", database_url)
        .env("SLUICE_DATA_DIR", data_dir)
        .env("SLUICE_SEARCH_DIR", search_dir)
        .env("SLUICE_LOG", "warn")
        .env_remove("SLUICE_OPENSEARCH_URL")
        .status()
        .await
        .with_context(|| format!("running {}", ecs_tasks.display()))?;
    anyhow::ensure!(status.success(), "ecs-tasks reindex-catalog failed");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_urls_swap_the_name_and_leave_tls_off() {
        assert_eq!(
            super::database_url("postgres://postgres@127.0.0.1:5432/postgres", "sluice_bench_s")
                .expect("url"),
            "postgres://postgres@127.0.0.1:5432/sluice_bench_s?sslmode=disable"
        );
        assert_eq!(
            super::database_url("postgres://u:p@db:5432/postgres?sslmode=require", "x").expect("url"),
            "postgres://u:p@db:5432/x?sslmode=disable"
        );
        assert!(super::database_url("no-slash", "x").is_err());
    }
}
