//! `ecs-tasks`: Sluice's long tasks. The worker starts it as an ECS task on Fargate, or as a
//! child process in embedded mode, with the same arguments; each command records its result on
//! its task.

mod health;
mod stack;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sluice_core::{
    env::{DatabaseSettings, Env},
    tasks::store,
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
        #[arg(long)]
        task_uri: Option<String>,
    },
}

/// Records a long task's result on its task, if it has one.
async fn finish(
    db: &sea_orm::DatabaseConnection,
    task_uri: Option<&str>,
    result: &Result<serde_json::Value, String>,
) -> anyhow::Result<()> {
    let Some(uri) = task_uri else { return Ok(()) };
    let recorded = match result {
        Ok(response) => store::succeed(db, uri, response).await,
        Err(reason) => store::fail(db, uri, reason).await,
    }
    .map_err(|e| anyhow::anyhow!("recording the result on task {uri}: {}", e.chain()))?;
    if !recorded {
        tracing::warn!(task = %uri, "the task was not in the started state; its result was not changed");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
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

/// Ok(false) is a completed run that found or met a problem.
async fn run(cli: Cli) -> anyhow::Result<bool> {
    let database = DatabaseSettings::from_env(&Env::process()).context("invalid configuration")?;
    let db = sluice_core::db::connect(&database.url, 2).await?;
    match cli.command {
        Command::Health { task_uri } => {
            let aws = async {
                let config = sluice_cloud::sdk_config().await;
                sluice_cloud::caller_identity(&sluice_cloud::sdk::sts::Client::new(&config)).await
            };
            let report = health::check(&db, aws).await;
            println!("{}", report.details);
            let result = if report.healthy { Ok(report.details.clone()) } else { Err(report.problem()) };
            finish(&db, task_uri.as_deref(), &result).await?;
            Ok(report.healthy)
        }
        Command::DeployStack { stack_uri, task_uri } => {
            let result = match stack::deploy(&db, &stack_uri).await {
                Ok(result) => result,
                Err(err) => Err(format!("{err:#}")),
            };
            finish(&db, task_uri.as_deref(), &result).await?;
            report(result)
        }
        Command::DeleteStack { stack_uri, pivot_role_name, task_uri } => {
            let result = match stack::delete(&db, &stack_uri, &pivot_role_name).await {
                Ok(result) => result,
                Err(err) => Err(format!("{err:#}")),
            };
            finish(&db, task_uri.as_deref(), &result).await?;
            report(result)
        }
    }
}
