//! `search` and `gql`: anything the other commands do not cover.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use super::parse_vars;
use crate::{Failure, client::Client, output};

#[derive(Args)]
pub struct SearchArgs {
    /// Words to find in names, descriptions, tags, topics and column names; a typo is forgiven.
    pub term: String,
    /// Only entries of these kinds: dataset, table, folder (repeat for several).
    #[arg(long = "kind", value_parser = ["dataset", "table", "folder"])]
    pub kinds: Vec<String>,
    /// The page of hits, from 1.
    #[arg(long, default_value_t = 1)]
    pub page: u32,
}

#[derive(Args)]
pub struct GqlArgs {
    /// A file holding one GraphQL document; `-` reads standard input.
    pub file: PathBuf,
    /// A variable as name=value (JSON when it parses, else a string); repeat for several.
    #[arg(long = "var")]
    pub vars: Vec<String>,
}

const SEARCH: &str = "query($input: SearchCatalogInput) { searchCatalog(input: $input) { \
    count page pages nodes { kind uri datasetUri name label snippet } } }";

/// Searches the catalog (`searchCatalog`): datasets, tables and folders of every team, as the
/// web UI's catalog does. Hits are printed; with more pages, how to ask for the next.
pub async fn search(client: &Client, json: bool, args: SearchArgs) -> Result<(), Failure> {
    let mut filters = serde_json::Map::new();
    if !args.kinds.is_empty() {
        filters.insert("resourceKind".into(), json!(args.kinds));
    }
    let input = json!({"term": args.term, "filters": filters, "page": args.page, "pageSize": 50});
    let data = client.gql(SEARCH, json!({"input": input})).await?;
    let result = &data["searchCatalog"];
    let nodes = result["nodes"].as_array().map_or(&[][..], |v| v);
    output::list(
        json,
        nodes,
        &[
            ("KIND", "kind"),
            ("URI", "uri"),
            ("DATASET", "datasetUri"),
            ("LABEL", "label"),
            ("MATCH", "snippet"),
        ],
    );
    if !json && result["pages"].as_u64().unwrap_or(0) > u64::from(args.page) {
        eprintln!(
            "page {} of {} ({} hits): add --page {} for more",
            args.page,
            result["pages"],
            result["count"],
            args.page + 1
        );
    }
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
