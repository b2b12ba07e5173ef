//! The report: `bench/results/<date>-<size>.json` with every number, and a Markdown page that
//! reads it against the targets of the performance issue.

use std::{fmt::Write as _, path::Path};

use serde::{Deserialize, Serialize};

use crate::load::Measurement;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Issue 28's "Idle" target: SQL statements a second from `sluice serve` with nothing to do
    /// (counted on the wire); `None` when not measured (and in reports from before it was).
    #[serde(default)]
    pub idle_statements_per_second: Option<f64>,
    /// From a task's commit to its start by the embedded worker, per task, in ms.
    #[serde(default)]
    pub task_pickup_ms: Vec<f64>,
    /// How long the idle server was watched.
    #[serde(default)]
    pub idle_seconds: u64,
    pub date: String,
    pub size: String,
    pub commit: String,
    pub machine: String,
    pub seconds_per_run: u64,
    pub pool_size: u32,
    pub pgbench_select: Vec<PgbenchRun>,
    pub cold_start_ms: Vec<f64>,
    pub measurements: Vec<Measurement>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PgbenchRun {
    pub clients: u32,
    pub tps: f64,
}

/// The targets, read at 16 clients.
pub const TARGET_CLIENTS: u32 = 16;
pub const TARGET_SHARE_OF_PGBENCH: f64 = 0.25;
pub const TARGET_P99_MS: f64 = 15.0;
pub const TARGET_RSS_MB: f64 = 150.0;
pub const TARGET_COLD_START_MS: f64 = 200.0;
/// Issue 28's "Idle" target: at most one statement a second with nothing to do, while a new task
/// still starts within 100 ms.
pub const TARGET_IDLE_STATEMENTS_PER_SECOND: f64 = 1.0;
pub const TARGET_PICKUP_MS: f64 = 100.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub what: String,
    pub measured: String,
    pub target: String,
    pub met: bool,
}

impl Report {
    pub fn pgbench_at(&self, clients: u32) -> Option<f64> {
        self.pgbench_select.iter().find(|r| r.clients == clients).map(|r| r.tps)
    }

    /// Idle and task pickup, then listDatasets and getDataset against the targets for each
    /// user, memory and cold start.
    pub fn checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        if let Some(rate) = self.idle_statements_per_second {
            out.push(Check {
                what: format!("Idle: SQL statements with nothing to do, over {} s", self.idle_seconds),
                measured: format!("{rate:.2} statement/s"),
                target: format!("≤ {TARGET_IDLE_STATEMENTS_PER_SECOND} statement/s"),
                met: rate <= TARGET_IDLE_STATEMENTS_PER_SECOND,
            });
        }
        if let Some(pickup) = median(&self.task_pickup_ms) {
            out.push(Check {
                what: format!("task pickup when idle, median of {}", self.task_pickup_ms.len()),
                measured: format!("{pickup:.0} ms"),
                target: format!("≤ {TARGET_PICKUP_MS} ms"),
                met: pickup <= TARGET_PICKUP_MS,
            });
        }
        let ceiling = self.pgbench_at(TARGET_CLIENTS);
        for m in self.measurements.iter().filter(|m| {
            m.clients == TARGET_CLIENTS
                && (m.scenario.starts_with("listDatasets") || m.scenario == "getDataset")
        }) {
            let who = format!("{}, {} group(s)", m.scenario, m.user_groups);
            if let Some(tps) = ceiling {
                let share = m.requests_per_second / tps;
                out.push(Check {
                    what: format!("{who}: req/s vs pgbench -S"),
                    measured: format!(
                        "{:.0} req/s = {:.0}% of {:.0}",
                        m.requests_per_second,
                        share * 100.0,
                        tps
                    ),
                    target: format!("≥ {:.0}%", TARGET_SHARE_OF_PGBENCH * 100.0),
                    met: share >= TARGET_SHARE_OF_PGBENCH && m.errors == 0,
                });
            }
            out.push(Check {
                what: format!("{who}: p99"),
                measured: format!("{:.1} ms", m.p99_ms),
                target: format!("≤ {TARGET_P99_MS} ms"),
                met: m.p99_ms <= TARGET_P99_MS,
            });
        }
        let peak = self.measurements.iter().map(|m| m.server_peak_rss_mb).fold(0.0, f64::max);
        out.push(Check {
            what: "peak RSS of sluice serve, all runs".into(),
            measured: format!("{peak:.0} MB"),
            target: format!("≤ {TARGET_RSS_MB} MB"),
            met: peak <= TARGET_RSS_MB,
        });
        if let Some(median) = median(&self.cold_start_ms) {
            out.push(Check {
                what: format!("cold start, median of {}", self.cold_start_ms.len()),
                measured: format!("{median:.0} ms"),
                target: format!("≤ {TARGET_COLD_START_MS} ms"),
                met: median <= TARGET_COLD_START_MS,
            });
        }
        out
    }

    pub fn markdown(&self, other: Option<&Report>) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Sluice benchmark, size {}, {}\n", self.size, self.date);
        let _ = writeln!(
            md,
            "Commit `{}` on {}. Each run lasts {} s; `sluice serve` (release build, Postgres, pool of {}) \
             and wrk share the machine's cores.\n",
            self.commit, self.machine, self.seconds_per_run, self.pool_size
        );
        let _ = writeln!(md, "## Targets (loads at {TARGET_CLIENTS} clients)\n");
        let _ = writeln!(md, "| check | measured | target | |\n|---|---|---|---|");
        for c in self.checks() {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                c.what,
                c.measured,
                c.target,
                if c.met { "met" } else { "**MISS**" }
            );
        }
        let _ = writeln!(md, "\n## Ceiling: `pgbench -S` on the same Postgres\n");
        let _ = writeln!(md, "| clients | tps |\n|---|---|");
        for r in &self.pgbench_select {
            let _ = writeln!(md, "| {} | {:.0} |", r.clients, r.tps);
        }
        if let Some(rate) = self.idle_statements_per_second {
            let pickups: Vec<String> = self.task_pickup_ms.iter().map(|p| format!("{p:.0}")).collect();
            let _ = writeln!(
                md,
                "\n## Idle\n\n`sluice serve` with its worker embedded, on a fresh database, sent {rate:.2} SQL \
                 statements a second over {} s with nothing to do (every statement on the wire, counted by a \
                 proxy). Health checks queued then started after, in ms: {}.",
                self.idle_seconds,
                pickups.join(", ")
            );
        }
        let cold: Vec<String> = self.cold_start_ms.iter().map(|c| format!("{c:.0}")).collect();
        let _ = writeln!(
            md,
            "\n## Cold start\n\nFrom spawning `sluice serve` to its first GraphQL answer without errors, in ms: {}.\n",
            cold.join(", ")
        );
        let _ = writeln!(md, "## Every run\n");
        let _ = writeln!(
            md,
            "| scenario | groups | clients | req/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | server CPU (cores) |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        );
        for m in &self.measurements {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {:.2} |",
                m.scenario,
                m.user_groups,
                m.clients,
                m.requests_per_second,
                m.p50_ms,
                m.p95_ms,
                m.p99_ms,
                m.errors + m.socket_errors,
                m.server_peak_rss_mb,
                m.server_cpu_cores
            );
        }
        let failing: Vec<&Measurement> =
            self.measurements.iter().filter(|m| m.first_error.is_some()).collect();
        if !failing.is_empty() {
            let _ = writeln!(md, "\n## First error of each run with errors\n");
            for m in failing {
                let _ = writeln!(
                    md,
                    "- {} ({} groups, {} clients): `{}`",
                    m.scenario,
                    m.user_groups,
                    m.clients,
                    m.first_error.as_deref().unwrap_or_default().replace('`', "'")
                );
            }
        }
        if let Some(other) = other {
            md.push_str(&scaling(self, other));
        }
        md
    }

    pub fn write(&self, dir: &Path, other: Option<&Report>) -> anyhow::Result<(String, String)> {
        std::fs::create_dir_all(dir)?;
        let stem = format!("{}-{}", self.date, self.size);
        let json = dir.join(format!("{stem}.json"));
        let md = dir.join(format!("{stem}.md"));
        std::fs::write(&json, serde_json::to_string_pretty(self)?)?;
        std::fs::write(&md, self.markdown(other))?;
        Ok((json.display().to_string(), md.display().to_string()))
    }

    /// The newest report of another size in `dir`, for the scaling table.
    pub fn latest_other(dir: &Path, size: &str) -> Option<Report> {
        let mut found: Vec<(String, Report)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                let report: Report = serde_json::from_str(&text).ok()?;
                (report.size != size).then(|| (e.file_name().to_string_lossy().into_owned(), report))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.pop().map(|(_, r)| r)
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}

/// The same query at two sizes, one client and one group: flat latency means paged queries
/// cost O(page), not O(table).
fn scaling(this: &Report, other: &Report) -> String {
    let mut md = format!(
        "\n## Scaling: size {} against size {} ({}), 1 client, 1 group\n\n| scenario | p50 ms {} | p50 ms {} | ratio |\n|---|---|---|---|\n",
        this.size, other.size, other.date, this.size, other.size
    );
    for m in this.measurements.iter().filter(|m| m.clients == 1 && m.user_groups == 1) {
        if let Some(o) = other
            .measurements
            .iter()
            .find(|o| o.scenario == m.scenario && o.clients == 1 && o.user_groups == 1)
        {
            let _ = writeln!(
                md,
                "| {} | {:.2} | {:.2} | {:.2} |",
                m.scenario,
                m.p50_ms,
                o.p50_ms,
                m.p50_ms / o.p50_ms.max(1e-9)
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(scenario: &str, rps: f64, p99: f64) -> Measurement {
        Measurement {
            scenario: scenario.into(),
            user_groups: 1,
            clients: TARGET_CLIENTS,
            requests: 100,
            requests_per_second: rps,
            p50_ms: 1.0,
            p95_ms: 2.0,
            p99_ms: p99,
            max_ms: 20.0,
            errors: 0,
            socket_errors: 0,
            first_error: None,
            server_peak_rss_mb: 60.0,
            server_cpu_cores: 1.0,
        }
    }

    #[test]
    fn targets_are_read_against_the_pgbench_ceiling() {
        let report = Report {
            idle_statements_per_second: Some(0.4),
            task_pickup_ms: vec![12.0, 300.0, 9.0],
            idle_seconds: 30,
            date: "2026-11-24".into(),
            size: "S".into(),
            commit: "abc".into(),
            machine: "test".into(),
            seconds_per_run: 5,
            pool_size: 10,
            pgbench_select: vec![PgbenchRun { clients: 16, tps: 10_000.0 }],
            cold_start_ms: vec![90.0, 300.0, 100.0],
            measurements: vec![
                measurement("getDataset", 3_000.0, 9.0),
                measurement("listDatasets (page 1)", 2_000.0, 16.0),
            ],
        };
        let checks = report.checks();
        let met = |what: &str| checks.iter().find(|c| c.what.starts_with(what)).map(|c| c.met);
        assert_eq!(met("getDataset, 1 group(s): req/s"), Some(true));
        assert_eq!(met("getDataset, 1 group(s): p99"), Some(true));
        assert_eq!(met("listDatasets (page 1), 1 group(s): req/s"), Some(false));
        assert_eq!(met("listDatasets (page 1), 1 group(s): p99"), Some(false));
        assert_eq!(met("cold start"), Some(true), "the median, not the worst, of three");
        assert_eq!(met("Idle"), Some(true));
        assert_eq!(met("task pickup"), Some(true), "the median, not the worst, of three");
        let busy = Report { idle_statements_per_second: Some(21.8), ..report.clone() };
        assert_eq!(busy.checks().iter().find(|c| c.what.starts_with("Idle")).map(|c| c.met), Some(false));
        let json = serde_json::to_string(&report).expect("json");
        assert!(json.starts_with("{\"idle_statements_per_second\":0.4,\"task_pickup_ms\""), "{json}");
        let older: Report = serde_json::from_str(&json.replace("\"idle_statements_per_second\":0.4,", ""))
            .expect("reports from before the idle measurement still read");
        assert_eq!(older.idle_statements_per_second, None);
        assert!(report.markdown(None).contains("**MISS**"));
    }
}
