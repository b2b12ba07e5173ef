//! `org create|list|invite`.

use clap::Subcommand;
use serde_json::json;

use crate::{Failure, client::Client, output};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organization administered by one of your teams.
    Create {
        #[arg(long)]
        label: String,
        /// The admin team.
        #[arg(long)]
        team: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Organizations your teams belong to.
    List {
        #[arg(long)]
        term: Option<String>,
    },
    /// Invite a team into an organization, so it can link or join its environments.
    Invite {
        #[arg(long = "org")]
        organization: String,
        #[arg(long)]
        team: String,
        /// An organization permission (repeat); none gives GET_ORGANIZATION and LINK_ENVIRONMENT.
        #[arg(long = "permission")]
        permissions: Vec<String>,
    },
}

const COLUMNS: &[(&str, &str)] =
    &[("URI", "organizationUri"), ("LABEL", "label"), ("ADMIN TEAM", "SamlGroupName"), ("OWNER", "owner")];

pub async fn run(client: &Client, json: bool, command: OrgCommand) -> Result<(), Failure> {
    match command {
        OrgCommand::Create { label, team, description, tags } => {
            let data = client
                .gql(
                    "mutation($i: NewOrganizationInput) { createOrganization(input: $i) { organizationUri label SamlGroupName owner } }",
                    json!({"i": {"label": label, "SamlGroupName": team, "description": description, "tags": tags}}),
                )
                .await?;
            output::one(json, &data["createOrganization"], COLUMNS);
        }
        OrgCommand::List { term } => {
            let data = client
                .gql(
                    "query($t: String) { listOrganizations(filter: {term: $t, pageSize: 100}) { nodes { organizationUri label SamlGroupName owner } } }",
                    json!({"t": term}),
                )
                .await?;
            output::list(json, data["listOrganizations"]["nodes"].as_array().map_or(&[], |v| v), COLUMNS);
        }
        OrgCommand::Invite { organization, team, permissions } => {
            let data = client
                .gql(
                    "mutation($i: InviteGroupToOrganizationInput!) { inviteGroupToOrganization(input: $i) { organizationUri label SamlGroupName owner } }",
                    json!({"i": {"organizationUri": organization, "groupUri": team, "permissions": permissions}}),
                )
                .await?;
            output::one(json, &data["inviteGroupToOrganization"], COLUMNS);
        }
    }
    Ok(())
}
