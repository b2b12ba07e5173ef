//! Consumption principals beyond adding and removing: changing one, the policies Sluice writes
//! on a role, the caller's principals across environments, and the caller's teams.

use serde_json::{Value, json};

use crate::{
    environments::link_input,
    support::{
        Backend, TestApp, error_code, on_both_backends,
        two_teams::{TwoTeams, mark_shared, two_teams},
    },
};

const ADD: &str = "mutation($i: AddConsumptionPrincipalToEnvironmentInput!) { addConsumptionPrincipalToEnvironment(input: $i) { consumptionPrincipalUri } }";
const UPDATE: &str = "mutation($e: String!, $cp: String!, $i: UpdateConsumptionPrincipalInput) {
  updateConsumptionPrincipal(environmentUri: $e, consumptionPrincipalUri: $cp, input: $i) {
    consumptionPrincipalName groupUri dataallManaged IAMPrincipalName } }";
const POLICIES: &str = "query($e: String!, $n: String!, $t: String!) {
  getConsumptionPrincipalPolicies(environmentUri: $e, IAMPrincipalName: $n, IAMPrincipalType: $t) {
    policy_name policy_type exists attached } }";
const MINE: &str = "query($f: ConsumptionPrincipalFilter) { listAllConsumptionPrincipals(filter: $f) {
  count nodes { consumptionPrincipalName groupUri environmentUri } } }";
const INVITE: &str =
    "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";

fn role(env: &str, account: &str, name: &str, team: &str) -> Value {
    json!({"i": {"consumptionPrincipalName": name, "groupUri": team, "environmentUri": env,
        "IAMPrincipalArn": format!("arn:aws:iam::{account}:role/{name}"), "dataallManaged": "EXTERNALLY_MANAGED"}})
}

async fn add(app: &TestApp, token: &str, vars: Value) -> String {
    app.ok(token, ADD, vars).await["addConsumptionPrincipalToEnvironment"]["consumptionPrincipalUri"]
        .as_str()
        .expect("uri")
        .to_owned()
}

fn code_and_field(body: &Value) -> (Option<&str>, &Value) {
    (error_code(body), &body["errors"][0]["extensions"]["field"])
}

async fn a_principal_is_renamed_moved_and_kept_with_the_team_its_shares_came_from(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, table, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    // erin is in both teams, so she may move a principal between them.
    let erin = app.token("erin", &["TeamA", "TeamB"]);
    let cp = add(&app, &alice, role(&env, "111122223333", "etl", "TeamA")).await;

    let renamed = app
        .ok(&alice, UPDATE, json!({"e": env, "cp": cp, "i": {"consumptionPrincipalName": "etl jobs", "dataallManaged": "FULLY_MANAGED"}}))
        .await["updateConsumptionPrincipal"]
        .clone();
    assert_eq!(
        renamed,
        json!({"consumptionPrincipalName": "etl jobs", "groupUri": "TeamA", "dataallManaged": "FULLY_MANAGED", "IAMPrincipalName": "etl"})
    );

    // alice is not in TeamB; TeamC is no team of the environment; input is required.
    let not_hers = app
        .gql(
            Some(&alice),
            UPDATE,
            json!({"e": env, "cp": cp, "i": {"groupUri": "TeamB", "dataallManaged": "FULLY_MANAGED"}}),
        )
        .await;
    assert_eq!(code_and_field(&not_hers), (Some("BAD_USER_INPUT"), &json!("groupUri")), "{not_hers}");
    let stranger = app
        .gql(
            Some(&erin),
            UPDATE,
            json!({"e": env, "cp": cp, "i": {"groupUri": "TeamC", "dataallManaged": "FULLY_MANAGED"}}),
        )
        .await;
    assert_eq!(code_and_field(&stranger), (Some("BAD_USER_INPUT"), &json!("groupUri")), "{stranger}");
    let empty = app.gql(Some(&alice), UPDATE, json!({"e": env, "cp": cp})).await;
    assert_eq!(code_and_field(&empty), (Some("BAD_USER_INPUT"), &json!("input")), "{empty}");
    let elsewhere = app
        .gql(
            Some(&alice),
            UPDATE,
            json!({"e": env, "cp": "nosuchcp", "i": {"dataallManaged": "FULLY_MANAGED"}}),
        )
        .await;
    assert_eq!(error_code(&elsewhere), Some("NOT_FOUND"), "{elsewhere}");

    let moved = app
        .ok(
            &erin,
            UPDATE,
            json!({"e": env, "cp": cp, "i": {"groupUri": "TeamB", "dataallManaged": "FULLY_MANAGED"}}),
        )
        .await["updateConsumptionPrincipal"]
        .clone();
    assert_eq!(moved["groupUri"], "TeamB");
    assert_eq!(moved["consumptionPrincipalName"], "etl jobs", "left out, kept");

    // Once TeamB's share goes to it, it stays TeamB's.
    let request = sluice_core::shares::NewShare {
        environment_uri: env.clone(),
        group_uri: "TeamB".into(),
        principal_id: cp.clone(),
        principal_type: "ConsumptionRole".into(),
        ..Default::default()
    };
    let bob = sluice_core::testkit::user("bob", &["TeamB"]);
    let share =
        app.core.shares().create(&bob, &dataset, Some((&table, "Table")), request).await.expect("share");
    let kept = app
        .gql(
            Some(&erin),
            UPDATE,
            json!({"e": env, "cp": cp, "i": {"groupUri": "TeamA", "dataallManaged": "FULLY_MANAGED"}}),
        )
        .await;
    assert_eq!(error_code(&kept), Some("INVALID_STATE"), "{kept}");
    let still = app.ok(&erin, MINE, json!({"f": {"term": "etl"}})).await;
    assert_eq!(still["listAllConsumptionPrincipals"]["nodes"][0]["groupUri"], "TeamB");

    // Nor can it be removed while the share goes to it; once the share is deleted, it can.
    let remove = "mutation($e: String!, $c: String!) { removeConsumptionPrincipalFromEnvironment(environmentUri: $e, consumptionPrincipalUri: $c) }";
    let refused = app.gql(Some(&erin), remove, json!({"e": env, "c": cp})).await;
    assert_eq!(error_code(&refused), Some("INVALID_STATE"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("1 share(s) go to etl"), "{message}");
    app.core.shares().delete(&bob, &share.share_uri).await.expect("deleted");
    assert_eq!(
        app.ok(&erin, remove, json!({"e": env, "c": cp})).await["removeConsumptionPrincipalFromEnvironment"],
        true
    );
}

async fn a_cross_account_folder_share_puts_one_policy_on_the_role(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let teams = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    // A second account, where TeamB may keep consumption roles.
    let mut input = link_input(&teams.org, "222233334444");
    input["input"]["label"] = json!("Consumers");
    let env2 =
        app.ok(&alice, crate::environments::CREATE, input).await["createEnvironment"]["environmentUri"]
            .as_str()
            .expect("env")
            .to_owned();
    let permissions =
        ["CREATE_SHARE_OBJECT", "ADD_ENVIRONMENT_CONSUMPTION_ROLES", "LIST_ENVIRONMENT_CONSUMPTION_ROLES"];
    app.ok(
        &alice,
        INVITE,
        json!({"i": {"environmentUri": env2, "groupUri": "TeamB", "permissions": permissions}}),
    )
    .await;
    let cp = add(&app, &bob, role(&env2, "222233334444", "bi", "TeamB")).await;
    let policies = |name: &str, kind: &str| json!({"e": env2, "n": name, "t": kind});
    let none = app.ok(&bob, POLICIES, policies("bi", "ConsumptionRole")).await;
    assert_eq!(none["getConsumptionPrincipalPolicies"], json!([]), "no share yet");

    let folder = teams.add_folder(&app).await;
    let request = sluice_core::shares::NewShare {
        environment_uri: env2.clone(),
        group_uri: "TeamB".into(),
        principal_id: cp.clone(),
        principal_type: "ConsumptionRole".into(),
        ..Default::default()
    };
    let bob_actor = sluice_core::testkit::user("bob", &["TeamB"]);
    let share = app
        .core
        .shares()
        .create(&bob_actor, &teams.dataset, Some((&folder, "StorageLocation")), request)
        .await
        .expect("share")
        .share_uri;
    let expected = |exists: bool| {
        json!([{"policy_name": format!("sluice-share-{share}"), "policy_type": "SharePolicy",
                "exists": exists, "attached": "NOTAPPLICABLE"}])
    };
    let requested = app.ok(&bob, POLICIES, policies("bi", "ConsumptionRole")).await;
    assert_eq!(requested["getConsumptionPrincipalPolicies"], expected(false), "not written yet");
    mark_shared(&app, &share).await;
    let shared = app.ok(&bob, POLICIES, policies("bi", "ConsumptionRole")).await;
    assert_eq!(shared["getConsumptionPrincipalPolicies"], expected(true));

    // TeamB's own role in the second account has no share of its own.
    let team_role = app.ok(&alice, POLICIES, policies(&format!("dl-teamb-{env2}"), "Group")).await;
    assert_eq!(team_role["getConsumptionPrincipalPolicies"], json!([]));
    for (name, kind, field) in [
        ("bi", "Group", "IAMPrincipalName"),
        ("nobody", "ConsumptionRole", "IAMPrincipalName"),
        ("bi", "RedshiftRole", "IAMPrincipalType"),
    ] {
        let refused = app.gql(Some(&bob), POLICIES, policies(name, kind)).await;
        assert_eq!(
            code_and_field(&refused),
            (Some("BAD_USER_INPUT"), &json!(field)),
            "{name} {kind}: {refused}"
        );
    }
}

async fn a_caller_lists_its_own_principals_and_teams_across_environments(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    add(&app, &alice, role(&env, "111122223333", "etl", "TeamA")).await;
    add(&app, &alice, role(&env, "111122223333", "bi", "TeamA")).await;

    let mine = app.ok(&alice, MINE, json!({})).await["listAllConsumptionPrincipals"].clone();
    assert_eq!(mine["count"], 2);
    assert_eq!(mine["nodes"][0]["consumptionPrincipalName"], "bi", "by name");
    assert_eq!(mine["nodes"][0]["environmentUri"], json!(env));
    let page = app.ok(&alice, MINE, json!({"f": {"pageSize": 1, "page": 2}})).await;
    assert_eq!(page["listAllConsumptionPrincipals"]["nodes"][0]["consumptionPrincipalName"], "etl");
    // TeamB owns none; a TeamB member in TeamA's environment still does not see TeamA's.
    let theirs = app.ok(&bob, MINE, json!({})).await;
    assert_eq!(theirs["listAllConsumptionPrincipals"]["count"], 0);

    let groups = "query($f: GroupFilter) { listAllGroups(filter: $f) { count nodes { groupUri environmentIAMRoleArn } } }";
    let erin = app.token("erin", &["TeamA", "TeamB", "TeamC"]);
    let all = app.ok(&erin, groups, json!({})).await["listAllGroups"].clone();
    assert_eq!(
        all,
        json!({"count": 2, "nodes": [
        {"groupUri": "TeamA", "environmentIAMRoleArn": null}, {"groupUri": "TeamB", "environmentIAMRoleArn": null}]})
    );
    let term = app.ok(&erin, groups, json!({"f": {"term": "amb"}})).await;
    assert_eq!(term["listAllGroups"]["nodes"][0]["groupUri"], "TeamB");
    assert_eq!(term["listAllGroups"]["count"], 1);
    let outside = app.ok(&carol, groups, json!({})).await;
    assert_eq!(outside["listAllGroups"]["count"], 0, "TeamC is in no environment");
}

on_both_backends!(
    a_principal_is_renamed_moved_and_kept_with_the_team_its_shares_came_from,
    a_cross_account_folder_share_puts_one_policy_on_the_role,
    a_caller_lists_its_own_principals_and_teams_across_environments,
);
