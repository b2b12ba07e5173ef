//! `sluice serve` as the benchmark runs it: started from the release binary against the seeded
//! database, timed from spawn to its first good GraphQL answer, and sampled for memory and CPU.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::Context;
use tokio::process::{Child, Command};

/// Where and how to start the server.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub binary: PathBuf,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub port: u16,
    pub pool_size: u32,
    /// Run the worker in the server, as `sluice serve` does by default. The load runs keep it
    /// off so that the API is measured alone; the idle measurement keeps it on.
    pub embedded_worker: bool,
}

impl ServerSpec {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.args(args)
            .env("SLUICE_DATABASE_URL", &self.database_url)
            .env("SLUICE_DATA_DIR", &self.data_dir)
            .env("SLUICE_BIND", format!("127.0.0.1:{}", self.port))
            .env("SLUICE_PUBLIC_URL", self.url())
            .env("SLUICE_DB_MAX_CONNECTIONS", self.pool_size.to_string())
            .env("SLUICE_EMBEDDED_WORKER", self.embedded_worker.to_string())
            .env("SLUICE_LOG", "warn")
            // No AWS is reached while serving; these keep the SDK from probing for a region.
            .env("SLUICE_TRUST_ACCOUNT_ID", "111111111111")
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_ACCESS_KEY_ID", "bench")
            .env("AWS_SECRET_ACCESS_KEY", "bench")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env_remove("SLUICE_OPENSEARCH_URL")
            .kill_on_drop(true);
        cmd
    }

    /// A token from the server's dev issuer for `user` in `groups`.
    pub async fn token(&self, user: &str, groups: &[String]) -> anyhow::Result<String> {
        let mut args = vec!["dev-token", "--user", user, "--ttl-minutes", "600"];
        for g in groups {
            args.extend(["--group", g.as_str()]);
        }
        let out = self.command(&args).stderr(Stdio::inherit()).output().await.context("sluice dev-token")?;
        anyhow::ensure!(out.status.success(), "sluice dev-token failed");
        Ok(String::from_utf8(out.stdout)?.trim().to_owned())
    }

    /// `sluice migrate`: the server's own migrations, whatever release it is.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let out =
            self.command(&["migrate"]).stderr(Stdio::inherit()).output().await.context("sluice migrate")?;
        anyhow::ensure!(out.status.success(), "sluice migrate failed");
        Ok(())
    }

    pub fn spawn(&self, log: &Path) -> anyhow::Result<Child> {
        let log = std::fs::File::create(log)?;
        self.command(&["serve"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))
    }
}

/// A query every user may send: the cold-start probe.
pub const PROBE: &str = r#"{"query":"{ listOrganizations(filter: {pageSize: 1}) { count } }"}"#;

/// Starts the server and returns it with the time to its first answer without errors.
pub async fn start_timed(spec: &ServerSpec, token: &str, log: &Path) -> anyhow::Result<(Child, Duration)> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
    let url = format!("{}/graphql", spec.url());
    // Another server on the port would answer in this one's place.
    if tokio::net::TcpStream::connect(("127.0.0.1", spec.port)).await.is_ok() {
        anyhow::bail!("port {} is taken: stop what listens there or pass --port", spec.port);
    }
    let started = Instant::now();
    let mut child = spec.spawn(log)?;
    loop {
        let answer = client
            .post(&url)
            .header("content-type", "application/json")
            .bearer_auth(token)
            .body(PROBE)
            .send()
            .await;
        if let Ok(response) = answer
            && response.status().is_success()
            && let Ok(text) = response.text().await
            && !text.contains("\"errors\"")
        {
            let took = started.elapsed();
            if let Some(status) = child.try_wait()? {
                anyhow::bail!(
                    "sluice serve exited with {status}, yet something answered; see {}",
                    log.display()
                );
            }
            return Ok((child, took));
        }
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("sluice serve exited with {status} before answering; see {}", log.display());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "sluice serve gave no good answer in 60 s; see {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// What /proc says of a process: resident memory now, and CPU time so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    pub rss_kb: u64,
    pub cpu_ticks: u64,
}

/// Linux's USER_HZ, which /proc/<pid>/stat counts CPU time in, is 100 on every mainstream
/// architecture; reading sysconf would need unsafe code.
pub const TICKS_PER_SECOND: f64 = 100.0;

pub fn sample(pid: u32) -> anyhow::Result<ProcSample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which may hold spaces, start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are the stat file's 14th and 15th fields: 12th and 13th after the name.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Ok(ProcSample { rss_kb, cpu_ticks: ticks(11) + ticks(12) })
}
