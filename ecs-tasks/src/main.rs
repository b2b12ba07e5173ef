//! `ecs-tasks`: Sluice's long tasks. The worker starts it as an ECS task on Fargate, or as a
//! child process in embedded mode, with the same arguments; each command records its result on
//! its task.

mod catalog;
mod dataset_stack;
mod health;
mod stack;
mod table_sync;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sluice_core::{
    env::{DatabaseSettings, Env},
    system::System,
};

#[derive(Parser)]
#[command(name = "ecs-tasks", version, about = "Sluice long tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that the database and AWS are reachable, and record the result on the task.
    Health {
        /// The task to record the result on; without it the result is only printed.
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Create or update a stack through the account's pivot role, and record the outcome.
    DeployStack {
        #[arg(long)]
        stack_uri: String,
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Delete a deleted environment's stack, and forget it.
    DeleteStack {
        #[arg(long)]
        stack_uri: String,
        #[arg(long)]
        pivot_role_name: String,
        /// The ExternalId the deleted environment's pivot role trusts.
        #[arg(long)]
        external_id: Option<String>,
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Create or update a dataset's stack, then its Glue database and Lake Formation location,
    /// and record the outcome.
    DeployDatasetStack {
        #[arg(long)]
        stack_uri: String,
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Remove a deleted dataset's Lake Formation location, Glue database and stack, and forget
    /// the stack. Its bucket and key are retained.
    DeleteDatasetStack {
        #[command(flatten)]
        deletion: dataset_stack::Deletion,
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Queue a verification of every share with shared items (run it on a schedule); each
    /// item's health then says whether Lake Formation still holds its grants. Also records,
    /// per dataset, the Lake Formation grants on its resources that Sluice did not make.
    VerifyShares {
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Revoke the shares whose access expired, through the ordinary revoke task, and warn the
    /// teams of those that expire within `--warning-days` (run it on a schedule, e.g. hourly).
    ExpireShares {
        /// How far ahead requesters are warned (and approvers, of a pending extension).
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(0..=365))]
        warning_days: u16,
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Compare the catalog's search index with the database and repair it: write missing and
    /// stale documents, remove orphaned ones (run it on a schedule).
    ReconcileCatalog {
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Empty the catalog's search index and fill it again from the database.
    ReindexCatalog {
        #[arg(long)]
        task_uri: Option<String>,
    },
    /// Read a dataset's tables from its Glue database, page by page, reporting progress: new
    /// ones are added, changed ones updated, vanished ones marked Deleted.
    SyncTables {
        #[arg(long)]
        dataset_uri: String,
        #[arg(long)]
        task_uri: Option<String>,
    },
}

/// Core's errors show clients only "internal error"; a long task's errors are for operators, so
/// they keep the whole cause chain.
trait OrChain<T> {
    fn or_chain(self) -> anyhow::Result<T>;
}

impl<T> OrChain<T> for sluice_core::Result<T> {
    fn or_chain(self) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("{}", e.chain()))
    }
}

/// Records a long task's result on its task, if it has one.
async fn finish(
    system: &System<'_>,
    task_uri: Option<&str>,
    result: &Result<serde_json::Value, String>,
) -> anyhow::Result<()> {
    let Some(uri) = task_uri else { return Ok(()) };
    let recorded = match result {
        Ok(response) => system.task_succeeded(uri, response).await,
        Err(reason) => system.task_failed(uri, reason).await,
    }
    .or_chain()
    .with_context(|| format!("recording the result on task {uri}"))?;
    if !recorded {
        tracing::warn!(task = %uri, "the task was not in the started state; its result was not changed");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Run by a worker, the output is piped into the worker's own log: colour codes there
        // would show as escapes.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SLUICE_LOG")
                .unwrap_or_else(|_| "info,aws=warn".into()),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(2),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn report(result: Result<serde_json::Value, String>) -> anyhow::Result<bool> {
    match result {
        Ok(value) => {
            println!("{value}");
            Ok(true)
        }
        Err(reason) => {
            eprintln!("{reason}");
            Ok(false)
        }
    }
}

/// Records how a stack command ended on its task and reports it. `Ok(Err(reason))` is a run
/// that met a problem it explains; `Err` one that could not go on, whose chain is the reason.
async fn conclude(
    system: &System<'_>,
    task_uri: Option<String>,
    ran: anyhow::Result<Result<serde_json::Value, String>>,
) -> anyhow::Result<bool> {
    let result = ran.unwrap_or_else(|err| Err(format!("{err:#}")));
    finish(system, task_uri.as_deref(), &result).await?;
    report(result)
}

/// Ok(false) is a completed run that found or met a problem.
async fn run(cli: Cli) -> anyhow::Result<bool> {
    let database = DatabaseSettings::from_env(&Env::process()).context("invalid configuration")?;
    let core = sluice_core::Core::connect(&database.url, 2).await?;
    // Each command acts as the platform, named for the task it runs; the activity trail says so.
    let system = |task: &'static str| core.system(task);
    match cli.command {
        Command::Health { task_uri } => {
            let aws = async {
                let config = sluice_cloud::sdk_config().await;
                sluice_cloud::caller_identity(&sluice_cloud::sdk::sts::Client::new(&config)).await
            };
            let system = system("platform.health");
            let report = health::check(&system, aws).await;
            println!("{}", report.details);
            let result = if report.healthy { Ok(report.details.clone()) } else { Err(report.problem()) };
            finish(&system, task_uri.as_deref(), &result).await?;
            Ok(report.healthy)
        }
        Command::DeployStack { stack_uri, task_uri } => {
            let system = system("environment.deploy");
            conclude(&system, task_uri, stack::deploy(&system, &stack_uri).await).await
        }
        Command::DeleteStack { stack_uri, pivot_role_name, external_id, task_uri } => {
            let system = system("environment.delete-stack");
            let deleted = stack::delete(&system, &stack_uri, &pivot_role_name, external_id.as_deref()).await;
            conclude(&system, task_uri, deleted).await
        }
        Command::DeployDatasetStack { stack_uri, task_uri } => {
            let system = system("dataset.deploy");
            conclude(&system, task_uri, dataset_stack::deploy(&system, &stack_uri).await).await
        }
        Command::DeleteDatasetStack { deletion, task_uri } => {
            let system = system("dataset.delete-stack");
            conclude(&system, task_uri, dataset_stack::delete(&system, &deletion).await).await
        }
        Command::VerifyShares { task_uri } => {
            let system = system("share.verify-all");
            let queued = system.queue_verify_all().await.or_chain()?;
            // Grants made outside Sluice on its datasets' resources, read through the pivot roles.
            let linker = sluice_cloud::PivotLinker::new(sluice_cloud::sdk_config().await);
            let drift = system.record_drift(&linker).await.or_chain()?;
            let result = Ok(serde_json::json!({"queued": queued, "drift": drift}));
            finish(&system, task_uri.as_deref(), &result).await?;
            report(result)
        }
        Command::ExpireShares { warning_days, task_uri } => {
            let system = system("share.expire");
            let run = system.expire_shares(warning_days).await.or_chain()?;
            let result = Ok(serde_json::json!(run));
            finish(&system, task_uri.as_deref(), &result).await?;
            report(result)
        }
        Command::ReconcileCatalog { task_uri } => {
            let system = system("catalog.reconcile");
            conclude(&system, task_uri, catalog::reconcile(&system).await).await
        }
        Command::ReindexCatalog { task_uri } => {
            let system = system("catalog.reindex");
            conclude(&system, task_uri, catalog::reindex(&system).await).await
        }
        Command::SyncTables { dataset_uri, task_uri } => {
            let cap = Env::process()
                .parse(
                    "SLUICE_MAX_TABLES_PER_DATASET",
                    &table_sync::DEFAULT_CAP.to_string(),
                    "a number of tables",
                )
                .context("invalid configuration")?;
            let system = system("dataset.sync-tables");
            let ran = table_sync::sync(&system, &dataset_uri, task_uri.as_deref(), cap).await;
            conclude(&system, task_uri, ran).await
        }
    }
}
