//! data.all's standard selections of an environment (its web UI's getEnvironment and
//! listEnvironments, with the fields Sluice answers as constants), and `Environment.datasets`,
//! which must show a team exactly what `listDatasetsCreatedInEnvironment` lists to it.

use serde_json::{Value, json};
use sluice_core::environments::stacks::DeployRecord;

use crate::{
    environments::{CREATE, link, link_input},
    organizations::create_org,
    support::{
        Backend, TestApp, error_code, on_both_backends,
        two_teams::{TwoTeams, two_teams},
    },
};

/// data.all's getEnvironment selection, with the other fields of data.all's Environment type
/// besides.
const ENVIRONMENT: &str = r#"
  environmentUri created userRoleInEnvironment description name label AwsAccountId region owner tags
  SamlGroupName EnvironmentDefaultBucketName EnvironmentDefaultIAMRoleArn EnvironmentDefaultIAMRoleName
  EnvironmentDefaultIAMRoleImported resourcePrefix subscriptionsEnabled subscriptionsProducersTopicImported
  subscriptionsConsumersTopicImported subscriptionsConsumersTopicName subscriptionsProducersTopicName
  organization { organizationUri label name }
  stack { stack status stackUri targetUri accountid region stackid link outputs resources EcsTaskArn EcsTaskId }
  networks { VpcId privateSubnetIds publicSubnetIds }
  parameters { key value }
  datasets isOrganizationDefaultEnvironment roleCreated validated EnvironmentDefaultAthenaWorkGroup
  PermissionsBoundaryPolicyArn
"#;

fn get_environment() -> String {
    format!("query GetEnvironment($e: String!) {{ getEnvironment(environmentUri: $e) {{ {ENVIRONMENT} }} }}")
}

fn list_environments() -> String {
    format!(
        "query ListEnvironments($filter: EnvironmentFilter) {{ listEnvironments(filter: $filter) {{
           count page pages hasNext hasPrevious nodes {{ {ENVIRONMENT} }} }} }}"
    )
}

/// `listDatasetsCreatedInEnvironment`'s answer, with the fields `Environment.datasets` gives.
async fn listed_in(app: &TestApp, token: &str, env: &str) -> Value {
    let list = "query($e: String!) { listDatasetsCreatedInEnvironment(environmentUri: $e) {
        count page pages pageSize hasNext hasPrevious nodes { datasetUri label name SamlAdminGroupName } } }";
    app.ok(token, list, json!({"e": env})).await["listDatasetsCreatedInEnvironment"].clone()
}

/// `Environment.datasets`, read as the JSON it is.
fn datasets_of(environment: &Value) -> Value {
    serde_json::from_str(environment["datasets"].as_str().expect("datasets")).expect("datasets JSON")
}

/// The fields Sluice answers the same for every environment, with why.
fn assert_constants(environment: &Value) {
    // Linking validated the pivot role; Sluice has no default environment, SNS topics, Athena
    // workgroups or VPCs, and keeps no ECS task on a stack.
    assert_eq!(environment["validated"], true);
    assert_eq!(environment["isOrganizationDefaultEnvironment"], false);
    assert_eq!(environment["subscriptionsEnabled"], false);
    assert_eq!(environment["subscriptionsProducersTopicImported"], false);
    assert_eq!(environment["subscriptionsConsumersTopicImported"], false);
    assert_eq!(environment["subscriptionsConsumersTopicName"], Value::Null);
    assert_eq!(environment["subscriptionsProducersTopicName"], Value::Null);
    assert_eq!(environment["EnvironmentDefaultAthenaWorkGroup"], Value::Null);
    assert_eq!(environment["networks"], json!([]));
    assert_eq!(environment["stack"]["EcsTaskArn"], Value::Null);
    assert_eq!(environment["stack"]["EcsTaskId"], Value::Null);
}

async fn data_all_environment_selections_answer_with_the_stack_status(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env = link(&app, &alice, &org, "111122223333").await;
    let uri = env["environmentUri"].as_str().expect("uri");

    let got = app.ok(&alice, &get_environment(), json!({"e": uri})).await["getEnvironment"].clone();
    assert_constants(&got);
    assert_eq!(got["stack"]["status"], "PENDING");
    assert_eq!(got["roleCreated"], false, "the stack that creates the roles has not deployed");
    assert_eq!(
        datasets_of(&got),
        json!({"count": 0, "page": 1, "pages": 0, "pageSize": 10, "hasNext": false, "hasPrevious": false, "nodes": []})
    );

    let stack_uri = got["stack"]["stackUri"].as_str().expect("stack");
    let deployed = DeployRecord {
        status: "CREATE_COMPLETE".into(),
        outputs: Some(json!({"DataBucketName": "dl-bucket"})),
        ..Default::default()
    };
    app.core.system("test").record_deploy(stack_uri, deployed).await.expect("recorded");

    let listed = app.ok(&alice, &list_environments(), json!({})).await["listEnvironments"].clone();
    assert_eq!(listed["count"], 1);
    let node = &listed["nodes"][0];
    assert_constants(node);
    assert_eq!((&node["stack"]["status"], &node["roleCreated"]), (&json!("CREATE_COMPLETE"), &json!(true)));
    assert_eq!(node["EnvironmentDefaultBucketName"], "dl-bucket");

    let redeploying = DeployRecord { status: "DEPLOY_IN_PROGRESS".into(), ..Default::default() };
    app.core.system("test").record_deploy(stack_uri, redeploying).await.expect("recorded");
    let again = app.ok(&alice, &get_environment(), json!({"e": uri})).await["getEnvironment"].clone();
    assert_eq!(
        (&again["stack"]["status"], &again["roleCreated"]),
        (&json!("DEPLOY_IN_PROGRESS"), &json!(true)),
        "a redeploy leaves the roles in place"
    );

    let groups = "query($e: String!) { listEnvironmentGroups(environmentUri: $e) { nodes { groupUri environmentAthenaWorkGroup } } }";
    assert_eq!(
        app.ok(&alice, groups, json!({"e": uri})).await["listEnvironmentGroups"]["nodes"],
        json!([{"groupUri": "TeamA", "environmentAthenaWorkGroup": null}])
    );
}

async fn environment_datasets_show_each_team_what_it_may_list_there(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let TwoTeams { org, env, dataset, .. } = &world;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    // A second environment of TeamA's, with more datasets than a page, which TeamB is not in.
    let other =
        app.ok(&alice, CREATE, link_input(org, "444455556666")).await["createEnvironment"]["environmentUri"]
            .as_str()
            .expect("second environment")
            .to_owned();
    let create = r#"mutation($e: String!, $l: String!) {
        createDataset(input: {label: $l, environmentUri: $e, SamlAdminGroupName: "TeamA"}) { datasetUri } }"#;
    for n in 0..11 {
        app.ok(&alice, create, json!({"e": other, "l": format!("Ledger {n:02}")})).await;
    }

    // TeamB, invited to the first environment, lists TeamA's dataset there, and the field
    // says exactly that.
    let bobs = listed_in(&app, &bob, env).await;
    assert_eq!((&bobs["count"], &bobs["nodes"][0]["datasetUri"]), (&json!(1), &json!(dataset)));
    let got = app.ok(&bob, &get_environment(), json!({"e": env})).await["getEnvironment"].clone();
    assert_eq!(datasets_of(&got), bobs);
    let listed = app.ok(&bob, &list_environments(), json!({})).await["listEnvironments"].clone();
    assert_eq!(listed["count"], 1, "TeamB is in one environment: {listed}");
    assert_eq!(datasets_of(&listed["nodes"][0]), bobs);
    // The second environment is not TeamB's to list, nor its datasets.
    let refused = app.gql(Some(&bob), &get_environment(), json!({"e": other})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let in_other = "query($e: String!) { listDatasetsCreatedInEnvironment(environmentUri: $e) { count } }";
    let refused = app.gql(Some(&bob), in_other, json!({"e": other})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    // TeamA's page of both environments, loaded together, gives each its own datasets: the
    // first page of eleven, as the list query pages them.
    let listed = app.ok(&alice, &list_environments(), json!({})).await["listEnvironments"].clone();
    assert_eq!(listed["count"], 2);
    for node in listed["nodes"].as_array().expect("nodes") {
        let uri = node["environmentUri"].as_str().expect("uri");
        assert_eq!(datasets_of(node), listed_in(&app, &alice, uri).await, "{uri}");
    }
    let ledgers = listed_in(&app, &alice, &other).await;
    assert_eq!((&ledgers["count"], &ledgers["hasNext"]), (&json!(11), &json!(true)));
    assert_eq!(ledgers["nodes"].as_array().map(Vec::len), Some(10));
    assert_eq!(ledgers["nodes"][0]["label"], "Ledger 00");

    // A share into the environment shows its card, which never holds the datasets or the stack.
    let share = world.share_with_team_b(&app, &app.core, env).await;
    let through = "query($s: String!) { getShareObject(shareUri: $s) { environment { datasets roleCreated validated } } }";
    assert_eq!(
        app.ok(&bob, through, json!({"s": share})).await["getShareObject"]["environment"],
        json!({"datasets": null, "roleCreated": null, "validated": true})
    );

    // Outside the environment's teams there is nothing to list, so nothing to show.
    let refused = app.gql(Some(&carol), &get_environment(), json!({"e": env})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let none = app.ok(&carol, &list_environments(), json!({})).await;
    assert_eq!(none["listEnvironments"]["count"], 0);
}

on_both_backends!(
    data_all_environment_selections_answer_with_the_stack_status,
    environment_datasets_show_each_team_what_it_may_list_there,
);
