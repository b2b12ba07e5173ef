//! One load run: wrk (from Debian's package) against the server, with the server's memory and
//! CPU sampled from /proc while it runs.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tokio::process::Command;

use crate::server::{self, TICKS_PER_SECOND};

/// What wrk's `done()` in bench/wrk/graphql.lua prints after `SLUICE_RESULT `.
#[derive(Debug, Deserialize)]
struct WrkResult {
    requests: u64,
    duration_us: u64,
    errors: u64,
    socket_errors: u64,
    p50_us: u64,
    p95_us: u64,
    p99_us: u64,
    max_us: u64,
    first_error: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    pub scenario: String,
    pub user_groups: u64,
    pub clients: u32,
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Non-200 answers and answers carrying GraphQL errors.
    pub errors: u64,
    pub socket_errors: u64,
    pub first_error: Option<String>,
    pub server_peak_rss_mb: f64,
    /// Server CPU time over wall time: 2.0 is both cores of this machine.
    pub server_cpu_cores: f64,
}

pub struct Run<'a> {
    pub url: &'a str,
    pub token: &'a str,
    pub bodies: &'a Path,
    pub clients: u32,
    pub duration: Duration,
    pub server_pid: u32,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

pub async fn run(script: &Path, run: Run<'_>) -> anyhow::Result<Measurement> {
    let threads = run.clients.min(2);
    let mut wrk = Command::new("wrk");
    wrk.arg(format!("-t{threads}"))
        .arg(format!("-c{}", run.clients))
        .arg(format!("-d{}s", run.duration.as_secs().max(1)))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(script)
        .arg(run.url)
        .arg("--")
        .arg(run.bodies)
        .arg(run.token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let before = server::sample(run.server_pid)?;
    let started = Instant::now();
    let child = wrk.spawn().context("starting wrk: apt-get install -y wrk")?;
    let output = child.wait_with_output();
    tokio::pin!(output);
    let mut peak_kb = before.rss_kb;
    let output = loop {
        tokio::select! {
            out = &mut output => break out?,
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if let Ok(s) = server::sample(run.server_pid) {
                    peak_kb = peak_kb.max(s.rss_kb);
                }
            }
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let after = server::sample(run.server_pid)?;
    peak_kb = peak_kb.max(after.rss_kb);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("SLUICE_RESULT ")).ok_or_else(|| {
        anyhow::anyhow!("wrk printed no result: {}{}", stdout, String::from_utf8_lossy(&output.stderr))
    })?;
    let r: WrkResult = serde_json::from_str(line).with_context(|| format!("wrk's result line {line}"))?;
    let seconds = (r.duration_us as f64 / 1e6).max(1e-9);
    let measurement = Measurement {
        scenario: String::new(),
        user_groups: 0,
        clients: run.clients,
        requests: r.requests,
        requests_per_second: r.requests as f64 / seconds,
        p50_ms: ms(r.p50_us),
        p95_ms: ms(r.p95_us),
        p99_ms: ms(r.p99_us),
        max_ms: ms(r.max_us),
        errors: r.errors,
        socket_errors: r.socket_errors,
        first_error: (!r.first_error.is_empty()).then_some(r.first_error),
        server_peak_rss_mb: peak_kb as f64 / 1024.0,
        server_cpu_cores: (after.cpu_ticks.saturating_sub(before.cpu_ticks)) as f64 / TICKS_PER_SECOND / wall,
    };
    Ok(measurement)
}
