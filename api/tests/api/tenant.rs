//! Tenant permissions: defaults for new groups, and what admins can narrow.

use serde_json::json;

use crate::support::{Backend, TestApp, error_code, on_both_backends};

const LIST_GROUPS: &str = "query($term: String) { listTenantGroups(filter: {term: $term}) { count nodes { groupUri tenantPermissions { name } } } }";
const UPDATE: &str = "mutation($group: String!, $perms: [String]) { updateGroupTenantPermissions(input: {groupUri: $group, permissions: $perms}) }";
const CREATE: &str =
    "mutation { createOrganization(input: {label: \"x\", SamlGroupName: \"TeamA\"}) { organizationUri } }";

async fn a_new_group_gets_every_tenant_permission_until_an_admin_narrows_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("root", &["DAAdministrators"]);
    let alice = app.token("alice", &["TeamA"]);
    app.ok(&alice, CREATE, json!({})).await;

    let groups = app.ok(&admin, LIST_GROUPS, json!({"term": "teama"})).await;
    assert_eq!(groups["listTenantGroups"]["count"], 1);
    let perms: Vec<&str> = groups["listTenantGroups"]["nodes"][0]["tenantPermissions"]
        .as_array()
        .expect("perms")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        perms,
        vec![
            "MANAGE_DATASETS",
            "MANAGE_ENVIRONMENTS",
            "MANAGE_GLOSSARIES",
            "MANAGE_ORGANIZATIONS",
            "MANAGE_SHARES"
        ]
    );

    app.ok(&admin, UPDATE, json!({"group": "TeamA", "perms": ["MANAGE_DATASETS"]})).await;
    assert_eq!(error_code(&app.gql(Some(&alice), CREATE, json!({})).await), Some("FORBIDDEN"));

    // Signing in again must not restore what the admin took away.
    let again = app.token("alice", &["TeamA"]);
    assert_eq!(error_code(&app.gql(Some(&again), CREATE, json!({})).await), Some("FORBIDDEN"));

    app.ok(&admin, UPDATE, json!({"group": "TeamA", "perms": ["MANAGE_ORGANIZATIONS"]})).await;
    app.ok(&alice, CREATE, json!({})).await;
}

async fn admins_may_set_permissions_of_groups_not_seen_yet_and_only_tenant_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("root", &["DAAdministrators"]);
    app.ok(&admin, UPDATE, json!({"group": "Future", "perms": []})).await;
    let future = app.token("fred", &["Future"]);
    assert_eq!(
        error_code(
            &app.gql(
                Some(&future),
                "mutation { createOrganization(input: {label: \"x\", SamlGroupName: \"Future\"}) { label } }",
                json!({})
            )
            .await
        ),
        Some("FORBIDDEN")
    );
    let bad = app.gql(Some(&admin), UPDATE, json!({"group": "Future", "perms": ["GET_ORGANIZATION"]})).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    assert!(bad["errors"][0]["message"].as_str().expect("message").contains("MANAGE_ORGANIZATIONS"));
}

on_both_backends!(
    a_new_group_gets_every_tenant_permission_until_an_admin_narrows_them,
    admins_may_set_permissions_of_groups_not_seen_yet_and_only_tenant_ones,
);
