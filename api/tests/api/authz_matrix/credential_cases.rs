//! Rows for credential vending: a team's role credentials and links go to members of that team
//! only, never to another team of the organization, an outsider, or a platform admin outside
//! the team.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "generateDatasetAccessToken",
            doc: "mutation($ds: String!) { generateDatasetAccessToken(datasetUri: $ds) }",
            vars: |c| json!({"ds": c.dataset}),
            // CREDENTIALS_DATASET is the admin team's (TeamA) alone.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "getDatasetAssumeRoleUrl",
            doc: "query($ds: String) { getDatasetAssumeRoleUrl(datasetUri: $ds) }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "getDatasetPresignedUrl",
            doc: "query($ds: String!) { getDatasetPresignedUrl(datasetUri: $ds, input: {fileName: \"a.csv\"}) }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "generateEnvironmentAccessToken",
            doc: "query($env: String!) { generateEnvironmentAccessToken(environmentUri: $env) }",
            vars: |c| json!({"env": c.env}),
            // Without groupUri: the owning team's (TeamA) role, for its members.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "getEnvironmentAssumeRoleUrl",
            doc: "query($env: String!, $team: String) { getEnvironmentAssumeRoleUrl(environmentUri: $env, groupUri: $team) }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            // Each caller asks for their own team's role: TeamB was invited without
            // CREDENTIALS_ENVIRONMENT.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
    ]
}
