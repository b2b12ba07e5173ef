//! Access that expires unless extended: the requesting team asks for and withdraws extensions and
//! explains them; the dataset's approvers decide; both may set a pending request's period. And
//! how to use a share: both sides may read it.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "submitShareExtension",
            doc: "mutation($s: String!) { submitShareExtension(shareUri: $s, expiration: 2, extensionReason: \"more\") { status } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            // Approvers decide on extensions; only the requesting team asks for them.
            member: Forbidden,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "approveShareExtension",
            doc: "mutation($s: String!) { approveShareExtension(shareUri: $s) { status expiryDate } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            // Requesters never decide on their own extension.
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "cancelShareExtension",
            doc: "mutation($s: String!) { cancelShareExtension(shareUri: $s) }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Forbidden,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateShareExpirationPeriod",
            doc: "mutation($s: String!) { updateShareExpirationPeriod(shareUri: $s, expiration: 2) }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            // The approvers may change the period they are asked to approve.
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateShareExtensionReason",
            doc: "mutation($s: String!) { updateShareExtensionReason(shareUri: $s, extensionPurpose: \"why\") }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Forbidden,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getS3ConsumptionData",
            doc: "query($s: String) { getS3ConsumptionData(shareUri: $s) { sharedGlueDatabase principalRoleArn } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listSharedDatasetTableColumns",
            doc: "query($s: String!, $t: String!) { listSharedDatasetTableColumns(shareUri: $s, tableUri: $t) { count } }",
            vars: |c| json!({"s": c.share, "t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
    ]
}
