//! Rows for an environment's depth: changing a consumption principal, the policies Sluice writes
//! on a role, and the caller's own consumption principals and teams across environments.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Filtered, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "updateConsumptionPrincipal",
            doc: "mutation($env: String!, $cp: String!) { updateConsumptionPrincipal(environmentUri: $env, consumptionPrincipalUri: $cp, input: {consumptionPrincipalName: \"bi-renamed\", dataallManaged: PARTIALLY_MANAGED}) { consumptionPrincipalUri consumptionPrincipalName dataallManaged } }",
            vars: |c| json!({"env": c.env, "cp": c.principal}),
            // What adding and removing one need: TeamB was invited without it.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "getConsumptionPrincipalPolicies",
            doc: "query($env: String!) { getConsumptionPrincipalPolicies(environmentUri: $env, IAMPrincipalName: \"bi\", IAMPrincipalType: \"ConsumptionRole\") { policy_name policy_type exists attached } }",
            vars: |c| json!({"env": c.env}),
            // LIST_ENVIRONMENT_CONSUMPTION_ROLES, which TeamB was invited without.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listAllConsumptionPrincipals",
            doc: "{ listAllConsumptionPrincipals { count nodes { consumptionPrincipalUri groupUri } } }",
            vars: |_| json!({}),
            // Only TeamA's own principal, which TeamB may not list; admins are no team of it.
            outsider: Filtered("listAllConsumptionPrincipals"),
            member: Allowed,
            teammate: Filtered("listAllConsumptionPrincipals"),
            admin: Filtered("listAllConsumptionPrincipals"),
        },
        Case {
            op: "listAllGroups",
            doc: "{ listAllGroups { count nodes { groupUri created } } }",
            vars: |_| json!({}),
            // The caller's own teams that are in an environment: TeamA owns it, TeamB is invited.
            outsider: Filtered("listAllGroups"),
            member: Allowed,
            teammate: Allowed,
            admin: Filtered("listAllGroups"),
        },
    ]
}
