//! data.all's pickers and helpers, sent as data.all's web UI and tests send them: valid
//! environments, an environment's teams and consumption principals, a dataset's tables and
//! folders, the caller's own teams and the pivot-role template's link. Each answers TeamA
//! (alice), TeamB (bob, invited to TeamA's environment) and TeamC (carol, in nothing) what
//! their teams may see, and refuses what they may not.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde_json::{Value, json};
use sluice_core::{catalog::CatalogVisibility, environments::stacks::DeployRecord};

use crate::{
    environments::{CREATE, link_input},
    support::{
        Backend, Options, TestApp, error_code, on_both_backends,
        two_teams::{TwoTeams, two_teams},
    },
};

/// data.all's web UI's `ListValidEnvironments`.
const VALID_ENVIRONMENTS: &str = r#"query ListValidEnvironments($filter: EnvironmentFilter) {
  listValidEnvironments(filter: $filter) {
    count
    nodes {
      environmentUri
      label
      region
      organization { organizationUri name label }
      networks { VpcId privateSubnetIds publicSubnetIds }
    }
  }
}"#;

/// data.all's web UI's `listAllEnvironmentGroups`.
const ALL_GROUPS: &str = r#"query listAllEnvironmentGroups($filter: GroupFilter, $environmentUri: String!) {
  listAllEnvironmentGroups(environmentUri: $environmentUri, filter: $filter) {
    count page pages hasNext hasPrevious
    nodes {
      groupUri invitedBy created description environmentIAMRoleArn environmentIAMRoleName
      environmentAthenaWorkGroup
      environmentPermissions(environmentUri: $environmentUri) { name permissionUri }
    }
  }
}"#;

/// data.all's tests' `listEnvironmentInvitedGroups`.
const INVITED_GROUPS: &str = r#"query listEnvironmentInvitedGroups($environmentUri: String!, $filter: GroupFilter) {
  listEnvironmentInvitedGroups(environmentUri: $environmentUri, filter: $filter) {
    count
    nodes { groupUri name }
  }
}"#;

/// data.all's web UI's `listAllEnvironmentConsumptionPrincipals`.
const ALL_PRINCIPALS: &str = r#"query listAllEnvironmentConsumptionPrincipals($filter: ConsumptionPrincipalFilter, $environmentUri: String!) {
  listAllEnvironmentConsumptionPrincipals(environmentUri: $environmentUri, filter: $filter) {
    count page pages hasNext hasPrevious
    nodes {
      consumptionPrincipalUri consumptionPrincipalName environmentUri groupUri IAMPrincipalArn
      dataallManaged consumptionPrincipalType
    }
  }
}"#;

/// data.all's web UI's `listDatasetTablesFolders`.
const TABLES_FOLDERS: &str = r#"query listDatasetTablesFolders($datasetUri: String!, $filter: DatasetFilter) {
  listDatasetTablesFolders(datasetUri: $datasetUri, filter: $filter) {
    count page pages hasNext hasPrevious
    nodes { name targetType targetUri }
  }
}"#;

/// data.all's web UI's `getGroupsForUser`.
const GROUPS_FOR_USER: &str = r#"query getGroupsForUser($userid: String!) {
  getGroupsForUser(userid: $userid)
}"#;

/// data.all's web UI's `getPivotRolePresignedUrl`.
const PIVOT_ROLE_URL: &str = r#"query getPivotRolePresignedUrl($organizationUri: String!) {
  getPivotRolePresignedUrl(organizationUri: $organizationUri)
}"#;

const ENV_GROUP_PERMISSIONS: &str = "mutation($i: InviteGroupOnEnvironmentInput!) { updateGroupEnvironmentPermissions(input: $i) { environmentUri } }";

/// Records a deploy of the environment's stack that ended in `status`.
async fn deployed(app: &TestApp, token: &str, env: &str, status: &str) {
    let got = app
        .ok(
            token,
            "query($e: String!) { getEnvironment(environmentUri: $e) { stack { stackUri } } }",
            json!({"e": env}),
        )
        .await;
    let stack = got["getEnvironment"]["stack"]["stackUri"].as_str().expect("stack");
    let record = DeployRecord { status: status.into(), ..Default::default() };
    app.core.system("test").record_deploy(stack, record).await.expect("recorded");
}

fn field<'a>(list: &'a Value, name: &str) -> Vec<&'a str> {
    list["nodes"].as_array().expect("nodes").iter().map(|n| n[name].as_str().expect("a string")).collect()
}

async fn valid_environments_are_the_callers_deployed_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { org, env, .. } = two_teams(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    // data.all's pickers ask for every environment at once; Sluice answers a page of at most 100.
    let all = json!({"filter": {"page": 1, "pageSize": 10000}});
    let valid = |token: String, vars: Value| {
        let app = &app;
        async move { app.ok(&token, VALID_ENVIRONMENTS, vars).await["listValidEnvironments"].clone() }
    };

    // The stack has not deployed yet: nothing is valid.
    assert_eq!(valid(alice.clone(), all.clone()).await["count"], 0);
    deployed(&app, &alice, &env, "CREATE_COMPLETE").await;

    // TeamA owns it, TeamB is invited: both pick it. TeamC is in nothing.
    let listed = valid(alice.clone(), all.clone()).await;
    assert_eq!(
        listed,
        json!({"count": 1, "nodes": [{
            "environmentUri": env, "label": "Analytics Prod", "region": "eu-west-1",
            "organization": {"organizationUri": org, "name": "org", "label": "Org"},
            "networks": [],
        }]}),
    );
    assert_eq!(valid(bob.clone(), all.clone()).await, listed);
    assert_eq!(valid(carol.clone(), all.clone()).await, json!({"count": 0, "nodes": []}));
    // Its own teams read its account, as they do through getEnvironment.
    let account = "{ listValidEnvironments { nodes { AwsAccountId SamlGroupName } } }";
    assert_eq!(
        app.ok(&bob, account, json!({})).await["listValidEnvironments"]["nodes"],
        json!([{"AwsAccountId": "111122223333", "SamlGroupName": "TeamA"}])
    );

    // A second environment of TeamA's alone: TeamA picks both once it has deployed, TeamB still
    // one; while a stack changes, its environment is not offered.
    let other =
        app.ok(&alice, CREATE, link_input(&org, "444455556666")).await["createEnvironment"]["environmentUri"]
            .as_str()
            .expect("second environment")
            .to_owned();
    deployed(&app, &alice, &other, "UPDATE_ROLLBACK_COMPLETE").await;
    assert_eq!(valid(alice.clone(), all.clone()).await["count"], 2);
    assert_eq!(field(&valid(bob.clone(), all.clone()).await, "environmentUri"), [env.as_str()]);
    deployed(&app, &alice, &other, "UPDATE_IN_PROGRESS").await;
    assert_eq!(field(&valid(alice.clone(), all.clone()).await, "environmentUri"), [env.as_str()]);
    deployed(&app, &alice, &other, "UPDATE_COMPLETE").await;

    // SamlGroupName keeps the environments a team is in; the term matches the account; pages
    // are counted whole.
    let teams_b = json!({"filter": {"SamlGroupName": "TeamB"}});
    assert_eq!(field(&valid(alice.clone(), teams_b).await, "environmentUri"), [env.as_str()]);
    let by_account = json!({"filter": {"term": "44445555"}});
    assert_eq!(field(&valid(alice.clone(), by_account).await, "environmentUri"), [other.as_str()]);
    let first = valid(alice.clone(), json!({"filter": {"pageSize": 1}})).await;
    assert_eq!((first["count"].clone(), first["nodes"].as_array().map(Vec::len)), (json!(2), Some(1)));
    // Filters Sluice has no answer for are refused, as listEnvironments refuses them.
    let roles = app.gql(Some(&alice), VALID_ENVIRONMENTS, json!({"filter": {"roles": ["Admin"]}})).await;
    assert_eq!(error_code(&roles), Some("BAD_USER_INPUT"), "{roles}");
}

async fn environment_teams_list_all_or_the_invited_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    let vars = |filter: Value| json!({"environmentUri": env, "filter": filter});

    // Every team of the environment lists them all, the owning team first by name.
    for token in [&alice, &bob] {
        let all = app.ok(token, ALL_GROUPS, vars(json!({}))).await["listAllEnvironmentGroups"].clone();
        assert_eq!((&all["count"], &all["hasNext"]), (&json!(2), &json!(false)));
        assert_eq!(field(&all, "groupUri"), ["TeamA", "TeamB"]);
        assert_eq!(all["nodes"][1]["invitedBy"], "alice");
        assert_eq!(all["nodes"][1]["environmentIAMRoleName"], format!("dl-teamb-{env}"));
        let names: Vec<&str> = all["nodes"][1]["environmentPermissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .map(|p| p["name"].as_str().expect("name"))
            .collect();
        assert!(names.contains(&"CREATE_SHARE_OBJECT"), "{names:?}");
        // listEnvironmentGroups lists the same teams in Sluice.
        let same = "query($e: String!) { listEnvironmentGroups(environmentUri: $e) { nodes { groupUri } } }";
        assert_eq!(
            field(&app.ok(token, same, json!({"e": env})).await["listEnvironmentGroups"], "groupUri"),
            ["TeamA", "TeamB"]
        );

        // The invited teams leave out the owning team.
        let invited =
            app.ok(token, INVITED_GROUPS, vars(json!({}))).await["listEnvironmentInvitedGroups"].clone();
        assert_eq!(invited, json!({"count": 1, "nodes": [{"groupUri": "TeamB", "name": "TeamB"}]}));
    }

    // The term matches team names, whatever their case.
    let teamb = app.ok(&alice, ALL_GROUPS, vars(json!({"term": "teamb"}))).await;
    assert_eq!(field(&teamb["listAllEnvironmentGroups"], "groupUri"), ["TeamB"]);
    let none = app.ok(&alice, INVITED_GROUPS, vars(json!({"term": "teama"}))).await;
    assert_eq!(none["listEnvironmentInvitedGroups"]["count"], 0);

    // Outside the environment's teams, both are refused; platform admins too.
    let dave = app.token("dave", &["DAAdministrators"]);
    for (token, doc) in [(&carol, ALL_GROUPS), (&carol, INVITED_GROUPS), (&dave, ALL_GROUPS)] {
        let refused = app.gql(Some(token), doc, vars(json!({}))).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        assert!(
            refused["errors"][0]["message"].as_str().unwrap_or_default().contains("LIST_ENVIRONMENT_GROUPS"),
            "{refused}"
        );
    }
}

async fn every_consumption_principal_is_listed_to_who_may_list_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, .. } = two_teams(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    let add = "mutation($i: AddConsumptionPrincipalToEnvironmentInput!) { addConsumptionPrincipalToEnvironment(input: $i) { consumptionPrincipalUri } }";
    let role = |name: &str, team: &str| {
        json!({"i": {"consumptionPrincipalName": name, "groupUri": team, "environmentUri": env,
            "IAMPrincipalArn": format!("arn:aws:iam::111122223333:role/{name}"), "dataallManaged": "EXTERNALLY_MANAGED"}})
    };
    app.ok(&alice, add, role("etl", "TeamA")).await;
    let vars = |filter: Value| json!({"environmentUri": env, "filter": filter});

    // TeamB was invited without LIST_ENVIRONMENT_CONSUMPTION_ROLES.
    let refused = app.gql(Some(&bob), ALL_PRINCIPALS, vars(json!({}))).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("LIST_ENVIRONMENT_CONSUMPTION_ROLES"),
        "{refused}"
    );
    let given = json!({"i": {"environmentUri": env, "groupUri": "TeamB", "permissions":
        ["CREATE_SHARE_OBJECT", "ADD_ENVIRONMENT_CONSUMPTION_ROLES", "LIST_ENVIRONMENT_CONSUMPTION_ROLES"]}});
    app.ok(&alice, ENV_GROUP_PERMISSIONS, given).await;
    app.ok(&bob, add, role("bi", "TeamB")).await;

    // Both teams now list every principal of the environment, TeamA's and TeamB's alike.
    for token in [&alice, &bob] {
        let all =
            app.ok(token, ALL_PRINCIPALS, vars(json!({}))).await["listAllEnvironmentConsumptionPrincipals"]
                .clone();
        assert_eq!(all["count"], 2);
        assert_eq!(field(&all, "groupUri"), ["TeamB", "TeamA"], "by name: bi, etl");
        assert_eq!(all["nodes"][1]["IAMPrincipalArn"], "arn:aws:iam::111122223333:role/etl");
        assert_eq!(all["nodes"][1]["dataallManaged"], "EXTERNALLY_MANAGED");
        assert_eq!(all["nodes"][1]["consumptionPrincipalType"], "ROLE");
        assert_eq!(all["nodes"][1]["environmentUri"], json!(env));
    }
    let teama = app.ok(&bob, ALL_PRINCIPALS, vars(json!({"groupUri": "TeamA"}))).await;
    assert_eq!(field(&teama["listAllEnvironmentConsumptionPrincipals"], "consumptionPrincipalName"), ["etl"]);
    let term = app.ok(&bob, ALL_PRINCIPALS, vars(json!({"term": "ET"}))).await;
    assert_eq!(field(&term["listAllEnvironmentConsumptionPrincipals"], "consumptionPrincipalName"), ["etl"]);

    let refused = app.gql(Some(&carol), ALL_PRINCIPALS, vars(json!({}))).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}

/// A folder of the dataset with the prefix `prefix`, made by its admin team.
async fn folder(app: &TestApp, dataset: &str, prefix: &str) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let new = sluice_core::datasets::NewFolder {
        label: prefix.to_uppercase(),
        prefix: prefix.into(),
        ..Default::default()
    };
    app.core.datasets().create_folder(&alice, dataset, new).await.expect("folder").location_uri
}

async fn a_datasets_tables_and_folders_page_as_one_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { dataset, table, .. } = two_teams(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    let raw = folder(&app, &dataset, "raw").await;
    let archive = folder(&app, &dataset, "archive").await;
    let orders = folder(&app, &dataset, "orders").await;
    let vars = |filter: Value| json!({"datasetUri": dataset, "filter": filter});

    // By name, the table before a folder of the same name; everyone may list them, as everyone
    // may find the dataset's tables and folders in the catalog.
    let expected = json!([
        {"name": "archive", "targetType": "Folder", "targetUri": archive},
        {"name": "orders", "targetType": "Table", "targetUri": table},
        {"name": "orders", "targetType": "Folder", "targetUri": orders},
        {"name": "raw", "targetType": "Folder", "targetUri": raw},
    ]);
    for token in [&alice, &bob, &carol] {
        let all = app.ok(token, TABLES_FOLDERS, vars(json!({}))).await["listDatasetTablesFolders"].clone();
        assert_eq!((&all["count"], &all["pages"], &all["nodes"]), (&json!(4), &json!(1), &expected));
    }

    // Tables and folders page together.
    let second =
        app.ok(&bob, TABLES_FOLDERS, vars(json!({"page": 2, "pageSize": 3}))).await["listDatasetTablesFolders"].clone();
    assert_eq!(
        second,
        json!({"count": 4, "page": 2, "pages": 2, "hasNext": false, "hasPrevious": true, "nodes": [expected[3]]})
    );
    let past = app.ok(&bob, TABLES_FOLDERS, vars(json!({"page": 3, "pageSize": 3}))).await;
    assert_eq!(
        (&past["listDatasetTablesFolders"]["count"], &past["listDatasetTablesFolders"]["nodes"]),
        (&json!(4), &json!([]))
    );
    // The term matches names; the filter's dataset-only fields change nothing.
    let ord = app.ok(&carol, TABLES_FOLDERS, vars(json!({"term": "ORD", "roles": ["Admin"]}))).await;
    assert_eq!(ord["listDatasetTablesFolders"]["nodes"], json!([expected[1], expected[2]]));

    let missing = app.gql(Some(&alice), TABLES_FOLDERS, json!({"datasetUri": "nosuchds"})).await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
}

/// Where the catalog is restricted, only the dataset's teams (and teams it shares with) find
/// its tables and folders.
async fn a_restricted_catalog_hides_a_datasets_tables_and_folders(backend: Backend) {
    let options = Options { catalog_visibility: CatalogVisibility::Restricted, ..Default::default() };
    let app = TestApp::spawn_with(backend, options).await;
    let world = two_teams(&app).await;
    let (alice, bob) = (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]));
    let vars = json!({"datasetUri": world.dataset});

    let own = app.ok(&alice, TABLES_FOLDERS, vars.clone()).await;
    assert_eq!(own["listDatasetTablesFolders"]["count"], 1);
    let hidden = app.gql(Some(&bob), TABLES_FOLDERS, vars.clone()).await;
    assert_eq!(error_code(&hidden), Some("FORBIDDEN"), "{hidden}");
    let unknown = app.gql(Some(&bob), TABLES_FOLDERS, json!({"datasetUri": "nosuchds"})).await;
    assert_eq!(error_code(&unknown), Some("FORBIDDEN"), "a missing dataset looks hidden: {unknown}");

    // Once something of it is shared with TeamB (requested while the catalog was open), TeamB
    // finds it.
    let open = app.core.clone().with_search(app.search.clone(), CatalogVisibility::Open);
    world.share_with_team_b(&app, &open, &world.env).await;
    let shared = app.ok(&bob, TABLES_FOLDERS, vars).await;
    assert_eq!(field(&shared["listDatasetTablesFolders"], "name"), ["orders"]);
}

async fn a_user_learns_their_own_teams_and_no_one_elses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA", "Analysts"]);
    let bob = app.token("bob", &["TeamB"]);
    let dave = app.token("dave", &["DAAdministrators"]);

    let mine = app.ok(&alice, GROUPS_FOR_USER, json!({"userid": "alice"})).await;
    assert_eq!(mine["getGroupsForUser"], json!(["Analysts", "TeamA"]));
    let mine = app.ok(&bob, GROUPS_FOR_USER, json!({"userid": "bob"})).await;
    assert_eq!(mine["getGroupsForUser"], json!(["TeamB"]));

    // Sluice knows alice's teams only from alice's own sign-in: nobody else may ask, not even
    // a platform admin, and the refusal says why.
    for token in [&bob, &dave] {
        let refused = app.gql(Some(token), GROUPS_FOR_USER, json!({"userid": "alice"})).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
        let reason = refused["errors"][0]["extensions"]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("only from that user's own sign-in"), "{refused}");
        assert_eq!(refused["data"], Value::Null, "{refused}");
    }
    let anonymous = app.gql(None, GROUPS_FOR_USER, json!({"userid": "alice"})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"), "{anonymous}");
}

async fn the_pivot_role_link_downloads_the_organizations_template(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { org, .. } = two_teams(&app).await;
    let (alice, bob, carol) =
        (app.token("alice", &["TeamA"]), app.token("bob", &["TeamB"]), app.token("carol", &["TeamC"]));
    let vars = json!({"organizationUri": org});
    let template = "query($o: String!) { getPivotRoleTemplate(organizationUri: $o) }";
    let expected = app.ok(&alice, template, json!({"o": org})).await["getPivotRoleTemplate"]
        .as_str()
        .expect("template")
        .to_owned();

    // A data: URL of the same template, which needs no other secret to download.
    let url = app.ok(&alice, PIVOT_ROLE_URL, vars.clone()).await["getPivotRolePresignedUrl"]
        .as_str()
        .expect("url")
        .to_owned();
    let encoded = url.strip_prefix("data:application/json;base64,").expect("a data URL of JSON");
    let decoded = String::from_utf8(STANDARD.decode(encoded).expect("base64")).expect("UTF-8");
    assert_eq!(decoded, expected);
    let parsed: Value = serde_json::from_str(&decoded).expect("JSON");
    assert!(parsed["Resources"].is_object(), "a CloudFormation template: {parsed}");

    // As getPivotRoleTemplate: LINK_ENVIRONMENT on the organization. TeamB was invited to it
    // with the default permissions, which include LINK_ENVIRONMENT; without it, it is refused.
    let refused = app.gql(Some(&carol), PIVOT_ROLE_URL, vars.clone()).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let bobs = app.ok(&bob, PIVOT_ROLE_URL, vars.clone()).await;
    assert_eq!(bobs["getPivotRolePresignedUrl"], json!(url));
    let narrow = "mutation($o: String!) { updateOrganizationGroup(input: {organizationUri: $o, groupUri: \"TeamB\", permissions: [\"GET_ORGANIZATION\"]}) { organizationUri } }";
    app.ok(&alice, narrow, json!({"o": org})).await;
    let refused = app.gql(Some(&bob), PIVOT_ROLE_URL, vars).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}

on_both_backends!(
    valid_environments_are_the_callers_deployed_ones,
    environment_teams_list_all_or_the_invited_ones,
    every_consumption_principal_is_listed_to_who_may_list_them,
    a_datasets_tables_and_folders_page_as_one_list,
    a_restricted_catalog_hides_a_datasets_tables_and_folders,
    a_user_learns_their_own_teams_and_no_one_elses,
    the_pivot_role_link_downloads_the_organizations_template,
);
