//! Rows for the effective-access views: a dataset's readers are its admin team's and platform
//! admins' to see; what a team or consumption role can read is its team's and platform admins'.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "getEffectiveAccess",
            doc: "query($t: String!) { getEffectiveAccess(targetUri: $t, targetType: \"DatasetTable\") { datasetUri readers { via principal aws } } }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            // TeamB requested a share of the table; that does not make its readers TeamB's to see.
            teammate: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "getPrincipalAccess",
            doc: "query($p: String!) { getPrincipalAccess(principalId: $p, principalType: \"ConsumptionRole\") { principalId readers { datasetUri } } }",
            // TeamA's consumption role.
            vars: |c| json!({"p": c.principal}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Allowed,
        },
    ]
}
