//! `sluice-cli`: Sluice from scripts and terminals. Tables by default, `--json` for scripts,
//! and an exit code that says what went wrong:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | the server refused or failed the request (the error's code is printed) |
//! | 2 | bad command line |
//! | 3 | not signed in, or the credentials were refused |
//! | 4 | `share status --wait` ended in a failed or rejected state, or timed out |

mod client;
mod commands;
mod output;
mod profile;

use std::process::ExitCode;

use clap::Parser;

use crate::commands::Cli;

/// Why a command failed; each maps to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{code}: {message}")]
    Graphql { code: String, message: String },
    #[error("{0}")]
    Request(String),
    #[error("{0}")]
    Usage(String),
    #[error("not signed in: {0}")]
    Auth(String),
    #[error("{0}")]
    Unfinished(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Graphql { .. } | Failure::Request(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Auth(_) => 3,
            Failure::Unfinished(_) => 4,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sluice-cli: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
