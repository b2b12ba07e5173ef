//! Rows for the activity trail. Who sees which row is checked for every mutation of the matrix
//! (`activity_visibility`); this row checks the query itself.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Filtered},
};

pub(super) fn cases() -> Vec<Case> {
    vec![Case {
        op: "listActivity",
        doc: "{ listActivity(filter: {pageSize: 5}) { count nodes { activityUri action outcome reason } } }",
        vars: |_| json!({}),
        // TeamC holds nothing: not even its own refusals are its to read.
        outsider: Filtered("listActivity"),
        member: Allowed,
        // The organization and environment TeamB is invited to.
        teammate: Allowed,
        admin: Allowed,
    }]
}
