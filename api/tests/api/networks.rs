//! Networks: VPCs a team registers in an environment, in data.all's operations. Who may register,
//! list and remove them, what is checked, and where they show.

use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const CREATE: &str = "mutation($i: NewVpcInput!) { createNetwork(input: $i) {
  vpcUri VpcId label name owner SamlGroupName privateSubnetIds publicSubnetIds tags default AwsAccountId region
  environment { environmentUri } } }";
const LIST: &str =
    "query($e: String!, $f: VpcFilter) { listEnvironmentNetworks(environmentUri: $e, filter: $f) {
  count nodes { VpcId label SamlGroupName } } }";
const DELETE: &str = "mutation($v: String!) { deleteNetwork(vpcUri: $v) }";
const INVITE: &str =
    "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";
const UPDATE_TEAM: &str = "mutation($i: InviteGroupOnEnvironmentInput!) { updateGroupEnvironmentPermissions(input: $i) { environmentUri } }";

fn vpc(env: &str, team: &str, label: &str, vpc_id: &str) -> Value {
    json!({"i": {"environmentUri": env, "SamlGroupName": team, "label": label, "vpcId": vpc_id,
        "privateSubnetIds": ["subnet-0a1b2c3d", "subnet-0a1b2c3d", "subnet-1a2b3c4d"], "publicSubnetIds": [],
        "tags": ["prod"], "description": "the ETL VPC"}})
}

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn a_team_registers_lists_and_removes_its_vpcs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);

    let made =
        app.ok(&alice, CREATE, vpc(&env, "TeamA", "ETL network", "vpc-0a1b2c3d")).await["createNetwork"]
            .clone();
    let uri = made["vpcUri"].as_str().expect("uri").to_owned();
    assert_eq!(
        (
            made["VpcId"].as_str(),
            made["name"].as_str(),
            made["owner"].as_str(),
            made["SamlGroupName"].as_str()
        ),
        (Some("vpc-0a1b2c3d"), Some("etl-network"), Some("alice"), Some("TeamA"))
    );
    assert_eq!(
        made["privateSubnetIds"],
        json!(["subnet-0a1b2c3d", "subnet-1a2b3c4d"]),
        "repeats are dropped"
    );
    assert_eq!((made["tags"].clone(), made["default"].clone()), (json!(["prod"]), json!(false)));
    assert_eq!(
        (made["AwsAccountId"].as_str(), made["environment"]["environmentUri"].as_str()),
        (Some("111122223333"), Some(env.as_str()))
    );

    // Registered once per environment; ids must have AWS's shape.
    let again = app.gql(Some(&alice), CREATE, vpc(&env, "TeamA", "Again", "vpc-0a1b2c3d")).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let bad = app.gql(Some(&alice), CREATE, vpc(&env, "TeamA", "Bad", "vpc-XYZ")).await;
    assert_eq!((error_code(&bad), field(&bad)), (Some("BAD_USER_INPUT"), Some("vpcId")), "{bad}");
    let mut bad_subnet = vpc(&env, "TeamA", "Bad", "vpc-1a2b3c4d");
    bad_subnet["i"]["publicSubnetIds"] = json!(["sg-0a1b2c3d"]);
    let bad = app.gql(Some(&alice), CREATE, bad_subnet).await;
    assert_eq!((error_code(&bad), field(&bad)), (Some("BAD_USER_INPUT"), Some("publicSubnetIds")), "{bad}");

    // Every team of the environment lists them (data.all's invited default); outsiders don't.
    let listed = app.ok(&bob, LIST, json!({"e": env})).await;
    assert_eq!(listed["listEnvironmentNetworks"]["count"], 1);
    assert_eq!(listed["listEnvironmentNetworks"]["nodes"][0]["VpcId"], "vpc-0a1b2c3d");
    let by_term = app.ok(&bob, LIST, json!({"e": env, "f": {"term": "nothing"}})).await;
    assert_eq!(by_term["listEnvironmentNetworks"]["count"], 0);
    let outsider = app.gql(Some(&carol), LIST, json!({"e": env})).await;
    assert_eq!(error_code(&outsider), Some("FORBIDDEN"), "{outsider}");
    let networks = "query($e: String!) { getEnvironment(environmentUri: $e) { networks { VpcId } } }";
    let shown = app.ok(&bob, networks, json!({"e": env})).await;
    assert_eq!(shown["getEnvironment"]["networks"], json!([{"VpcId": "vpc-0a1b2c3d"}]));

    // TeamB was invited without CREATE_NETWORK: it may neither register nor remove.
    let refused = app.gql(Some(&bob), CREATE, vpc(&env, "TeamB", "Bob's", "vpc-2a2b3c4d")).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let refused = app.gql(Some(&bob), DELETE, json!({"v": uri})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    // Nor for a team one is not in.
    let refused = app.gql(Some(&bob), CREATE, vpc(&env, "TeamA", "Bob's", "vpc-2a2b3c4d")).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    // Given CREATE_NETWORK, TeamB registers its own and removes only its own; the
    // environment's admin team removes any.
    app.ok(&alice, UPDATE_TEAM, json!({"i": {"environmentUri": env, "groupUri": "TeamB", "permissions": ["CREATE_SHARE_OBJECT", "CREATE_NETWORK"]}})).await;
    let bobs =
        app.ok(&bob, CREATE, vpc(&env, "TeamB", "Bob's", "vpc-2a2b3c4d")).await["createNetwork"]["vpcUri"]
            .as_str()
            .expect("uri")
            .to_owned();
    let refused = app.gql(Some(&bob), DELETE, json!({"v": uri})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    // An unknown network is refused as one bob may not remove: nothing says which exist.
    let unknown = app.gql(Some(&bob), DELETE, json!({"v": "nosuchvpc"})).await;
    assert_eq!(error_code(&unknown), Some("FORBIDDEN"), "{unknown}");
    assert!(
        unknown["errors"][0]["message"].as_str().unwrap_or_default().contains("DELETE_NETWORK"),
        "{unknown}"
    );
    assert_eq!(app.ok(&alice, DELETE, json!({"v": bobs})).await["deleteNetwork"], true);
    assert_eq!(app.ok(&alice, DELETE, json!({"v": uri})).await["deleteNetwork"], true);
    let listed = app.ok(&alice, LIST, json!({"e": env})).await;
    assert_eq!(listed["listEnvironmentNetworks"]["count"], 0);

    // The trail shows who registered and removed what, to the environment's teams.
    let trail = "query { listActivity(filter: {targetType: \"Vpc\"}) { count nodes { action actor } } }";
    let rows = app.ok(&bob, trail, json!({})).await;
    let actions: Vec<&str> = rows["listActivity"]["nodes"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(actions.contains(&"createNetwork") && actions.contains(&"deleteNetwork"), "{rows}");
    let hidden = app.ok(&carol, trail, json!({})).await;
    assert_eq!(hidden["listActivity"]["count"], 0, "{hidden}");
}

/// An invitation always includes LIST_ENVIRONMENT_NETWORKS, and CREATE_NETWORK may be given.
async fn invited_teams_list_networks_and_may_be_given_create_network(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, org, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    crate::organizations::invite_to_org(&app, &alice, &org, &["TeamD"]).await;
    app.ok(
        &alice,
        INVITE,
        json!({"i": {"environmentUri": env, "groupUri": "TeamD", "permissions": ["CREATE_NETWORK"]}}),
    )
    .await;
    let perms = "query($e: String!) { listEnvironmentGroups(environmentUri: $e) { nodes { groupUri environmentPermissions(environmentUri: $e) { name } } } }";
    let held = app.ok(&alice, perms, json!({"e": env})).await;
    let team_d = held["listEnvironmentGroups"]["nodes"]
        .as_array()
        .expect("teams")
        .iter()
        .find(|t| t["groupUri"] == "TeamD")
        .expect("TeamD is a team of the environment")
        .clone();
    let names: Vec<&str> = team_d["environmentPermissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"CREATE_NETWORK") && names.contains(&"LIST_ENVIRONMENT_NETWORKS"), "{names:?}");
    let dave = app.token("dave", &["TeamD"]);
    app.ok(&dave, CREATE, vpc(&env, "TeamD", "Dave's", "vpc-3a2b3c4d")).await;
}

on_both_backends!(
    a_team_registers_lists_and_removes_its_vpcs,
    invited_teams_list_networks_and_may_be_given_create_network,
);
