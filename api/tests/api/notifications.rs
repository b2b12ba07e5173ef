//! Notifications in data.all's dialect: each share event tells the teams it concerns, once, in
//! the event's own transaction; a user reads only their teams' notifications, and whether one
//! was read is theirs alone (a teammate's reading leaves it unread for them).

use serde_json::{Value, json};
use sluice_core::{Core, shares::processing::Mode};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const LIST: &str = "query($f: NotificationFilter) { listNotifications(filter: $f) { count page pages hasNext nodes { notificationUri type message username target_uri is_read created } } }";
const UNREAD: &str = "{ countUnreadNotifications }";
const READ_ONE: &str = "mutation($n: String) { markNotificationAsRead(notificationUri: $n) }";
const READ_ALL: &str = "mutation { markAllNotificationsAsRead }";

async fn list(app: &TestApp, token: &str, filter: Value) -> Value {
    app.ok(token, LIST, json!({"f": filter})).await["listNotifications"].clone()
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    app.ok(token, UNREAD, json!({})).await["countUnreadNotifications"].as_i64().expect("a count")
}

/// `(type, username)` of each notification, newest first.
fn kinds(page: &Value) -> Vec<(String, String)> {
    page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["type"].as_str().unwrap_or_default().to_owned(),
                n["username"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn kind(kind: &str, team: &str) -> (String, String) {
    (kind.to_owned(), team.to_owned())
}

/// TeamB asks for the table and submits; returns the share.
async fn submitted_request(app: &TestApp, world: &TwoTeams) -> String {
    let bob = app.token("bob", &["TeamB"]);
    let create = r#"mutation($d: String!, $t: String, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: "Table",
        input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read], requestPurpose: "reports"}) { shareUri } }"#;
    let share = app.ok(&bob, create, json!({"d": world.dataset, "t": world.table, "e": world.env})).await
        ["createShareObject"]["shareUri"]
        .as_str()
        .expect("share")
        .to_owned();
    app.ok(&bob, "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }", json!({"s": share}))
        .await;
    share
}

async fn each_share_event_tells_the_teams_it_concerns_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let share = submitted_request(&app, &world).await;

    // The request goes to the dataset's admin team, which decides; not to the requesters.
    let inbox = list(&app, &alice, json!({})).await;
    assert_eq!(kinds(&inbox), [kind("SHARE_OBJECT_SUBMITTED", "TeamA")]);
    let note = &inbox["nodes"][0];
    assert_eq!(note["target_uri"], format!("{share}|{}", world.dataset), "data.all's target form");
    assert_eq!(note["is_read"], false);
    let message = note["message"].as_str().expect("message");
    assert!(message.contains("bob") && message.contains("TeamB") && message.contains("Sales"), "{message}");
    assert_eq!(unread(&app, &alice).await, 1);
    assert_eq!(list(&app, &bob, json!({})).await["count"], 0);
    assert_eq!(list(&app, &carol, json!({})).await["count"], 0, "another team sees nothing");

    app.ok(
        &alice,
        "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
        json!({"s": share}),
    )
    .await;
    assert_eq!(kinds(&list(&app, &bob, json!({})).await), [kind("SHARE_OBJECT_APPROVED", "TeamB")]);

    // The worker's run ends: one item shared, and the requesters are told it is ready.
    let core = Core::new(app.db.clone());
    let system = core.system("test");
    let work = system.begin_share_work(&share, Mode::Share, &[]).await.expect("begin").expect("work");
    for item in &work.items {
        system.share_item_done(&item.item, Ok(())).await.expect("done");
    }
    system.finish_share_work(&share).await.expect("finish");
    assert_eq!(
        kinds(&list(&app, &bob, json!({})).await),
        [kind("SHARE_OBJECT_PROCESSED", "TeamB"), kind("SHARE_OBJECT_APPROVED", "TeamB")],
        "newest first"
    );
    system.finish_share_work(&share).await.expect("finishing again changes nothing");
    assert_eq!(list(&app, &bob, json!({})).await["count"], 2, "once per event");

    // A revoke whose item fails tells both teams, with what to do.
    let items = app
        .ok(
            &bob,
            "query($s: String!) { getShareObject(shareUri: $s) { items(filter: {isShared: true}) { nodes { shareItemUri } } } }",
            json!({"s": share}),
        )
        .await["getShareObject"]["items"]["nodes"][0]["shareItemUri"]
        .clone();
    app.ok(
        &bob,
        "mutation($s: String!, $i: [String]!) { revokeItemsShareObject(input: {shareUri: $s, itemUris: $i}) { status } }",
        json!({"s": share, "i": [items]}),
    )
    .await;
    let work = system.begin_share_work(&share, Mode::Revoke, &[]).await.expect("begin").expect("work");
    for item in &work.items {
        system.share_item_done(&item.item, Err("AccessDenied".into())).await.expect("failed");
    }
    system.finish_share_work(&share).await.expect("finish");
    let failed = list(&app, &alice, json!({"type": "SHARE_OBJECT_FAILED"})).await;
    assert_eq!(kinds(&failed), [kind("SHARE_OBJECT_FAILED", "TeamA")]);
    assert!(
        failed["nodes"][0]["message"].as_str().is_some_and(|m| m.contains("revoking 1 item")),
        "{failed}"
    );
    assert_eq!(list(&app, &bob, json!({"type": "SHARE_OBJECT_FAILED"})).await["count"], 1);
    assert_eq!(list(&app, &carol, json!({})).await["count"], 0);
}

async fn a_rejection_reaches_the_requesters_with_its_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let share = submitted_request(&app, &world).await;
    app.ok(
        &alice,
        "mutation($s: String!) { rejectShareObject(shareUri: $s, rejectPurpose: \"PII: ask for the masked view\") { status } }",
        json!({"s": share}),
    )
    .await;
    let page = list(&app, &bob, json!({})).await;
    assert_eq!(kinds(&page), [kind("SHARE_OBJECT_REJECTED", "TeamB")]);
    let message = page["nodes"][0]["message"].as_str().expect("message");
    assert!(message.contains("alice") && message.contains("PII: ask for the masked view"), "{message}");
}

async fn reading_is_each_users_own_and_another_teams_notification_is_missing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let dave = app.token("dave", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let first = submitted_request(&app, &world).await;
    let note =
        list(&app, &alice, json!({})).await["nodes"][0]["notificationUri"].as_str().expect("uri").to_owned();

    // Another team may not read or mark it, and cannot tell it exists.
    let refused = app.gql(Some(&bob), READ_ONE, json!({"n": note})).await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
    let missing = app.gql(Some(&bob), READ_ONE, json!({"n": "nosuchnotification"})).await;
    assert_eq!(
        refused["errors"][0]["message"].as_str().map(|m| m.replace(&note, "X")),
        missing["errors"][0]["message"].as_str().map(|m| m.replace("nosuchnotification", "X")),
        "the same answer as for one that does not exist"
    );
    assert_eq!(unread(&app, &alice).await, 1, "bob's attempt marked nothing");

    assert_eq!(app.ok(&alice, READ_ONE, json!({"n": note})).await["markNotificationAsRead"], true);
    assert_eq!(
        app.ok(&alice, READ_ONE, json!({"n": note})).await["markNotificationAsRead"],
        true,
        "again: no change"
    );
    assert_eq!(unread(&app, &alice).await, 0);
    assert_eq!(list(&app, &alice, json!({})).await["nodes"][0]["is_read"], true);
    assert_eq!(
        (unread(&app, &dave).await, list(&app, &dave, json!({"unread": true})).await["count"].as_i64()),
        (1, Some(1)),
        "a teammate's stays unread"
    );

    // Two more requests: filters and marking all.
    app.ok(
        &alice,
        "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
        json!({"s": first}),
    )
    .await;
    let second_dataset = app
        .ok(&alice, "mutation($e: String!) { createDataset(input: {label: \"Churn\", environmentUri: $e, SamlAdminGroupName: \"TeamA\"}) { datasetUri } }", json!({"e": world.env}))
        .await["createDataset"]["datasetUri"]
        .as_str()
        .expect("dataset")
        .to_owned();
    let create = r#"mutation($d: String!, $e: String!) { createShareObject(datasetUri: $d, input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#;
    let _ = app.gql(Some(&bob), create, json!({"d": second_dataset, "e": world.env})).await;
    assert_eq!(list(&app, &alice, json!({"read": true})).await["count"], 1);
    assert_eq!(list(&app, &alice, json!({"unread": true})).await["count"], 0, "the draft asked nobody yet");
    assert_eq!(list(&app, &alice, json!({"term": "SALES"})).await["count"], 1, "term ignores case");
    assert_eq!(list(&app, &alice, json!({"term": "nothing like it"})).await["count"], 0);
    assert_eq!(list(&app, &alice, json!({"archived": true})).await["count"], 0, "Sluice archives none");
    assert_eq!(list(&app, &alice, json!({"read": true, "unread": true})).await["count"], 0);
    let bad = app.gql(Some(&alice), LIST, json!({"f": {"type": "SHARE_EXPLODED"}})).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    assert!(
        bad["errors"][0]["message"].as_str().is_some_and(|m| m.contains("SHARE_OBJECT_SUBMITTED")),
        "{bad}"
    );

    let page = list(&app, &bob, json!({"pageSize": 1})).await;
    assert_eq!(
        (page["count"].as_i64(), page["pages"].as_i64(), page["hasNext"].as_bool()),
        (Some(1), Some(1), Some(false))
    );
    assert_eq!(app.ok(&dave, READ_ALL, json!({})).await["markAllNotificationsAsRead"], 1);
    assert_eq!(unread(&app, &dave).await, 0);
    assert_eq!(app.ok(&dave, READ_ALL, json!({})).await["markAllNotificationsAsRead"], 0);
    assert_eq!(unread(&app, &bob).await, 1, "another user's marks are theirs");
}

on_both_backends!(
    each_share_event_tells_the_teams_it_concerns_once,
    a_rejection_reaches_the_requesters_with_its_reason,
    reading_is_each_users_own_and_another_teams_notification_is_missing,
);
