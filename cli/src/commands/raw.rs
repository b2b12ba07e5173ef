//! `search` and `gql`: anything the other commands do not cover.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::parse_vars;
use crate::{Failure, client::Client, output};

#[derive(Args)]
pub struct SearchArgs {
    pub term: String,
}

#[derive(Args)]
pub struct GqlArgs {
    /// A file holding one GraphQL document; `-` reads standard input.
    pub file: PathBuf,
    /// A variable as name=value (JSON when it parses, else a string); repeat for several.
    #[arg(long = "var")]
    pub vars: Vec<String>,
}

/// Searches datasets by term through `listDatasets`: the catalog's faceted search has no
/// GraphQL operation yet.
pub async fn search(client: &Client, json: bool, args: SearchArgs) -> Result<(), Failure> {
    let data = client
        .gql(
            "query($t: String) { listDatasets(filter: {term: $t, pageSize: 100}) { count nodes { datasetUri label SamlAdminGroupName description tags } } }",
            json!({"t": args.term}),
        )
        .await?;
    let nodes = data["listDatasets"]["nodes"].as_array().map_or(&[][..], |v| v);
    output::list(
        json,
        nodes,
        &[
            ("URI", "datasetUri"),
            ("LABEL", "label"),
            ("ADMIN TEAM", "SamlAdminGroupName"),
            ("TAGS", "tags"),
            ("DESCRIPTION", "description"),
        ],
    );
    Ok(())
}

/// Prints `data` as JSON: a generic document has no table shape.
pub async fn gql(client: &Client, args: GqlArgs) -> Result<(), Failure> {
    let document = if args.file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::Usage(format!("standard input: {e}")))?
    } else {
        std::fs::read_to_string(&args.file)
            .map_err(|e| Failure::Usage(format!("{}: {e}", args.file.display())))?
    };
    let vars = parse_vars(&args.vars)?;
    let data = client.gql(&document, Value::Object(vars)).await?;
    println!("{}", serde_json::to_string_pretty(&data).unwrap_or_default());
    Ok(())
}
