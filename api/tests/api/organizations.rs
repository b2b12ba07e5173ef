//! Organizations end to end over HTTP, on Postgres and on SQLite.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sluice_entities::activity;

use crate::support::{Backend, TestApp, error_code, on_both_backends};

pub const CREATE: &str = r#"mutation($input: NewOrganizationInput) {
  createOrganization(input: $input) { organizationUri label name SamlGroupName owner tags userRoleInOrganization archived }
}"#;
const GET: &str = r#"query($uri: String!) {
  getOrganization(organizationUri: $uri) { organizationUri label userRoleInOrganization stats { groups environments users } }
}"#;
const LIST: &str = r#"query($filter: OrganizationFilter) {
  listOrganizations(filter: $filter) { count page pages pageSize hasNext hasPrevious nodes { organizationUri label userRoleInOrganization stats { groups } } }
}"#;
const INVITE: &str = r#"mutation($input: InviteGroupToOrganizationInput!) {
  inviteGroupToOrganization(input: $input) { organizationUri }
}"#;
const REMOVE: &str = r#"mutation($uri: String!, $group: String!) {
  removeGroupFromOrganization(organizationUri: $uri, groupUri: $group) { organizationUri }
}"#;

pub async fn create_org(app: &TestApp, token: &str, label: &str, team: &str) -> String {
    let data = app.ok(token, CREATE, json!({"input": {"label": label, "SamlGroupName": team}})).await;
    data["createOrganization"]["organizationUri"].as_str().expect("uri").to_owned()
}

/// Invites `teams` to `org`: an environment's teams must be teams of its organization.
pub async fn invite_to_org(app: &TestApp, token: &str, org: &str, teams: &[&str]) {
    let invite = "mutation($o: String!, $g: String!) { inviteGroupToOrganization(input: {organizationUri: $o, groupUri: $g}) { organizationUri } }";
    for team in teams {
        app.ok(token, invite, json!({"o": org, "g": team})).await;
    }
}

fn uris(list: &Value) -> Vec<String> {
    list["listOrganizations"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["organizationUri"].as_str().expect("uri").to_owned())
        .collect()
}

async fn an_invited_team_sees_the_organization_and_outsiders_do_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);

    let created = app
        .ok(&alice, CREATE, json!({"input": {"label": "Finance & Risk", "SamlGroupName": "TeamA", "tags": ["eu", "eu", " pii"]}}))
        .await;
    let org = &created["createOrganization"];
    let uri = org["organizationUri"].as_str().expect("uri").to_owned();
    assert_eq!(org["name"], "finance-risk");
    assert_eq!(org["owner"], "alice");
    assert_eq!(org["tags"], json!(["eu", "pii"]));
    assert_eq!(org["userRoleInOrganization"], "Owner");

    assert_eq!(uris(&app.ok(&alice, LIST, json!({})).await), vec![uri.clone()]);
    assert!(uris(&app.ok(&bob, LIST, json!({})).await).is_empty());
    assert_eq!(error_code(&app.gql(Some(&bob), GET, json!({"uri": uri})).await), Some("FORBIDDEN"));

    app.ok(&alice, INVITE, json!({"input": {"organizationUri": uri, "groupUri": "TeamB"}})).await;
    let seen = app.ok(&bob, GET, json!({"uri": uri})).await;
    assert_eq!(seen["getOrganization"]["userRoleInOrganization"], "Invited");
    assert_eq!(seen["getOrganization"]["stats"]["groups"], 2);
    assert_eq!(uris(&app.ok(&bob, LIST, json!({})).await), vec![uri.clone()]);

    assert!(uris(&app.ok(&carol, LIST, json!({})).await).is_empty());
    assert_eq!(error_code(&app.gql(Some(&carol), GET, json!({"uri": uri})).await), Some("FORBIDDEN"));
    assert_eq!(error_code(&app.gql(None, LIST, json!({})).await), Some("UNAUTHENTICATED"));

    // Bob was invited with the default permissions, which do not include inviting others.
    let denied =
        app.gql(Some(&bob), INVITE, json!({"input": {"organizationUri": uri, "groupUri": "TeamC"}})).await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"));

    app.ok(&alice, REMOVE, json!({"uri": uri, "group": "TeamB"})).await;
    assert_eq!(error_code(&app.gql(Some(&bob), GET, json!({"uri": uri})).await), Some("FORBIDDEN"));
    assert!(uris(&app.ok(&bob, LIST, json!({})).await).is_empty());
}

async fn every_mutation_and_every_refusal_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let uri = create_org(&app, &alice, "Audited", "TeamA").await;
    app.gql(Some(&carol), INVITE, json!({"input": {"organizationUri": uri, "groupUri": "TeamC"}})).await;

    let rows = activity::Entity::find()
        .filter(activity::Column::TargetUri.eq(&uri))
        .all(&app.db)
        .await
        .expect("rows");
    let mut seen: Vec<(String, String, String)> =
        rows.into_iter().map(|r| (r.action, r.actor, r.outcome)).collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("createOrganization".into(), "alice".into(), "success".into()),
            ("inviteGroupToOrganization".into(), "carol".into(), "denied".into()),
        ]
    );
}

async fn bad_input_is_refused_with_the_field_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let body =
        app.gql(Some(&alice), CREATE, json!({"input": {"label": "  ", "SamlGroupName": "TeamA"}})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(body["errors"][0]["extensions"]["field"], "label");

    let body =
        app.gql(Some(&alice), CREATE, json!({"input": {"label": "X", "SamlGroupName": "TeamZ"}})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(body["errors"][0]["message"].as_str().expect("message").contains("not a member of TeamZ"));
    assert_eq!(app.ok(&alice, LIST, json!({})).await["listOrganizations"]["count"], 0);

    let body = app.gql(Some(&alice), LIST, json!({"filter": {"page": 0}})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
}

async fn lists_filter_sort_page_and_hide_archived(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    for label in ["Charlie", "alpha", "Bravo 50%"] {
        create_org(&app, &alice, label, "TeamA").await;
    }
    let page = app
        .ok(
            &alice,
            LIST,
            json!({"filter": {"pageSize": 2, "sort": [{"field": "label", "direction": "desc"}]}}),
        )
        .await;
    let list = &page["listOrganizations"];
    assert_eq!(
        (list["count"].clone(), list["pages"].clone(), list["hasNext"].clone()),
        (json!(3), json!(2), json!(true))
    );
    let labels: Vec<&str> = list["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels, vec!["alpha", "Charlie"]);

    let found = app.ok(&alice, LIST, json!({"filter": {"term": "50%"}})).await;
    assert_eq!(found["listOrganizations"]["count"], 1);
    let found = app.ok(&alice, LIST, json!({"filter": {"term": "ALPHA"}})).await;
    assert_eq!(found["listOrganizations"]["count"], 1);

    let capped = app.ok(&alice, LIST, json!({"filter": {"pageSize": 100000}})).await;
    assert_eq!(capped["listOrganizations"]["pageSize"], 100);

    let alpha = uris(&found)[0].clone();
    let archived = app
        .ok(
            &alice,
            "mutation($uri: String!) { archiveOrganization(organizationUri: $uri) }",
            json!({"uri": alpha}),
        )
        .await;
    assert_eq!(archived["archiveOrganization"], true);
    assert_eq!(app.ok(&alice, LIST, json!({})).await["listOrganizations"]["count"], 2);
    assert_eq!(
        app.ok(&alice, LIST, json!({"filter": {"displayArchived": true}})).await["listOrganizations"]["count"],
        3
    );
    let frozen = app
        .gql(
            Some(&alice),
            "mutation($uri: String!) { updateOrganization(organizationUri: $uri, input: {label: \"x\"}) { label } }",
            json!({"uri": alpha}),
        )
        .await;
    assert_eq!(error_code(&frozen), Some("INVALID_STATE"));
}

async fn tags_and_roles_filter_lists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    app.ok(
        &alice,
        CREATE,
        json!({"input": {"label": "Tagged", "SamlGroupName": "TeamA", "tags": ["gold", "eu"]}}),
    )
    .await;
    create_org(&app, &alice, "Plain", "TeamA").await;
    let theirs = create_org(&app, &bob, "Bobs", "TeamB").await;
    app.ok(&bob, INVITE, json!({"input": {"organizationUri": theirs, "groupUri": "TeamA"}})).await;

    let gold = app.ok(&alice, LIST, json!({"filter": {"tags": ["gold"]}})).await;
    assert_eq!(gold["listOrganizations"]["count"], 1);
    let none = app.ok(&alice, LIST, json!({"filter": {"tags": ["gol"]}})).await;
    assert_eq!(none["listOrganizations"]["count"], 0);
    let invited = app.ok(&alice, LIST, json!({"filter": {"roles": ["Invited"]}})).await;
    assert_eq!(uris(&invited), vec![theirs]);
    let owned = app.ok(&alice, LIST, json!({"filter": {"roles": ["Owner"]}})).await;
    assert_eq!(owned["listOrganizations"]["count"], 2);
}

async fn the_admin_team_can_be_handed_over_but_not_removed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA", "TeamB"]);
    let bob = app.token("bob", &["TeamB"]);
    let uri = create_org(&app, &alice, "Handover", "TeamA").await;

    let body = app.gql(Some(&alice), REMOVE, json!({"uri": uri, "group": "TeamA"})).await;
    assert_eq!(error_code(&body), Some("INVALID_STATE"));

    let updated = app
        .ok(
            &alice,
            "mutation($uri: String!) { updateOrganization(organizationUri: $uri, input: {SamlGroupName: \"TeamB\", description: \"d\"}) { SamlGroupName description } }",
            json!({"uri": uri}),
        )
        .await;
    assert_eq!(updated["updateOrganization"]["SamlGroupName"], "TeamB");
    // The new admin team can now manage the organization; the old one keeps read access only.
    app.ok(
        &bob,
        INVITE,
        json!({"input": {"organizationUri": uri, "groupUri": "TeamC", "permissions": ["LINK_ENVIRONMENT"]}}),
    )
    .await;
    let perms = app
        .ok(
            &bob,
            "query($uri: String!) { listOrganizationGroupPermissions(organizationUri: $uri, groupUri: \"TeamA\") { name } }",
            json!({"uri": uri}),
        )
        .await;
    assert_eq!(perms["listOrganizationGroupPermissions"], json!([{"name": "GET_ORGANIZATION"}]));
    let groups = app
        .ok(&bob, "query($uri: String!) { listOrganizationGroups(organizationUri: $uri) { count nodes { groupUri } } }", json!({"uri": uri}))
        .await;
    assert_eq!(groups["listOrganizationGroups"]["count"], 3);
}

async fn inviting_a_team_twice_is_a_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let uri = create_org(&app, &alice, "Twice", "TeamA").await;
    let input = json!({"input": {"organizationUri": uri, "groupUri": "TeamB"}});
    app.ok(&alice, INVITE, input.clone()).await;
    assert_eq!(error_code(&app.gql(Some(&alice), INVITE, input).await), Some("CONFLICT"));
    let bad = app.gql(Some(&alice), INVITE, json!({"input": {"organizationUri": uri, "groupUri": "TeamC", "permissions": ["DELETE_ORGANIZATION"]}})).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
}

on_both_backends!(
    an_invited_team_sees_the_organization_and_outsiders_do_not,
    every_mutation_and_every_refusal_is_audited,
    bad_input_is_refused_with_the_field_and_nothing_is_written,
    lists_filter_sort_page_and_hide_archived,
    tags_and_roles_filter_lists,
    the_admin_team_can_be_handed_over_but_not_removed,
    inviting_a_team_twice_is_a_conflict,
);
