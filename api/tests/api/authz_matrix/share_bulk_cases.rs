//! A dataset's shares at once (its admin team only) and the databases shared with a team in an
//! environment (members of that team who may read the environment).

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "verifyDatasetShareObjects",
            doc: "mutation($ds: String!, $s: String) { verifyDatasetShareObjects(input: {datasetUri: $ds, shareUris: [$s]}) }",
            vars: |c| json!({"ds": c.dataset, "s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            // The requesting team checks its own share with verifyItemsShareObject.
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "reApplyShareObjectItemsOnDataset",
            doc: "mutation($ds: String!) { reApplyShareObjectItemsOnDataset(datasetUri: $ds) }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listS3DatasetsSharedWithEnvGroup",
            doc: "query($env: String!, $team: String!) { listS3DatasetsSharedWithEnvGroup(groupUri: $team, environmentUri: $env) { shareUri sharedGlueDatabaseName } }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            // Each asks for its own team: TeamC and the admins' group may not read the environment.
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
    ]
}
