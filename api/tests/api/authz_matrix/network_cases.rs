//! Rows for networks: VPCs registered in an environment.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "createNetwork",
            doc: "mutation($env: String!, $team: String!) { createNetwork(input: {environmentUri: $env, SamlGroupName: $team, label: \"bi\", vpcId: \"vpc-1a2b3c4d\", privateSubnetIds: [\"subnet-0a1b2c3d\"]}) { vpcUri VpcId } }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            // CREATE_NETWORK held by the caller's own team: TeamB was invited without it, and
            // admins act for no team of the environment.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "deleteNetwork",
            doc: "mutation($vpc: String!) { deleteNetwork(vpcUri: $vpc) }",
            vars: |c| json!({"vpc": c.network}),
            // TeamA registered it and owns the environment; TeamB may list it, not remove it.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listEnvironmentNetworks",
            doc: "query($env: String!) { listEnvironmentNetworks(environmentUri: $env) { count nodes { VpcId SamlGroupName } } }",
            vars: |c| json!({"env": c.env}),
            // LIST_ENVIRONMENT_NETWORKS: every team of the environment, invited ones too.
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
    ]
}
