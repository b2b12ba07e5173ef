//! Rows for data.all's pickers and helpers: valid environments, an environment's teams and
//! consumption principals, a dataset's tables and folders, the caller's own teams and the
//! pivot-role template's link.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Filtered, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "listValidEnvironments",
            doc: "{ listValidEnvironments { count nodes { environmentUri } } }",
            vars: |_| json!({}),
            // The world's environment has deployed (see the fixture); TeamA owns it and TeamB is
            // invited. The admin group is no team of it: admins bypass tenant checks only.
            outsider: Filtered("listValidEnvironments"),
            member: Allowed,
            teammate: Allowed,
            admin: Filtered("listValidEnvironments"),
        },
        Case {
            op: "listEnvironmentInvitedGroups",
            doc: "query($env: String!) { listEnvironmentInvitedGroups(environmentUri: $env) { count nodes { groupUri } } }",
            vars: |c| json!({"env": c.env}),
            // Every team of the environment holds LIST_ENVIRONMENT_GROUPS.
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listAllEnvironmentGroups",
            doc: "query($env: String!) { listAllEnvironmentGroups(environmentUri: $env) { count nodes { groupUri } } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listAllEnvironmentConsumptionPrincipals",
            doc: "query($env: String!) { listAllEnvironmentConsumptionPrincipals(environmentUri: $env) { count nodes { consumptionPrincipalUri } } }",
            vars: |c| json!({"env": c.env}),
            // TeamB was invited without LIST_ENVIRONMENT_CONSUMPTION_ROLES.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listDatasetTablesFolders",
            doc: "query($ds: String!) { listDatasetTablesFolders(datasetUri: $ds) { count nodes { name targetType targetUri } } }",
            vars: |c| json!({"ds": c.dataset}),
            // Catalog information, like the dataset's tables and folders.
            outsider: Allowed,
            member: Allowed,
            teammate: Allowed,
            admin: Allowed,
        },
        Case {
            op: "getGroupsForUser",
            doc: "{ getGroupsForUser(userid: \"alice\") }",
            vars: |_| json!({}),
            // alice asks about herself; nobody else may ask about her, admins included.
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "getPivotRolePresignedUrl",
            doc: "query($org: String!) { getPivotRolePresignedUrl(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            // As getPivotRoleTemplate: LINK_ENVIRONMENT on the organization.
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
    ]
}
