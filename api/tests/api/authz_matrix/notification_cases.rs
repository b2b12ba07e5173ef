//! Notifications: every signed-in user reads and marks their own teams' notifications only;
//! another team's is missing to them, platform admins included.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Filtered, Missing},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "listNotifications",
            doc: "{ listNotifications { count nodes { notificationUri username } } }",
            vars: |_| json!({}),
            // TeamC and the admins' group are sent nothing; TeamB is told of decisions on its
            // requests in other cases, so its list is its own, not empty.
            outsider: Filtered("listNotifications"),
            member: Allowed,
            teammate: Allowed,
            admin: Filtered("listNotifications"),
        },
        Case {
            op: "countUnreadNotifications",
            doc: "{ countUnreadNotifications }",
            vars: |_| json!({}),
            outsider: Allowed,
            member: Allowed,
            teammate: Allowed,
            admin: Allowed,
        },
        Case {
            op: "markNotificationAsRead",
            doc: "mutation($n: String) { markNotificationAsRead(notificationUri: $n) }",
            vars: |c| json!({"n": c.notification}),
            outsider: Missing,
            member: Allowed,
            teammate: Missing,
            admin: Missing,
        },
        Case {
            op: "markAllNotificationsAsRead",
            doc: "mutation { markAllNotificationsAsRead }",
            vars: |_| json!({}),
            outsider: Allowed,
            member: Allowed,
            teammate: Allowed,
            admin: Allowed,
        },
    ]
}
