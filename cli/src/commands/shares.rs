//! `share request|submit|approve|reject|revoke|status [--wait]`.

use std::time::{Duration, Instant};

use clap::Subcommand;
use serde_json::{Value, json};

use crate::{Failure, client::Client, output};

#[derive(Subcommand)]
pub enum ShareCommand {
    /// Ask for a dataset's tables (or the whole dataset, then add items) for a team in an
    /// environment. Returns the existing request when there is one.
    Request {
        #[arg(long)]
        dataset: String,
        /// The environment the data is shared into.
        #[arg(long = "env")]
        environment: String,
        /// The requesting team; also the principal unless --principal is given.
        #[arg(long)]
        team: String,
        /// A table URI to ask for; repeat for several.
        #[arg(long = "table")]
        tables: Vec<String>,
        /// A consumption role's URI to share with instead of the team's role.
        #[arg(long)]
        principal: Option<String>,
        #[arg(long)]
        purpose: Option<String>,
        /// Submit the request at once.
        #[arg(long)]
        submit: bool,
    },
    /// Submit a drafted request to the dataset's approvers (approved at once with auto-approval).
    Submit { share: String },
    /// Approve a submitted request (the dataset's admins and stewards); processing starts.
    Approve { share: String },
    /// Reject a submitted request, saying why.
    Reject {
        share: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Revoke shared items: the given ones, or all that are shared.
    Revoke {
        share: String,
        #[arg(long = "item")]
        items: Vec<String>,
    },
    /// The share and its items; with --wait, until nothing is in progress.
    Status {
        share: String,
        #[arg(long)]
        wait: bool,
        /// Give up waiting after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
}

const SHARE: &str = "shareUri status datasetUri group principal { principalType principalName } items(filter: {isShared: true, pageSize: 100}) { nodes { shareItemUri itemUri itemName itemType status healthStatus } }";
const COLUMNS: &[(&str, &str)] =
    &[("SHARE", "shareUri"), ("STATUS", "status"), ("DATASET", "datasetUri"), ("TEAM", "group")];
const ITEM_COLUMNS: &[(&str, &str)] =
    &[("ITEM", "shareItemUri"), ("NAME", "itemName"), ("TYPE", "itemType"), ("STATUS", "status")];

pub async fn run(client: &Client, json: bool, command: ShareCommand) -> Result<(), Failure> {
    let share = match command {
        ShareCommand::Request { dataset, environment, team, tables, principal, purpose, submit } => {
            request(client, &dataset, &environment, &team, &tables, principal, purpose, submit).await?
        }
        ShareCommand::Submit { share } => decide(client, "submitShareObject", &share, json!({})).await?,
        ShareCommand::Approve { share } => decide(client, "approveShareObject", &share, json!({})).await?,
        ShareCommand::Reject { share, reason } => {
            decide(client, "rejectShareObject", &share, json!({"rejectPurpose": reason})).await?
        }
        ShareCommand::Revoke { share, items } => revoke(client, &share, items).await?,
        ShareCommand::Status { share, wait, timeout } => {
            return status(client, json, &share, wait, Duration::from_secs(timeout)).await;
        }
    };
    show(json, &share);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn request(
    client: &Client,
    dataset: &str,
    environment: &str,
    team: &str,
    tables: &[String],
    principal: Option<String>,
    purpose: Option<String>,
    submit: bool,
) -> Result<Value, Failure> {
    let (principal_id, principal_type) = match principal {
        Some(p) => (p, "ConsumptionRole"),
        None => (team.to_owned(), "Group"),
    };
    let input = json!({"environmentUri": environment, "groupUri": team, "principalId": principal_id,
        "principalType": principal_type, "requestPurpose": purpose, "permissions": ["Read"]});
    let first = tables.first();
    let query = format!(
        "mutation($d: String!, $t: String, $k: String, $i: NewShareObjectInput!) {{ createShareObject(datasetUri: $d, itemUri: $t, itemType: $k, input: $i) {{ {SHARE} }} }}"
    );
    let kind = first.map(|_| "Table");
    let data = client.gql(&query, json!({"d": dataset, "t": first, "k": kind, "i": input})).await?;
    let mut share = data["createShareObject"].clone();
    let uri = share["shareUri"].as_str().unwrap_or_default().to_owned();
    for table in tables.iter().skip(1) {
        let have = share["items"]["nodes"].as_array().is_some_and(|items| {
            items.iter().any(|i| i["itemUri"] == json!(table) && i["status"].is_string())
        });
        if !have {
            client
                .gql(
                    "mutation($s: String!, $t: String!) { addSharedItem(shareUri: $s, input: {itemUri: $t, itemType: Table}) { shareItemUri } }",
                    json!({"s": uri, "t": table}),
                )
                .await?;
        }
    }
    if submit {
        share = decide(client, "submitShareObject", &uri, json!({})).await?;
    } else if tables.len() > 1 {
        share = get(client, &uri).await?;
    }
    Ok(share)
}

async fn decide(client: &Client, op: &str, share: &str, extra: Value) -> Result<Value, Failure> {
    let (params, args) =
        if extra.get("rejectPurpose").is_some() { (", $r: String", ", rejectPurpose: $r") } else { ("", "") };
    let query = format!("mutation($s: String!{params}) {{ {op}(shareUri: $s{args}) {{ {SHARE} }} }}");
    let data = client.gql(&query, json!({"s": share, "r": extra.get("rejectPurpose")})).await?;
    Ok(data[op].clone())
}

async fn revoke(client: &Client, share: &str, items: Vec<String>) -> Result<Value, Failure> {
    let items = if items.is_empty() {
        let current = get(client, share).await?;
        current["items"]["nodes"]
            .as_array()
            .map(|nodes| {
                nodes
                    .iter()
                    .filter(|i| i["status"] == "Share_Succeeded" || i["status"] == "Share_Failed")
                    .filter_map(|i| i["shareItemUri"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        items
    };
    if items.is_empty() {
        return Err(Failure::Usage(format!("share {share} has no shared items to revoke")));
    }
    let query =
        format!("mutation($i: ShareItemSelectorInput) {{ revokeItemsShareObject(input: $i) {{ {SHARE} }} }}");
    let data = client.gql(&query, json!({"i": {"shareUri": share, "itemUris": items}})).await?;
    Ok(data["revokeItemsShareObject"].clone())
}

async fn get(client: &Client, share: &str) -> Result<Value, Failure> {
    let query = format!("query($s: String!) {{ getShareObject(shareUri: $s) {{ {SHARE} }} }}");
    Ok(client.gql(&query, json!({"s": share})).await?["getShareObject"].clone())
}

/// Share states in which nothing more happens without someone deciding.
fn settled(share: &Value) -> bool {
    let status = share["status"].as_str().unwrap_or_default();
    let items_busy = share["items"]["nodes"].as_array().is_some_and(|items| {
        items.iter().any(|i| {
            matches!(
                i["status"].as_str().unwrap_or_default(),
                "Share_Approved" | "Share_In_Progress" | "Revoke_Approved" | "Revoke_In_Progress"
            )
        })
    });
    !matches!(status, "Approved" | "Share_In_Progress" | "Revoke_In_Progress") && !items_busy
}

/// A settled share that did not get what was asked.
fn failed(share: &Value) -> bool {
    share["status"] == "Rejected"
        || share["items"]["nodes"].as_array().is_some_and(|items| {
            items.iter().any(|i| matches!(i["status"].as_str(), Some("Share_Failed" | "Revoke_Failed")))
        })
}

async fn status(
    client: &Client,
    json: bool,
    share: &str,
    wait: bool,
    timeout: Duration,
) -> Result<(), Failure> {
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    loop {
        let current = get(client, share).await?;
        if !wait {
            show(json, &current);
            return Ok(());
        }
        let summary = progress(&current);
        if summary != last && !json {
            eprintln!("{summary}");
            last = summary;
        }
        if settled(&current) {
            show(json, &current);
            return if failed(&current) {
                Err(Failure::Unfinished(format!("share {share} ended {}", progress(&current))))
            } else {
                Ok(())
            };
        }
        if Instant::now() >= deadline {
            show(json, &current);
            return Err(Failure::Unfinished(format!(
                "share {share} is still {} after {timeout:?}",
                progress(&current)
            )));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `Share_In_Progress: 2 Share_Succeeded, 1 Share_In_Progress`.
fn progress(share: &Value) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for item in share["items"]["nodes"].as_array().map_or(&[][..], |v| v) {
        let status = item["status"].as_str().unwrap_or("?").to_owned();
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    let items: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    format!("{}: {}", share["status"].as_str().unwrap_or("?"), items.join(", "))
}

fn show(json: bool, share: &Value) {
    if json {
        println!("{}", serde_json::to_string_pretty(share).unwrap_or_default());
        return;
    }
    output::one(false, share, COLUMNS);
    println!();
    output::list(false, share["items"]["nodes"].as_array().map_or(&[], |v| v), ITEM_COLUMNS);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(status: &str, items: &[&str]) -> Value {
        let nodes: Vec<Value> = items.iter().map(|s| json!({"status": s})).collect();
        json!({"status": status, "items": {"nodes": nodes}})
    }

    #[test]
    fn waiting_ends_only_when_nothing_is_in_progress() {
        assert!(!settled(&share("Approved", &["Share_Approved"])));
        assert!(!settled(&share("Share_In_Progress", &["Share_Succeeded", "Share_In_Progress"])));
        assert!(settled(&share("Processed", &["Share_Succeeded"])));
        assert!(!settled(&share("Processed", &["Revoke_Approved"])));
        assert!(settled(&share("Rejected", &["PendingApproval"])));
        assert!(settled(&share("Submitted", &["PendingApproval"])));
    }

    #[test]
    fn rejected_shares_and_failed_items_are_failures() {
        assert!(failed(&share("Rejected", &[])));
        assert!(failed(&share("Processed", &["Share_Succeeded", "Share_Failed"])));
        assert!(!failed(&share("Processed", &["Share_Succeeded"])));
        assert_eq!(
            progress(&share("Processed", &["Share_Succeeded", "Share_Succeeded"])),
            "Processed: 2 Share_Succeeded"
        );
    }
}
