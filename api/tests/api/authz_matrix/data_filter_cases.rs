//! Row and column filters on tables, and the filters attached to share items. The dataset's
//! admin team (TeamA) and platform admins manage a table's filters; TeamB, which requested a
//! share of the dataset, may list them to choose some for its draft; both sides of the share
//! attach and remove them (TeamB while its share is a draft), and read what is attached.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "createTableDataFilter",
            doc: "mutation($t: String!) { createTableDataFilter(tableUri: $t, input: {filterName: \"us_only\", filterType: \"ROW\", rowExpression: \"region = 'us'\"}) { filterUri filterType rowExpression } }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            // A requester narrows its own items with filters; it never writes the dataset's.
            teammate: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "deleteTableDataFilter",
            doc: "mutation($f: String!) { deleteTableDataFilter(filterUri: $f) }",
            vars: |c| json!({"f": c.data_filter}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "listTableDataFilters",
            doc: "query($t: String!) { listTableDataFilters(tableUri: $t) { count nodes { filterUri label } } }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            // TeamB requested a share of the dataset: it chooses among the filters.
            teammate: Allowed,
            admin: Allowed,
        },
        Case {
            op: "listTableDataFiltersByAttached",
            doc: "query($a: String) { listTableDataFiltersByAttached(attachedDataFilterUri: $a) { count nodes { filterUri } } }",
            vars: |c| json!({"a": c.attached_filter}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            // Shares are their two sides' business, as getShareObject.
            admin: Forbidden,
        },
        Case {
            op: "getShareItemDataFilters",
            doc: "query($a: String!) { getShareItemDataFilters(attachedDataFilterUri: $a) { attachedDataFilterUri dataFilterUris dataFilterNames itemUri } }",
            vars: |c| json!({"a": c.attached_filter}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateShareItemFilters",
            doc: "mutation($i: String!, $f: String) { updateShareItemFilters(input: {shareItemUri: $i, label: \"EU\", filterUris: [$f]}) }",
            vars: |c| json!({"i": c.share_item, "f": c.data_filter}),
            outsider: Forbidden,
            // The approvers, as in data.all.
            member: Allowed,
            // The requesters, while the share is a draft.
            teammate: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "removeShareItemFilter",
            doc: "mutation($a: String!) { removeShareItemFilter(attachedDataFilterUri: $a) }",
            vars: |c| json!({"a": c.attached_filter}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Allowed,
            admin: Forbidden,
        },
    ]
}
