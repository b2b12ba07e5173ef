//! `audit export`: the activity trail of a time range, as CSV or JSON Lines, streamed from the
//! server's `GET /audit/export` to a file or standard output. You get what `listActivity` shows
//! you: everything as a platform admin, your teams' resources' activity otherwise.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::{Failure, client::Client};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Export the activity of a time range; rows come oldest first.
    Export(ExportArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Start of the range, included: RFC 3339 (2026-12-01T00:00:00Z) or a date (its start, UTC).
    #[arg(long)]
    pub from: String,
    /// End of the range, excluded.
    #[arg(long)]
    pub to: String,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Write here instead of standard output; nothing is left behind if the export fails.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Only this user's activity.
    #[arg(long)]
    pub actor: Option<String>,
    #[arg(long)]
    pub target_uri: Option<String>,
    #[arg(long)]
    pub target_type: Option<String>,
    /// Only this operation (`updateDataset`, `approveShareObject`, …).
    #[arg(long)]
    pub action: Option<String>,
    /// success, denied or failed.
    #[arg(long)]
    pub outcome: Option<String>,
}

impl ExportArgs {
    /// `/audit/export?…`, each value encoded.
    fn path(&self) -> String {
        let format = match self.format {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("from", &self.from).append_pair("to", &self.to).append_pair("format", format);
        for (name, value) in [
            ("actor", &self.actor),
            ("targetUri", &self.target_uri),
            ("targetType", &self.target_type),
            ("action", &self.action),
            ("outcome", &self.outcome),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        format!("/audit/export?{}", query.finish())
    }
}

pub async fn run(client: &Client, json: bool, command: AuditCommand) -> Result<(), Failure> {
    let AuditCommand::Export(args) = command;
    let path = args.path();
    let Some(file) = &args.output else {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        client.download(&path, &mut out).await?;
        return Ok(());
    };
    // Written next to the file and renamed once whole, so a failed export leaves nothing.
    let partial = partial_path(file);
    let written = async {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&partial)
                .map_err(|e| Failure::Request(format!("{}: {e}", partial.display())))?,
        );
        let bytes = client.download(&path, &mut out).await?;
        out.into_inner()
            .map_err(|e| Failure::Request(format!("{}: {e}", partial.display())))?
            .sync_all()
            .map_err(|e| Failure::Request(format!("{}: {e}", partial.display())))?;
        std::fs::rename(&partial, file).map_err(|e| Failure::Request(format!("{}: {e}", file.display())))?;
        Ok::<_, Failure>(bytes)
    }
    .await;
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(failure) => {
            let _ = std::fs::remove_file(&partial);
            return Err(failure);
        }
    };
    if json {
        println!("{}", json!({"file": file.display().to_string(), "bytes": bytes}));
    } else {
        println!("wrote {bytes} bytes to {}", file.display());
    }
    let _ = std::io::stdout().flush();
    Ok(())
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_carries_every_given_filter_encoded() {
        let args = ExportArgs {
            from: "2026-12-01T00:00:00+01:00".into(),
            to: "2026-12-08".into(),
            format: Format::Jsonl,
            output: None,
            actor: Some("bob smith".into()),
            target_uri: None,
            target_type: None,
            action: Some("updateDataset".into()),
            outcome: None,
        };
        assert_eq!(
            args.path(),
            "/audit/export?from=2026-12-01T00%3A00%3A00%2B01%3A00&to=2026-12-08&format=jsonl&actor=bob+smith&action=updateDataset"
        );
    }
}
