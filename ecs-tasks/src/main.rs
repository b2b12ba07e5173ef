//! `ecs-tasks`: Sluice's long tasks. The worker starts it as an ECS task on Fargate, or as a
//! child process in embedded mode, with the same arguments; each command records its result on
//! its task.

mod health;

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

/// Ok(false) is a completed check that found a problem.
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
            if let Some(uri) = task_uri {
                let recorded = if report.healthy {
                    store::succeed(&db, &uri, &report.details).await
                } else {
                    store::fail(&db, &uri, &report.problem()).await
                }
                .map_err(|e| anyhow::anyhow!("recording the result on task {uri}: {}", e.chain()))?;
                if !recorded {
                    tracing::warn!(task = %uri, "the task was not in the started state; its result was not changed");
                }
            }
            Ok(report.healthy)
        }
    }
}
