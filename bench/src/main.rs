//! `sluice-bench`: seed a tenant, drive `sluice serve` with wrk, and write the report.

use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use sluice_bench::{
    idle::{self, IdleSpec},
    load::{self, Measurement},
    pgbench,
    report::{PgbenchRun, Report},
    scenarios::{self, Scenario, User},
    seed::Size,
    server::{self, ServerSpec},
    tenant,
};

#[derive(Parser)]
#[command(name = "sluice-bench", about = "Measure Sluice at scale against its targets")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make (or reuse) the seeded database for a size, and print its URL.
    Seed(TenantArgs),
    /// Seed, start the server, run every scenario, and write bench/results/<date>-<size>.{md,json}.
    Run(Box<RunArgs>),
    /// Issue 28's "Idle" target alone: statements/s of an idle `sluice serve`, and task pickup.
    Idle(IdleArgs),
}

#[derive(clap::Args)]
struct IdleArgs {
    /// A Postgres URL whose user may create databases.
    #[arg(
        long,
        env = "SLUICE_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
    /// The `sluice` binary; `ecs-tasks` must sit next to it.
    #[arg(long)]
    sluice: PathBuf,
    #[arg(long)]
    data_dir: PathBuf,
    /// How long the idle server is watched.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    #[arg(long, default_value_t = 18_580)]
    port: u16,
}

/// Which seed, and where.
#[derive(clap::Args)]
struct TenantArgs {
    /// S or L.
    #[arg(long, default_value = "S")]
    size: String,
    /// A Postgres URL whose user may create databases.
    #[arg(
        long,
        env = "SLUICE_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
    /// Seed again even if a finished seed of this size exists.
    #[arg(long)]
    reseed: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    tenant: TenantArgs,
    /// Seconds each run lasts.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    clients: Vec<u32>,
    /// How many teams each benchmark user is in.
    #[arg(long, value_delimiter = ',', default_value = "1,50")]
    groups: Vec<u64>,
    /// Only these scenarios (slugs such as get-dataset, mixed); all by default.
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// The release binaries.
    #[arg(long)]
    sluice: PathBuf,
    #[arg(long)]
    ecs_tasks: PathBuf,
    /// The server's database pool.
    #[arg(long, default_value_t = 10)]
    pool_size: u32,
    #[arg(long, default_value_t = 5)]
    cold_starts: u32,
    /// Where the dev issuer's key, the search index and request files live between runs.
    #[arg(long)]
    data_dir: PathBuf,
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
    #[arg(long, default_value = "bench/wrk/graphql.lua")]
    script: PathBuf,
    #[arg(long, default_value_t = 18_580)]
    port: u16,
    /// How long the idle server is watched (issue 28's "Idle" target); 0 skips the measurement.
    #[arg(long, default_value_t = 30)]
    idle_seconds: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Seed(TenantArgs { size, postgres, reseed }) => {
            let (url, _) = tenant::ensure_seeded(&postgres, &Size::parse(&size)?, reseed).await?;
            println!("{url}");
            Ok(())
        }
        Command::Run(args) => bench(*args).await,
        Command::Idle(args) => {
            let spec = IdleSpec {
                admin_url: args.postgres,
                sluice: args.sluice,
                data_dir: args.data_dir,
                port: args.port,
                seconds: args.seconds,
            };
            let measured = idle::measure(&spec).await?;
            println!("{}", serde_json::to_string_pretty(&measured)?);
            Ok(())
        }
    }
}

async fn bench(args: RunArgs) -> anyhow::Result<()> {
    let size = Size::parse(&args.tenant.size)?;
    // Read now: the tree may move on while the run goes.
    let commit =
        command_output("git", &["rev-parse", "--short", "HEAD"]).await.unwrap_or_else(|| "unknown".into());
    let scenarios: Vec<Scenario> = if args.scenarios.is_empty() {
        Scenario::ALL.to_vec()
    } else {
        args.scenarios.iter().map(|s| Scenario::parse(s)).collect::<anyhow::Result<_>>()?
    };
    let data_dir = args.data_dir.join(size.name);
    std::fs::create_dir_all(&data_dir)?;
    let (database_url, seeded) =
        tenant::ensure_seeded(&args.tenant.postgres, &size, args.tenant.reseed).await?;
    let search_dir = data_dir.join("search");
    if seeded || !search_dir.exists() {
        eprintln!("==> building the catalog's search index");
        tenant::reindex(&args.ecs_tasks, &database_url, &data_dir, &search_dir).await?;
    }
    let spec = ServerSpec {
        binary: args.sluice.clone(),
        database_url: database_url.clone(),
        data_dir: data_dir.clone(),
        port: args.port,
        pool_size: args.pool_size,
        // Tasks the writes queue stay in the outbox: the load runs measure the API alone.
        embedded_worker: false,
    };
    let users: Vec<User> = args.groups.iter().map(|n| User::with_groups(*n)).collect();
    let mut tokens = Vec::new();
    for user in &users {
        tokens.push(spec.token(&user.name, &user.groups()).await?);
    }
    let log = data_dir.join("sluice.log");

    let mut cold_start_ms = Vec::new();
    for i in 0..args.cold_starts {
        let (mut child, took) = server::start_timed(&spec, &tokens[0], &log).await?;
        eprintln!("==> cold start {}: {} ms", i + 1, took.as_millis());
        cold_start_ms.push(took.as_secs_f64() * 1000.0);
        child.kill().await?;
    }

    let (mut child, _) = server::start_timed(&spec, &tokens[0], &log).await?;
    let pid = child.id().context("the server's pid")?;
    let url = spec.url();
    let mut measurements = Vec::new();
    // Datasets a write run creates are removed after it: left in place, they would join the
    // creating teams' visible sets and slow every later list, measuring the bench, not Sluice.
    let tenant_db = sea_orm::Database::connect(&database_url).await?;
    for (user, token) in users.iter().zip(&tokens) {
        for scenario in &scenarios {
            let bodies = scenarios::bodies(*scenario, &size, user)?;
            let file = data_dir.join(format!("bodies-{}-{}.txt", scenario.slug(), user.teams.len()));
            std::fs::write(&file, bodies.join("\n") + "\n")?;
            let make = |clients: u32, seconds: u64| load::Run {
                url: &url,
                token,
                bodies: &file,
                clients,
                duration: Duration::from_secs(seconds),
                server_pid: pid,
            };
            load::run(&args.script, make(4, 1)).await?;
            if scenario.writes() {
                tenant::remove_created(&tenant_db).await?;
            }
            for clients in &args.clients {
                let mut m: Measurement = load::run(&args.script, make(*clients, args.seconds)).await?;
                if scenario.writes() {
                    tenant::remove_created(&tenant_db).await?;
                }
                m.scenario = scenario.name().into();
                m.user_groups = user.teams.len() as u64;
                eprintln!(
                    "{:<28} {:>2} groups {:>3} clients: {:>7.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  errors {}  RSS {:.0} MB",
                    m.scenario,
                    m.user_groups,
                    m.clients,
                    m.requests_per_second,
                    m.p50_ms,
                    m.p99_ms,
                    m.errors + m.socket_errors,
                    m.server_peak_rss_mb
                );
                measurements.push(m);
            }
        }
    }
    child.kill().await?;
    tenant_db.close().await?;

    let idle = if args.idle_seconds > 0 {
        let spec = IdleSpec {
            admin_url: args.tenant.postgres.clone(),
            sluice: args.sluice.clone(),
            data_dir: args.data_dir.clone(),
            port: args.port,
            seconds: args.idle_seconds,
        };
        Some(idle::measure(&spec).await?)
    } else {
        None
    };

    eprintln!("==> pgbench -S on the same Postgres");
    let pg_url = tenant::database_url(&args.tenant.postgres, "sluice_bench_pgbench")?;
    ensure_database(&args.tenant.postgres, "sluice_bench_pgbench").await?;
    pgbench::prepare(&pg_url).await?;
    let mut pgbench_select = Vec::new();
    for clients in &args.clients {
        let tps = pgbench::select_tps(&pg_url, *clients, args.seconds).await?;
        eprintln!("pgbench -S {clients:>3} clients: {tps:.0} tps");
        pgbench_select.push(PgbenchRun { clients: *clients, tps });
    }

    let report = Report {
        idle_statements_per_second: idle.as_ref().map(|m| m.statements_per_second),
        task_pickup_ms: idle.as_ref().map(|m| m.pickup_ms.clone()).unwrap_or_default(),
        idle_seconds: idle.as_ref().map_or(0, |m| m.seconds),
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        size: size.name.into(),
        commit,
        machine: machine(),
        seconds_per_run: args.seconds,
        pool_size: args.pool_size,
        pgbench_select,
        cold_start_ms,
        measurements,
    };
    let other = Report::latest_other(&args.out, size.name);
    let (json, md) = report.write(&args.out, other.as_ref())?;
    for check in report.checks() {
        eprintln!(
            "{} {}: {} (target {})",
            if check.met { "met " } else { "MISS" },
            check.what,
            check.measured,
            check.target
        );
    }
    eprintln!("==> report: {md} and {json}");
    Ok(())
}

async fn ensure_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(admin_url).await?;
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            admin.get_database_backend(),
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [sea_orm::Value::from(name)],
        ))
        .await?
        .is_some();
    if !exists {
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    }
    admin.close().await?;
    Ok(())
}

async fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = tokio::process::Command::new(program).args(args).output().await.ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cores} cores of {cpu}")
}
