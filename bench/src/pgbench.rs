//! The ceiling: `pgbench -S` (primary-key SELECTs) against the same Postgres in the same run.

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, Statement};
use tokio::process::Command;

/// Makes pgbench's tables (scale 10, a million accounts) in `url`'s database unless present.
pub async fn prepare(url: &str) -> anyhow::Result<()> {
    let db = Database::connect(url).await?;
    let present = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT to_regclass('pgbench_accounts') IS NOT NULL AS present",
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "present"))
        .transpose()?
        .unwrap_or(false);
    db.close().await?;
    if !present {
        let status = Command::new("pgbench")
            .args(["-i", "-q", "-s", "10", url])
            .stdout(std::process::Stdio::null())
            .status()
            .await
            .context("pgbench: apt-get install -y postgresql-contrib (or postgresql-client)")?;
        anyhow::ensure!(status.success(), "pgbench -i failed");
    }
    Ok(())
}

/// Read-only transactions per second at `clients` connections.
pub async fn select_tps(url: &str, clients: u32, seconds: u64) -> anyhow::Result<f64> {
    let out = Command::new("pgbench")
        .args(["-S", "-n", "-c", &clients.to_string(), "-j", &clients.min(2).to_string()])
        .args(["-T", &seconds.to_string(), url])
        .output()
        .await
        .context("running pgbench")?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(out.status.success(), "pgbench -S failed: {}", String::from_utf8_lossy(&out.stderr));
    parse_tps(&text).ok_or_else(|| anyhow::anyhow!("no tps in pgbench's output: {text}"))
}

fn parse_tps(text: &str) -> Option<f64> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("tps = "))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_tps_from_pgbench_output() {
        let out = "transaction type: <builtin: select only>\nlatency average = 0.9 ms\n\
                   initial connection time = 10.2 ms\ntps = 17234.512 (without initial connection time)\n";
        assert_eq!(super::parse_tps(out), Some(17234.512));
        assert_eq!(super::parse_tps("no result"), None);
    }
}
