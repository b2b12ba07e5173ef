//! Linking accounts, teams and stacks over GraphQL, with the pivot-role check faked at the port
//! (the moto-backed check is tested in cloud/).

use serde_json::{Value, json};
use sluice_core::environments::stacks::DeployRecord;

use crate::{
    organizations::{create_org, invite_to_org},
    support::{Backend, REFUSED_ACCOUNT, TestApp, error_code, on_both_backends},
};

pub const CREATE: &str = r#"mutation($input: NewEnvironmentInput!) {
  createEnvironment(input: $input) { environmentUri label name AwsAccountId region SamlGroupName resourcePrefix userRoleInEnvironment
    EnvironmentDefaultIAMRoleName EnvironmentDefaultIAMRoleImported parameters { key value } organization { organizationUri }
    stack { stackUri status taskUri targetUri stack } }
}"#;
const GET: &str = "query($e: String!) { getEnvironment(environmentUri: $e) { environmentUri userRoleInEnvironment stack { status } } }";
const INVITE: &str =
    "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";
const GROUPS: &str = "query($e: String!) { listEnvironmentGroups(environmentUri: $e) { count nodes { groupUri environmentIAMRoleName environmentIAMRoleArn environmentPermissions(environmentUri: $e) { name } } } }";

pub fn link_input(org: &str, account: &str) -> Value {
    json!({"input": {"label": "Analytics Prod", "organizationUri": org, "SamlGroupName": "TeamA", "AwsAccountId": account,
        "region": "eu-west-1", "resourcePrefix": "dl", "parameters": [{"key": "costCenter", "value": "42"}]}})
}

pub async fn link(app: &TestApp, token: &str, org: &str, account: &str) -> Value {
    app.ok(token, CREATE, link_input(org, account)).await["createEnvironment"].clone()
}

async fn linking_stores_the_environment_and_queues_its_stack_deploy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");
    assert_eq!(env["name"], format!("dl-analytics-prod-{uri}"));
    assert_eq!(env["userRoleInEnvironment"], "Owner");
    assert_eq!(env["EnvironmentDefaultIAMRoleName"], format!("dl-teama-{uri}"));
    assert_eq!(env["EnvironmentDefaultIAMRoleImported"], false);
    assert_eq!(env["parameters"], json!([{"key": "costCenter", "value": "42"}]));
    assert_eq!(env["stack"]["status"], "PENDING");
    assert_eq!(env["stack"]["stack"], "environment");

    let task_uri = env["stack"]["taskUri"].as_str().expect("deploy task");
    let task = app
        .ok(
            &alice,
            "query($t: String!) { getTask(taskUri: $t) { action status targetUri } }",
            json!({"t": task_uri}),
        )
        .await;
    assert_eq!(
        task["getTask"],
        json!({"action": "environment.deploy", "status": "pending", "targetUri": uri})
    );

    let again = app.gql(Some(&alice), CREATE, link_input(&org, "111122223333")).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let onboarding = app
        .ok(&alice, "query($o: String!) { getTrustAccount(organizationUri: $o) getPivotRoleName(organizationUri: $o) getPivotRoleExternalId(organizationUri: $o) }", json!({"o": org}))
        .await;
    assert_eq!(onboarding["getTrustAccount"], "999999999999");
    assert_eq!(onboarding["getPivotRoleName"], "sluice-pivot");
    let external_id = onboarding["getPivotRoleExternalId"].as_str().expect("id");
    assert_eq!(external_id.len(), 32);
    let template = app
        .ok(&alice, "query($o: String!) { getPivotRoleTemplate(organizationUri: $o) }", json!({"o": org}))
        .await;
    let body: Value =
        serde_json::from_str(template["getPivotRoleTemplate"].as_str().expect("template")).expect("json");
    let text = body.to_string();
    assert!(
        text.contains(external_id) && text.contains("iam::999999999999:root"),
        "trusts Sluice under the ExternalId"
    );
}

async fn a_refused_pivot_role_is_bad_input_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let body = app.gql(Some(&alice), CREATE, link_input(&org, REFUSED_ACCOUNT)).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["errors"][0]["message"].as_str().expect("message").contains("AccessDenied"));
    let list = app.ok(&alice, "{ listEnvironments { count } }", json!({})).await;
    assert_eq!(list["listEnvironments"]["count"], 0);
    let tasks = app.ok(&alice, "{ listTasks { count } }", json!({})).await;
    assert_eq!(tasks["listTasks"]["count"], 0, "no deploy was queued");

    for (field, value) in [
        ("AwsAccountId", json!("12345")),
        ("region", json!("eu-west-9")),
        ("resourcePrefix", json!("Bad_Prefix")),
    ] {
        let mut input = link_input(&org, "111122223333");
        input["input"][field] = value;
        let body = app.gql(Some(&alice), CREATE, input).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{field}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

async fn invited_teams_get_roles_permissions_and_a_redeploy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    invite_to_org(&app, &alice, &org, &["TeamB", "TeamC", "TeamD"]).await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri").to_owned();
    let first_task = env["stack"]["taskUri"].as_str().expect("task").to_owned();

    assert_eq!(error_code(&app.gql(Some(&bob), GET, json!({"e": uri})).await), Some("FORBIDDEN"));
    app.ok(
        &alice,
        INVITE,
        json!({"i": {"environmentUri": uri, "groupUri": "TeamB", "permissions": ["CREATE_DATASET"]}}),
    )
    .await;
    app.ok(
        &alice,
        INVITE,
        json!({"i": {"environmentUri": uri, "groupUri": "TeamC", "environmentIAMRoleArn": "arn:aws:iam::111122223333:role/analysts"}}),
    )
    .await;
    let seen = app.ok(&bob, GET, json!({"e": uri})).await;
    assert_eq!(seen["getEnvironment"]["userRoleInEnvironment"], "Invited");
    let listed = app.ok(&bob, "{ listEnvironments { count nodes { environmentUri } } }", json!({})).await;
    assert_eq!(listed["listEnvironments"]["count"], 1);

    let groups = app.ok(&carol, GROUPS, json!({"e": uri})).await;
    let nodes = groups["listEnvironmentGroups"]["nodes"].as_array().expect("nodes").clone();
    assert_eq!(nodes.len(), 3);
    let team_b = nodes.iter().find(|n| n["groupUri"] == "TeamB").expect("TeamB");
    assert_eq!(team_b["environmentIAMRoleName"], format!("dl-teamb-{uri}"));
    let perms: Vec<&str> = team_b["environmentPermissions"]
        .as_array()
        .expect("perms")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        perms,
        vec!["CREATE_DATASET", "GET_ENVIRONMENT", "LIST_ENVIRONMENT_GROUPS", "LIST_ENVIRONMENT_NETWORKS"]
    );
    let team_c = nodes.iter().find(|n| n["groupUri"] == "TeamC").expect("TeamC");
    assert_eq!(team_c["environmentIAMRoleArn"], "arn:aws:iam::111122223333:role/analysts");

    let stack = app
        .ok(
            &alice,
            "query($e: String!) { getEnvironment(environmentUri: $e) { stack { taskUri } } }",
            json!({"e": uri}),
        )
        .await;
    assert_ne!(
        stack["getEnvironment"]["stack"]["taskUri"].as_str(),
        Some(first_task.as_str()),
        "the invite queued a redeploy"
    );

    let twice =
        app.gql(Some(&alice), INVITE, json!({"i": {"environmentUri": uri, "groupUri": "TeamB"}})).await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    let bad = app
        .gql(
            Some(&alice),
            INVITE,
            json!({"i": {"environmentUri": uri, "groupUri": "TeamD", "permissions": ["DELETE_ENVIRONMENT"]}}),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let wrong_account = app
        .gql(Some(&alice), INVITE, json!({"i": {"environmentUri": uri, "groupUri": "TeamD", "environmentIAMRoleArn": "arn:aws:iam::999999999999:role/x"}}))
        .await;
    assert_eq!(error_code(&wrong_account), Some("BAD_USER_INPUT"));

    let owner_removal = app
        .gql(Some(&alice), "mutation($e: String!) { removeGroupFromEnvironment(environmentUri: $e, groupUri: \"TeamA\") { environmentUri } }", json!({"e": uri}))
        .await;
    assert_eq!(error_code(&owner_removal), Some("INVALID_STATE"));
    app.ok(&alice, "mutation($e: String!) { removeGroupFromEnvironment(environmentUri: $e, groupUri: \"TeamB\") { environmentUri } }", json!({"e": uri}))
        .await;
    assert_eq!(error_code(&app.gql(Some(&bob), GET, json!({"e": uri})).await), Some("FORBIDDEN"));
}

async fn stacks_are_read_without_queueing_and_redeployed_on_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");
    let stack_uri = env["stack"]["stackUri"].as_str().expect("stack");
    let count_tasks = || app.ok(&alice, "{ listTasks { count } }", json!({}));
    let before = count_tasks().await["listTasks"]["count"].clone();
    let read = app
        .ok(
            &alice,
            "query($e: String!, $s: String!) { getStack(environmentUri: $e, stackUri: $s, targetUri: $e, targetType: \"environment\") { status name accountid region } getStackLogs(targetUri: $e, targetType: \"environment\") { message } }",
            json!({"e": uri, "s": stack_uri}),
        )
        .await;
    assert_eq!(read["getStack"]["accountid"], "111122223333");
    assert_eq!(read["getStackLogs"], json!([]));
    assert_eq!(count_tasks().await["listTasks"]["count"], before, "reading queued nothing");
    let deployed = DeployRecord {
        status: "CREATE_COMPLETE".into(),
        outputs: Some(json!({"DataBucketName": "b"})),
        ..Default::default()
    };
    app.core.system("test").record_deploy(stack_uri, deployed).await.expect("deployed");
    let status = "query($e: String!) { getEnvironment(environmentUri: $e) { stack { status } } }";
    let before_redeploy = app.ok(&alice, status, json!({"e": uri})).await;
    assert_eq!(before_redeploy["getEnvironment"]["stack"]["status"], "CREATE_COMPLETE");
    let redeploy = app
        .ok(
            &alice,
            "mutation($e: String!) { updateStack(targetUri: $e, targetType: \"environment\") { taskUri status } }",
            json!({"e": uri}),
        )
        .await;
    assert!(redeploy["updateStack"]["taskUri"].is_string());
    assert_eq!(redeploy["updateStack"]["status"], "PENDING", "the redeploy shows at once");
    let after = app.ok(&alice, status, json!({"e": uri})).await;
    assert_eq!(after["getEnvironment"]["stack"]["status"], "PENDING", "and reads back so");
    assert_eq!(count_tasks().await["listTasks"]["count"], json!(before.as_i64().expect("n") + 1));
}

async fn deleting_an_environment_removes_access_and_queues_the_stack_deletion(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");
    let deleted = app
        .ok(
            &alice,
            "mutation($e: String!) { deleteEnvironment(environmentUri: $e, deleteFromAWS: true) }",
            json!({"e": uri}),
        )
        .await;
    assert_eq!(deleted["deleteEnvironment"], true);
    assert_eq!(error_code(&app.gql(Some(&alice), GET, json!({"e": uri})).await), Some("FORBIDDEN"));
    // The account can be linked again at once.
    link(&app, &alice, &org, "111122223333").await;
}

async fn teams_add_consumption_roles_of_the_account_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    invite_to_org(&app, &alice, &org, &["TeamB"]).await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");
    let add = "mutation($i: AddConsumptionPrincipalToEnvironmentInput!) { addConsumptionPrincipalToEnvironment(input: $i) { consumptionPrincipalUri IAMPrincipalName dataallManaged consumptionPrincipalType } }";
    let input = |group: &str, arn: &str| json!({"i": {"consumptionPrincipalName": "etl", "groupUri": group, "IAMPrincipalArn": arn, "environmentUri": uri, "dataallManaged": "EXTERNALLY_MANAGED"}});
    let added = app.ok(&alice, add, input("TeamA", "arn:aws:iam::111122223333:role/etl/loader")).await;
    let principal = &added["addConsumptionPrincipalToEnvironment"];
    assert_eq!(principal["IAMPrincipalName"], "loader");
    assert_eq!(principal["consumptionPrincipalType"], "ROLE");
    let again = app.gql(Some(&alice), add, input("TeamA", "arn:aws:iam::111122223333:role/etl/loader")).await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    let foreign = app.gql(Some(&alice), add, input("TeamA", "arn:aws:iam::444455556666:role/x")).await;
    assert_eq!(error_code(&foreign), Some("BAD_USER_INPUT"));
    // Roles Sluice runs as or may rewrite (the pivot role, anything named with the resource
    // prefix, whatever its case), and roles that do not exist, never receive shares.
    for (arn, says) in [
        ("arn:aws:iam::111122223333:role/sluice-pivot", "pivot role"),
        ("arn:aws:iam::111122223333:role/DL-TeamA-x", "resource prefix dl"),
        ("arn:aws:iam::111122223333:role/missing-etl", "has no role missing-etl"),
    ] {
        let refused = app.gql(Some(&alice), add, input("TeamA", arn)).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{arn}: {message}");
    }
    let not_a_team = app.gql(Some(&alice), add, input("TeamZ", "arn:aws:iam::111122223333:role/y")).await;
    assert_eq!(error_code(&not_a_team), Some("BAD_USER_INPUT"));

    // Bob's team is invited with the right to add roles, but only for itself.
    app.ok(&alice, INVITE, json!({"i": {"environmentUri": uri, "groupUri": "TeamB", "permissions": ["ADD_ENVIRONMENT_CONSUMPTION_ROLES", "LIST_ENVIRONMENT_CONSUMPTION_ROLES"]}})).await;
    let for_other_team = app.gql(Some(&bob), add, input("TeamA", "arn:aws:iam::111122223333:role/z")).await;
    assert_eq!(error_code(&for_other_team), Some("BAD_USER_INPUT"));
    app.ok(&bob, add, input("TeamB", "arn:aws:iam::111122223333:role/bobs")).await;
    let list = "query($e: String!, $g: String) { listEnvironmentConsumptionPrincipals(environmentUri: $e, filter: {groupUri: $g}) { count nodes { groupUri } } }";
    assert_eq!(
        app.ok(&bob, list, json!({"e": uri})).await["listEnvironmentConsumptionPrincipals"]["count"],
        2
    );
    assert_eq!(
        app.ok(&bob, list, json!({"e": uri, "g": "TeamB"})).await["listEnvironmentConsumptionPrincipals"]["count"],
        1
    );

    let cp = principal["consumptionPrincipalUri"].as_str().expect("uri");
    let remove = "mutation($e: String!, $c: String!) { removeConsumptionPrincipalFromEnvironment(environmentUri: $e, consumptionPrincipalUri: $c) }";
    assert_eq!(
        error_code(&app.gql(Some(&bob), remove, json!({"e": uri, "c": cp})).await),
        Some("BAD_USER_INPUT"),
        "not bob's team's role"
    );
    assert_eq!(
        app.ok(&alice, remove, json!({"e": uri, "c": cp})).await["removeConsumptionPrincipalFromEnvironment"],
        true
    );
    assert_eq!(
        app.ok(&alice, list, json!({"e": uri})).await["listEnvironmentConsumptionPrincipals"]["count"],
        1
    );
}

async fn an_inviter_gives_what_data_all_offers_to_teams_of_the_organization_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");
    let every = [
        "GET_ENVIRONMENT",
        "UPDATE_ENVIRONMENT",
        "CREDENTIALS_ENVIRONMENT",
        "LIST_ENVIRONMENT_SHARED_WITH_OBJECTS",
        "CREATE_DATASET",
        "CREATE_SHARE_OBJECT",
        "INVITE_ENVIRONMENT_GROUP",
        "ADD_ENVIRONMENT_CONSUMPTION_ROLES",
        "LIST_ENVIRONMENT_CONSUMPTION_ROLES",
    ];
    let invite = json!({"i": {"environmentUri": uri, "groupUri": "TeamB", "permissions": every}});

    let outsider = app.gql(Some(&alice), INVITE, invite.clone()).await;
    assert_eq!(error_code(&outsider), Some("BAD_USER_INPUT"), "{outsider}");
    assert_eq!(outsider["errors"][0]["extensions"]["field"], "groupUri");
    let message = outsider["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("TeamB is not a member of the organization"), "data.all's words: {message}");

    invite_to_org(&app, &alice, &org, &["TeamB"]).await;
    app.ok(&alice, INVITE, invite).await;
    let offered = app.ok(&alice, "{ listEnvironmentGroupInvitationPermissions { name } }", json!({})).await;
    let offered: Vec<&str> = offered["listEnvironmentGroupInvitationPermissions"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    let groups = app.ok(&alice, GROUPS, json!({"e": uri})).await;
    let team_b = groups["listEnvironmentGroups"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["groupUri"] == "TeamB")
        .expect("TeamB")
        .clone();
    let held: Vec<&str> = team_b["environmentPermissions"]
        .as_array()
        .expect("perms")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    for permission in every {
        assert!(offered.contains(&permission), "{permission} is offered: {offered:?}");
        assert!(held.contains(&permission), "{permission} is held: {held:?}");
    }
    // What UPDATE_ENVIRONMENT gives: bob redeploys the stack; CREDENTIALS_ENVIRONMENT: his
    // team's role.
    app.ok(
        &bob,
        "mutation($e: String!) { updateStack(targetUri: $e, targetType: \"environment\") { status } }",
        json!({"e": uri}),
    )
    .await;
    app.ok(
        &bob,
        "query($e: String!) { generateEnvironmentAccessToken(environmentUri: $e, groupUri: \"TeamB\") }",
        json!({"e": uri}),
    )
    .await;
}

/// A team leaves an environment only once what it made there is gone: its grants go to its role,
/// which the deploy after a removal deletes.
async fn a_team_with_shares_consumption_roles_or_networks_stays_until_they_are_gone(backend: Backend) {
    use crate::support::two_teams::{TwoTeams, two_teams};
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, table, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let create = r#"mutation($d: String!, $t: String, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: "Table",
        input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#;
    let share = app.ok(&bob, create, json!({"d": dataset, "t": table, "e": env})).await["createShareObject"]
        ["shareUri"]
        .as_str()
        .expect("share")
        .to_owned();
    let remove = "mutation($e: String!) { removeGroupFromEnvironment(environmentUri: $e, groupUri: \"TeamB\") { environmentUri } }";
    let refused = app.gql(Some(&alice), remove, json!({"e": env})).await;
    assert_eq!(error_code(&refused), Some("INVALID_STATE"), "{refused}");
    let reason = refused["errors"][0]["extensions"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("TeamB still has 1 share request(s)"), "{reason}");

    app.ok(&bob, "mutation($s: String!) { deleteShareObject(shareUri: $s) }", json!({"s": share})).await;
    app.ok(&alice, remove, json!({"e": env})).await;
    let teams = app
        .ok(
            &alice,
            "query($e: String!) { listEnvironmentGroups(environmentUri: $e) { nodes { groupUri } } }",
            json!({"e": env}),
        )
        .await;
    assert_eq!(teams["listEnvironmentGroups"]["nodes"], json!([{"groupUri": "TeamA"}]));
}

on_both_backends!(
    a_team_with_shares_consumption_roles_or_networks_stays_until_they_are_gone,
    an_inviter_gives_what_data_all_offers_to_teams_of_the_organization_only,
    teams_add_consumption_roles_of_the_account_only,
    linking_stores_the_environment_and_queues_its_stack_deploy,
    a_refused_pivot_role_is_bad_input_and_stores_nothing,
    invited_teams_get_roles_permissions_and_a_redeploy,
    stacks_are_read_without_queueing_and_redeployed_on_request,
    deleting_an_environment_removes_access_and_queues_the_stack_deletion,
);
