//! Access that expires unless extended, in data.all's dialect: a dataset sets how its shares
//! expire, a request asks for a period within that, the approval fixes the expiry date, the
//! requesters ask for extensions that the approvers decide on, and the expiry check warns ahead
//! and then revokes through the ordinary revoke task. Processing itself is stood in for here (the
//! items are marked shared); `ecs-tasks`' tests run it against moto.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use sluice_core::datasets::expiry::{ExpirySetting, ShareExpiry};
use sluice_entities::{activity, share_object as so, task};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, mark_processed, two_teams},
};

const UPDATE_DATASET: &str = "mutation($d: String!, $i: ModifyDatasetInput!) { updateDataset(datasetUri: $d, input: $i) { enableExpiration expirySetting expiryMinDuration expiryMaxDuration } }";
const SHARE: &str = "query($s: String!) { getShareObject(shareUri: $s) { status expiryDate requestedExpiryDate submittedForExtension extensionReason lastExtensionDate nonExpirable shareExpirationPeriod rejectPurpose dataset { enableExpiration expirySetting } items(filter: {isShared: true}) { nodes { status } } } }";
const CREATE: &str = "mutation($d: String!, $t: String!, $i: NewShareObjectInput!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: \"Table\", input: $i) { shareUri status requestedExpiryDate shareExpirationPeriod nonExpirable } }";
const SUBMIT: &str = "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }";
const PERIOD: &str = "mutation($s: String!, $p: Int, $n: Boolean) { updateShareExpirationPeriod(shareUri: $s, expiration: $p, nonExpirable: $n) }";
const EXTEND: &str = "mutation($s: String!, $p: Int, $r: String, $n: Boolean) { submitShareExtension(shareUri: $s, expiration: $p, extensionReason: $r, nonExpirable: $n) { status submittedForExtension requestedExpiryDate } }";
const APPROVE_EXTENSION: &str =
    "mutation($s: String!) { approveShareExtension(shareUri: $s) { status expiryDate lastExtensionDate } }";
const CANCEL: &str = "mutation($s: String!) { cancelShareExtension(shareUri: $s) }";
const REJECT: &str =
    "mutation($s: String!) { rejectShareObject(shareUri: $s, rejectPurpose: \"not now\") { status } }";
const NOTICES: &str =
    "query($t: String) { listNotifications(filter: {type: $t}) { count nodes { type message } } }";

/// Shares of `dataset` expire monthly, for 1 to 3 months; set by its admin team.
pub async fn expire_monthly(app: &TestApp, dataset: &str) {
    let alice = app.token("alice", &["TeamA"]);
    let input = json!({"enableExpiration": true, "expirySetting": "Monthly", "expiryMinDuration": 1, "expiryMaxDuration": 3});
    app.ok(&alice, UPDATE_DATASET, json!({"d": dataset, "i": input})).await;
}

const MONTHLY: ShareExpiry = ShareExpiry { setting: ExpirySetting::Monthly, min: 1, max: 3 };

/// The expiry a period approved today gets, as the API spells it.
fn ends(period: i32) -> String {
    MONTHLY.ends(period, Utc::now().date_naive()).to_rfc3339()
}

async fn share(app: &TestApp, token: &str, uri: &str) -> Value {
    app.ok(token, SHARE, json!({"s": uri})).await["getShareObject"].clone()
}

fn item_states(share: &Value) -> Vec<&str> {
    share["items"]["nodes"].as_array().expect("items").iter().filter_map(|i| i["status"].as_str()).collect()
}

fn refused_on<'a>(body: &'a Value, code: &str) -> &'a str {
    assert_eq!(error_code(body), Some(code), "{body}");
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

/// TeamB's Draft request for the table, with `input`'s expiry fields.
async fn request(app: &TestApp, world: &TwoTeams, extra: Value) -> Value {
    let bob = app.token("bob", &["TeamB"]);
    let mut input = json!({"environmentUri": world.env, "groupUri": "TeamB", "principalId": "TeamB", "principalType": "Group", "permissions": ["Read"]});
    input.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
    app.gql(Some(&bob), CREATE, json!({"d": world.dataset, "t": world.table, "i": input})).await
}

async fn notices(app: &TestApp, token: &str, kind: &str) -> Vec<String> {
    let found = app.ok(token, NOTICES, json!({"t": kind})).await;
    found["listNotifications"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["message"].as_str().map(str::to_owned))
        .collect()
}

async fn a_dataset_sets_how_its_shares_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let update =
        |input: Value| app.gql(Some(&alice), UPDATE_DATASET, json!({"d": world.dataset, "i": input}));

    let on = update(json!({"enableExpiration": true, "expirySetting": "quarterly", "expiryMinDuration": 1, "expiryMaxDuration": 4})).await;
    assert_eq!(
        on["data"]["updateDataset"],
        json!({"enableExpiration": true, "expirySetting": "Quarterly", "expiryMinDuration": 1, "expiryMaxDuration": 4}),
        "{on}"
    );
    // Fields left out keep their values.
    let longer = update(json!({"expiryMaxDuration": 8})).await;
    assert_eq!(longer["data"]["updateDataset"]["expiryMaxDuration"], 8, "{longer}");
    assert_eq!(longer["data"]["updateDataset"]["expirySetting"], "Quarterly", "{longer}");

    for (input, field) in [
        (json!({"expiryMinDuration": 9}), "expiryMinDuration"),
        (json!({"expirySetting": "Weekly"}), "expirySetting"),
        (json!({"expiryMaxDuration": 0}), "expiryMaxDuration"),
    ] {
        let refused = update(input.clone()).await;
        refused_on(&refused, "BAD_USER_INPUT");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field, "{input}: {refused}");
    }
    let unchanged = app
        .ok(
            &alice,
            "query($d: String!) { getDataset(datasetUri: $d) { expiryMaxDuration } }",
            json!({"d": world.dataset}),
        )
        .await;
    assert_eq!(unchanged["getDataset"]["expiryMaxDuration"], 8, "a refused update changes nothing");

    // A new dataset needs every field to turn expiry on.
    let create = "mutation($e: String!, $i: Int) { createDataset(input: {label: \"Logs\", environmentUri: $e, SamlAdminGroupName: \"TeamA\", enableExpiration: true, expirySetting: \"Monthly\", expiryMinDuration: 1, expiryMaxDuration: $i}) { enableExpiration expiryMaxDuration } }";
    let missing = app.gql(Some(&alice), create, json!({"e": world.env, "i": null})).await;
    assert!(refused_on(&missing, "BAD_USER_INPUT").contains("shortest and longest"), "{missing}");
    let created = app.ok(&alice, create, json!({"e": world.env, "i": 6})).await;
    assert_eq!(created["createDataset"], json!({"enableExpiration": true, "expiryMaxDuration": 6}));

    let off = update(json!({"enableExpiration": false, "expirySetting": "ignored"})).await;
    assert_eq!(
        off["data"]["updateDataset"],
        json!({"enableExpiration": false, "expirySetting": null, "expiryMinDuration": null, "expiryMaxDuration": null}),
        "{off}"
    );
}

on_both_backends!(a_dataset_sets_how_its_shares_expire);

async fn a_request_asks_for_a_period_and_the_approval_fixes_the_expiry_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    expire_monthly(&app, &world.dataset).await;

    let too_long = request(&app, &world, json!({"shareExpirationPeriod": 5})).await;
    assert!(refused_on(&too_long, "BAD_USER_INPUT").contains("between 1 month and 3 months"), "{too_long}");
    // A draft may leave the period out; submitting needs it.
    let created = request(&app, &world, json!({})).await;
    let uri = created["data"]["createShareObject"]["shareUri"].as_str().expect("share").to_owned();
    assert_eq!(created["data"]["createShareObject"]["nonExpirable"], false, "{created}");
    let unsubmittable = app.gql(Some(&bob), SUBMIT, json!({"s": uri})).await;
    assert!(
        refused_on(&unsubmittable, "BAD_USER_INPUT").contains("updateShareExpirationPeriod"),
        "{unsubmittable}"
    );
    assert_eq!(share(&app, &bob, &uri).await["status"], "Draft", "a refused submit changes nothing");

    assert_eq!(app.ok(&bob, PERIOD, json!({"s": uri, "p": 2})).await["updateShareExpirationPeriod"], true);
    let asked = share(&app, &bob, &uri).await;
    assert_eq!(asked["shareExpirationPeriod"], 2);
    assert_eq!(asked["requestedExpiryDate"], ends(2));
    assert_eq!(asked["expiryDate"], Value::Null, "nothing expires before it is approved");
    assert_eq!(asked["dataset"], json!({"enableExpiration": true, "expirySetting": "Monthly"}));
    app.ok(&bob, SUBMIT, json!({"s": uri})).await;
    // The approvers may shorten what they are asked to approve, within the dataset's bounds.
    let out_of_bounds = app.gql(Some(&alice), PERIOD, json!({"s": uri, "p": 4})).await;
    refused_on(&out_of_bounds, "BAD_USER_INPUT");
    app.ok(&alice, PERIOD, json!({"s": uri, "p": 1})).await;
    app.ok(
        &alice,
        "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
        json!({"s": uri}),
    )
    .await;
    let approved = share(&app, &bob, &uri).await;
    assert_eq!(approved["status"], "Approved");
    assert_eq!(approved["expiryDate"], ends(1), "{approved}");
    assert_eq!(approved["requestedExpiryDate"], Value::Null);

    // Once approved, the period changes only through an extension.
    let late = app.gql(Some(&bob), PERIOD, json!({"s": uri, "p": 3})).await;
    assert!(refused_on(&late, "INVALID_STATE").contains("ask for an extension"), "{late}");
}

on_both_backends!(a_request_asks_for_a_period_and_the_approval_fixes_the_expiry_date);

async fn extensions_are_asked_for_rejected_approved_and_withdrawn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let created = request(&app, &world, json!({})).await;
    let uri = created["data"]["createShareObject"]["shareUri"].as_str().expect("share").to_owned();

    // On a dataset whose shares don't expire there is nothing to extend.
    mark_processed(&app, &uri).await;
    let nothing = app.gql(Some(&bob), EXTEND, json!({"s": uri, "p": 1})).await;
    assert!(refused_on(&nothing, "INVALID_STATE").contains("don't expire"), "{nothing}");

    expire_monthly(&app, &world.dataset).await;
    let current = MONTHLY.ends(1, Utc::now().date_naive());
    so::Entity::update_many()
        .col_expr(so::Column::ExpiryDate, Expr::value(current))
        .filter(so::Column::ShareUri.eq(&uri))
        .exec(&app.db)
        .await
        .expect("expiring");

    let too_long = app.gql(Some(&bob), EXTEND, json!({"s": uri, "p": 9})).await;
    refused_on(&too_long, "BAD_USER_INPUT");
    let asked = app.ok(&bob, EXTEND, json!({"s": uri, "p": 2, "r": "the audit runs late"})).await;
    assert_eq!(
        asked["submitShareExtension"],
        json!({"status": "Submitted_For_Extension", "submittedForExtension": true, "requestedExpiryDate": ends(2)})
    );
    let pending = share(&app, &bob, &uri).await;
    assert_eq!(item_states(&pending), ["PendingExtension"], "the grant stays while the approvers decide");
    assert_eq!(pending["extensionReason"], "the audit runs late");
    assert_eq!(pending["expiryDate"], current.to_rfc3339(), "asking changes nothing yet");
    let told = notices(&app, &alice, "SHARE_OBJECT_EXTENSION_SUBMITTED").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("asks to keep access to dataset Sales until"), "{told:?}");
    let twice = app.gql(Some(&bob), EXTEND, json!({"s": uri, "p": 2})).await;
    refused_on(&twice, "INVALID_STATE");

    // Rejected: access still ends when it did.
    app.ok(&alice, REJECT, json!({"s": uri})).await;
    let rejected = share(&app, &bob, &uri).await;
    assert_eq!(rejected["status"], "Extension_Rejected");
    assert_eq!(item_states(&rejected), ["Share_Succeeded"]);
    assert_eq!(
        (rejected["expiryDate"].as_str(), rejected["submittedForExtension"].as_bool()),
        (Some(current.to_rfc3339().as_str()), Some(false))
    );
    assert_eq!(rejected["rejectPurpose"], "not now");
    assert_eq!(notices(&app, &bob, "SHARE_OBJECT_EXTENSION_REJECTED").await.len(), 1);

    // Asked again and approved: the new date counts from today; the approvers changed the period.
    app.ok(&bob, EXTEND, json!({"s": uri, "p": 2})).await;
    app.ok(&bob, "mutation($s: String!) { updateShareExtensionReason(shareUri: $s, extensionPurpose: \"quarter close\") }", json!({"s": uri})).await;
    app.ok(&alice, PERIOD, json!({"s": uri, "p": 3})).await;
    let refused = app.gql(Some(&bob), APPROVE_EXTENSION, json!({"s": uri})).await;
    refused_on(&refused, "FORBIDDEN");
    let approved =
        app.ok(&alice, APPROVE_EXTENSION, json!({"s": uri})).await["approveShareExtension"].clone();
    assert_eq!(approved["status"], "Processed");
    assert_eq!(approved["expiryDate"], ends(3), "{approved}");
    assert!(approved["lastExtensionDate"].is_string(), "{approved}");
    let extended = share(&app, &bob, &uri).await;
    assert_eq!(item_states(&extended), ["Share_Succeeded"]);
    assert_eq!(extended["extensionReason"], "quarter close");
    assert_eq!(notices(&app, &bob, "SHARE_OBJECT_EXTENDED").await.len(), 1);
    let again = app.gql(Some(&alice), APPROVE_EXTENSION, json!({"s": uri})).await;
    assert!(refused_on(&again, "INVALID_STATE").contains("no extension is pending"), "{again}");

    // Asked for good, then withdrawn: nothing changes.
    app.ok(&bob, EXTEND, json!({"s": uri, "n": true})).await;
    assert_eq!(share(&app, &bob, &uri).await["nonExpirable"], true, "what is asked for shows");
    assert_eq!(app.ok(&bob, CANCEL, json!({"s": uri})).await["cancelShareExtension"], true);
    let withdrawn = share(&app, &bob, &uri).await;
    assert_eq!(withdrawn["status"], "Processed");
    assert_eq!(item_states(&withdrawn), ["Share_Succeeded"]);
    assert_eq!(
        (withdrawn["expiryDate"].clone(), withdrawn["nonExpirable"].clone()),
        (json!(ends(3)), json!(false))
    );
}

on_both_backends!(extensions_are_asked_for_rejected_approved_and_withdrawn);

async fn set_expiry(app: &TestApp, uri: &str, at: chrono::DateTime<Utc>) {
    so::Entity::update_many()
        .col_expr(so::Column::ExpiryDate, Expr::value(at))
        .filter(so::Column::ShareUri.eq(uri))
        .exec(&app.db)
        .await
        .expect("expiry");
}

/// TeamB's share of the table on a dataset whose shares expire monthly, asked for one month and
/// processed (as if granted).
async fn processed_expiring_share(app: &TestApp) -> (TwoTeams, String) {
    let world = two_teams(app).await;
    expire_monthly(app, &world.dataset).await;
    let created = request(app, &world, json!({"shareExpirationPeriod": 1})).await;
    let uri = created["data"]["createShareObject"]["shareUri"].as_str().expect("share").to_owned();
    mark_processed(app, &uri).await;
    (world, uri)
}

async fn the_expiry_check_warns_once_ahead_then_revokes_through_the_revoke_task(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_world, uri) = processed_expiring_share(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let system = app.core.system("share.expire");

    set_expiry(&app, &uri, Utc::now() + chrono::Duration::days(3)).await;
    let first = system.expire_shares(7).await.expect("check");
    assert_eq!((first.warned.clone(), first.revoked.len()), (vec![uri.clone()], 0), "{first:?}");
    assert!(system.expire_shares(7).await.expect("check").warned.is_empty(), "warned once per date");
    let warned = notices(&app, &bob, "SHARE_OBJECT_EXPIRING").await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("ask for an extension"), "{warned:?}");

    // With an extension pending, the approvers are the ones told.
    app.ok(&bob, EXTEND, json!({"s": uri, "p": 1})).await;
    set_expiry(&app, &uri, Utc::now() + chrono::Duration::days(2)).await;
    assert_eq!(system.expire_shares(7).await.expect("check").warned, [uri.as_str()]);
    let to_approvers = notices(&app, &alice, "SHARE_OBJECT_EXPIRING").await;
    assert!(to_approvers.iter().any(|m| m.contains("its extension waits for you")), "{to_approvers:?}");

    // Expired with the extension still undecided: it is withdrawn and the access revoked.
    set_expiry(&app, &uri, Utc::now() - chrono::Duration::hours(1)).await;
    let run = system.expire_shares(7).await.expect("check");
    assert_eq!(run.revoked, [uri.as_str()], "{run:?}");
    let revoking = share(&app, &bob, &uri).await;
    assert_eq!(revoking["status"], "Revoked");
    assert_eq!(item_states(&revoking), ["Revoke_Approved"]);
    assert_eq!(revoking["submittedForExtension"], false);
    let queued = task::Entity::find()
        .filter(task::Column::Action.eq("share.revoke"))
        .all(&app.db)
        .await
        .expect("tasks");
    assert_eq!(queued.len(), 1, "the ordinary revoke task: {queued:?}");
    let payload: Value = serde_json::from_str(&queued[0].payload).expect("payload");
    assert_eq!(payload["shareUri"], uri.as_str());
    let expired = notices(&app, &bob, "SHARE_OBJECT_EXPIRED").await;
    assert!(expired.iter().any(|m| m.contains("expired on")), "{expired:?}");
    let recorded = activity::Entity::find()
        .filter(activity::Column::Action.eq("expireShare"))
        .filter(activity::Column::TargetUri.eq(&uri))
        .all(&app.db)
        .await
        .expect("activity");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].actor, "system:share.expire");
    // Nothing left to revoke: the next run passes it by.
    assert_eq!(system.expire_shares(7).await.expect("check"), Default::default());
}

on_both_backends!(the_expiry_check_warns_once_ahead_then_revokes_through_the_revoke_task);

async fn a_dataset_that_stops_expiring_frees_its_shares(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (world, uri) = processed_expiring_share(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    set_expiry(&app, &uri, Utc::now() + chrono::Duration::days(20)).await;
    app.ok(&bob, EXTEND, json!({"s": uri, "p": 3})).await;

    app.ok(&alice, UPDATE_DATASET, json!({"d": world.dataset, "i": {"enableExpiration": false}})).await;
    let freed = share(&app, &bob, &uri).await;
    assert_eq!(freed["status"], "Processed", "{freed}");
    assert_eq!(item_states(&freed), ["Share_Succeeded"]);
    assert_eq!((freed["expiryDate"].clone(), freed["nonExpirable"].clone()), (Value::Null, json!(true)));
    let run = app.core.system("share.expire").expire_shares(7).await.expect("check");
    assert!(run.revoked.is_empty(), "{run:?}");
}

on_both_backends!(a_dataset_that_stops_expiring_frees_its_shares);
