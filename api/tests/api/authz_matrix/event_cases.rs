//! Events out: an organization's webhooks and their delivery logs are its admin team's alone
//! (UPDATE_ORGANIZATION). A team invited to the organization, an outsider and platform admins
//! (who bypass tenant permissions only) are refused alike, and a refusal of a subscription is
//! the same whether it exists or not.

use serde_json::json;

use super::{
    Case,
    Expect::{Allowed, Forbidden},
};

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "createEventSubscription",
            doc: "mutation($org: String!) { createEventSubscription(input: {organizationUri: $org, label: \"Hook\", url: \"https://hooks.example.com/in\", eventTypes: [\"share.approved\"]}) { secret subscription { subscriptionUri } } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listEventSubscriptions",
            doc: "query($org: String!) { listEventSubscriptions(organizationUri: $org) { subscriptionUri url } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "deleteEventSubscription",
            doc: "mutation($s: String!) { deleteEventSubscription(subscriptionUri: $s) }",
            vars: |c| json!({"s": c.subscription}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "listEventDeliveries",
            doc: "query($s: String!) { listEventDeliveries(subscriptionUri: $s) { count nodes { deliveryUri status } } }",
            vars: |c| json!({"s": c.subscription}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "testEventSubscription",
            doc: "mutation($s: String!) { testEventSubscription(subscriptionUri: $s) { deliveryUri eventType status } }",
            vars: |c| json!({"s": c.subscription}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
        Case {
            op: "redeliverEventDelivery",
            doc: "mutation($d: String!) { redeliverEventDelivery(deliveryUri: $d) { deliveryUri status attempts } }",
            vars: |c| json!({"d": c.delivery}),
            outsider: Forbidden,
            member: Allowed,
            teammate: Forbidden,
            admin: Forbidden,
        },
    ]
}
