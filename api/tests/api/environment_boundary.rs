//! `PermissionsBoundaryPolicyArn`: stored on linking and on update, answered on `Environment`,
//! and checked to be a policy of the account named after the pivot role's boundary (the only
//! boundaries the pivot role may put on roles). What the stacks do with it is shown against moto
//! in the cloud crate's tests.

use serde_json::{Value, json};

use crate::{
    environments::link_input,
    organizations::create_org,
    support::{Backend, TestApp, error_code, on_both_backends},
};

/// The fake accounts' pivot role is `sluice-pivot`.
const OWN: &str = "arn:aws:iam::111122223333:policy/sluice-pivot-boundary-acme";

const CREATE: &str = "mutation($input: NewEnvironmentInput!) {
  createEnvironment(input: $input) { environmentUri PermissionsBoundaryPolicyArn stack { taskUri } } }";
const UPDATE: &str = "mutation($e: String!, $input: ModifyEnvironmentInput!) {
  updateEnvironment(environmentUri: $e, input: $input) { PermissionsBoundaryPolicyArn stack { taskUri } } }";
const GET: &str = "query($e: String!) { getEnvironment(environmentUri: $e) { PermissionsBoundaryPolicyArn stack { taskUri } } }";

fn with_boundary(org: &str, boundary: &str) -> Value {
    let mut input = link_input(org, "111122223333");
    input["input"]["PermissionsBoundaryPolicyArn"] = json!(boundary);
    input
}

async fn a_boundary_is_stored_on_linking_and_a_change_redeploys_the_stack(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;

    let created = app.ok(&alice, CREATE, with_boundary(&org, OWN)).await["createEnvironment"].clone();
    assert_eq!(created["PermissionsBoundaryPolicyArn"], OWN);
    let env = created["environmentUri"].as_str().expect("uri");
    let got = app.ok(&alice, GET, json!({"e": env})).await["getEnvironment"].clone();
    assert_eq!(got["PermissionsBoundaryPolicyArn"], OWN);
    let first_task = got["stack"]["taskUri"].clone();

    // Another label only: the stack is not redeployed.
    let same =
        app.ok(&alice, UPDATE, json!({"e": env, "input": {"label": "Renamed"}})).await["updateEnvironment"]
            .clone();
    assert_eq!(same["PermissionsBoundaryPolicyArn"], OWN, "absent leaves it as it was");
    assert_eq!(same["stack"]["taskUri"], first_task);

    // Back to the pivot role's boundary: the roles change, so the stack deploys again.
    let cleared = app
        .ok(&alice, UPDATE, json!({"e": env, "input": {"PermissionsBoundaryPolicyArn": ""}}))
        .await["updateEnvironment"]
        .clone();
    assert_eq!(cleared["PermissionsBoundaryPolicyArn"], Value::Null);
    assert_ne!(cleared["stack"]["taskUri"], first_task, "a deploy was queued");
    let task = cleared["stack"]["taskUri"].as_str().expect("task");
    let queued =
        app.ok(&alice, "query($t: String!) { getTask(taskUri: $t) { action } }", json!({"t": task})).await;
    assert_eq!(queued["getTask"]["action"], "environment.deploy");
}

async fn a_boundary_must_be_a_policy_of_the_account_named_after_the_pivot_roles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    for bad in [
        "arn:aws:iam::999999999999:policy/sluice-pivot-boundary-acme",
        "arn:aws:iam::111122223333:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "not an arn",
    ] {
        let refused = app.gql(Some(&alice), CREATE, with_boundary(&org, bad)).await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{bad}: {refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], "PermissionsBoundaryPolicyArn", "{refused}");
    }
    let listed = app.ok(&alice, "{ listEnvironments { count } }", json!({})).await;
    assert_eq!(listed["listEnvironments"]["count"], 0, "nothing was linked");

    let created = app.ok(&alice, CREATE, with_boundary(&org, "")).await["createEnvironment"].clone();
    assert_eq!(created["PermissionsBoundaryPolicyArn"], Value::Null, "empty is none, as in data.all");
    let env = created["environmentUri"].as_str().expect("uri");
    let refused = app
        .gql(
            Some(&alice),
            UPDATE,
            json!({"e": env, "input": {"PermissionsBoundaryPolicyArn": "arn:aws:iam::111122223333:policy/Other"}}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let got = app.ok(&alice, GET, json!({"e": env})).await;
    assert_eq!(got["getEnvironment"]["PermissionsBoundaryPolicyArn"], Value::Null, "unchanged");
}

on_both_backends!(
    a_boundary_is_stored_on_linking_and_a_change_redeploys_the_stack,
    a_boundary_must_be_a_policy_of_the_account_named_after_the_pivot_roles,
);
