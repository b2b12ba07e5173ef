//! `env link|list|invite`.

use clap::Subcommand;
use serde_json::json;

use crate::{Failure, client::Client, output};

#[derive(Subcommand)]
pub enum EnvCommand {
    /// Link an AWS account whose pivot role is deployed (see getPivotRoleTemplate).
    Link {
        #[arg(long)]
        org: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        region: String,
        #[arg(long)]
        label: String,
        /// The owning team.
        #[arg(long)]
        team: String,
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Environments your teams belong to.
    List {
        #[arg(long)]
        term: Option<String>,
    },
    /// Invite a team into an environment.
    Invite {
        #[arg(long = "env")]
        environment: String,
        #[arg(long)]
        team: String,
        /// A permission to give, e.g. CREATE_SHARE_OBJECT; repeat for several.
        #[arg(long = "permission")]
        permissions: Vec<String>,
        /// Use this existing IAM role for the team instead of one made by the stack.
        #[arg(long)]
        role_arn: Option<String>,
    },
}

const COLUMNS: &[(&str, &str)] = &[
    ("URI", "environmentUri"),
    ("LABEL", "label"),
    ("ACCOUNT", "AwsAccountId"),
    ("REGION", "region"),
    ("TEAM", "SamlGroupName"),
    ("STACK", "stack.status"),
];
const FIELDS: &str = "environmentUri label AwsAccountId region SamlGroupName stack { status }";

pub async fn run(client: &Client, json: bool, command: EnvCommand) -> Result<(), Failure> {
    match command {
        EnvCommand::Link { org, account, region, label, team, prefix, description } => {
            let input = json!({"organizationUri": org, "AwsAccountId": account, "region": region, "label": label,
                "SamlGroupName": team, "resourcePrefix": prefix, "description": description});
            let query = format!(
                "mutation($i: NewEnvironmentInput!) {{ createEnvironment(input: $i) {{ {FIELDS} }} }}"
            );
            let data = client.gql(&query, json!({"i": input})).await?;
            output::one(json, &data["createEnvironment"], COLUMNS);
        }
        EnvCommand::List { term } => {
            let query = format!(
                "query($t: String) {{ listEnvironments(filter: {{term: $t, pageSize: 100}}) {{ nodes {{ {FIELDS} }} }} }}"
            );
            let data = client.gql(&query, json!({"t": term})).await?;
            output::list(json, data["listEnvironments"]["nodes"].as_array().map_or(&[], |v| v), COLUMNS);
        }
        EnvCommand::Invite { environment, team, permissions, role_arn } => {
            let input = json!({"environmentUri": environment, "groupUri": team, "permissions": permissions,
                "environmentIAMRoleArn": role_arn});
            let query = format!(
                "mutation($i: InviteGroupOnEnvironmentInput!) {{ inviteGroupOnEnvironment(input: $i) {{ {FIELDS} }} }}"
            );
            let data = client.gql(&query, json!({"i": input})).await?;
            output::one(json, &data["inviteGroupOnEnvironment"], COLUMNS);
        }
    }
    Ok(())
}
