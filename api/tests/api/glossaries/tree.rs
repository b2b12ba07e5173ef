//! The tree: who may change it, what it refuses, and how it reads.

use serde_json::json;

use super::{CREATE_CATEGORY, CREATE_TERM, category, glossary, term};
use crate::support::{Backend, TestApp, error_code, on_both_backends};

const GET: &str = r#"query($u: String!) { getGlossary(nodeUri: $u) {
  nodeUri label admin userRoleForGlossary stats { categories terms associations }
  children { count nodes { __typename ... on Category { nodeUri label } ... on Term { nodeUri label } } }
  categories { count nodes { label terms { count nodes { label } } } }
  tree { count nodes { __typename ... on Category { label path } ... on Term { label path } } }
} }"#;
const SEARCH: &str = r#"query($f: GlossaryNodeSearchFilter) { searchGlossary(filter: $f) {
  count nodes { __typename ... on Term { nodeUri label isMatch glossary { label } } ... on Category { label } ... on Glossary { label } }
} }"#;
const UPDATE_TERM: &str =
    "mutation($u: String!, $i: UpdateTermInput) { updateTerm(nodeUri: $u, input: $i) { label readme } }";
const DELETE_CATEGORY: &str =
    "mutation($u: String!, $c: Boolean) { deleteCategory(nodeUri: $u, cascade: $c) }";
const DELETE_GLOSSARY: &str =
    "mutation($u: String!, $c: Boolean) { deleteGlossary(nodeUri: $u, cascade: $c) }";

async fn the_owner_team_builds_the_tree_and_everyone_reads_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let g = glossary(&app, &alice, "Business terms", "TeamA").await;
    let customers = category(&app, &alice, &g, "Customers").await;
    let churn = term(&app, &alice, &customers, "Customer churn", "Customers who stopped buying").await;
    term(&app, &alice, &g, "Revenue", "Money in").await;

    let read = app.ok(&bob, GET, json!({"u": g})).await["getGlossary"].clone();
    assert_eq!(read["admin"], "TeamA");
    assert_eq!(read["userRoleForGlossary"], "NoPermission", "bob reads but does not own it");
    assert_eq!(read["stats"], json!({"categories": 1, "terms": 2, "associations": 0}));
    assert_eq!(read["children"]["count"], 2);
    assert_eq!(read["categories"]["nodes"][0]["terms"]["nodes"][0]["label"], "Customer churn");
    let tree: Vec<(String, String)> = read["tree"]["nodes"]
        .as_array()
        .expect("tree")
        .iter()
        .map(|n| {
            (
                n["__typename"].as_str().unwrap_or_default().to_owned(),
                n["label"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(tree.len(), 3, "{tree:?}");
    let position = |label: &str| tree.iter().position(|(_, l)| l == label).expect(label);
    assert!(position("Customers") < position("Customer churn"), "parents come before children: {tree:?}");
    assert_eq!(app.ok(&alice, GET, json!({"u": g})).await["getGlossary"]["userRoleForGlossary"], "Admin");

    let found = app.ok(&bob, SEARCH, json!({"f": {"term": "stopped buying", "nodeType": "T"}})).await;
    let nodes = &found["searchGlossary"]["nodes"];
    assert_eq!(found["searchGlossary"]["count"], 1, "{found}");
    assert_eq!(
        (nodes[0]["nodeUri"].as_str(), nodes[0]["isMatch"].as_bool()),
        (Some(churn.as_str()), Some(true))
    );
    assert_eq!(nodes[0]["glossary"]["label"], "Business terms");
    let listed = app.ok(&bob, "{ listGlossaries { count nodes { label } } }", json!({})).await;
    assert_eq!(listed["listGlossaries"]["count"], 1);

    // Another team may read but not change it; the refusal is recorded.
    let refused = app.gql(Some(&bob), UPDATE_TERM, json!({"u": churn, "i": {"label": "Attrition"}})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("owner team"), "the refusal says who may: {message}");
    let refused = app.gql(Some(&bob), CREATE_TERM, json!({"p": g, "i": {"label": "X", "readme": ""}})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    let renamed = app.ok(&alice, UPDATE_TERM, json!({"u": churn, "i": {"readme": "Lost customers"}})).await;
    assert_eq!(renamed["updateTerm"], json!({"label": "Customer churn", "readme": "Lost customers"}));
}

async fn the_tree_refuses_what_would_confuse_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let g = glossary(&app, &alice, "Business terms", "TeamA").await;
    let customers = category(&app, &alice, &g, "Customers").await;
    let churn = term(&app, &alice, &customers, "Customer churn", "").await;

    let twin = app
        .gql(Some(&alice), CREATE_CATEGORY, json!({"p": g, "i": {"label": "customers", "readme": ""}}))
        .await;
    assert_eq!(error_code(&twin), Some("CONFLICT"), "siblings have distinct labels: {twin}");
    let under_term =
        app.gql(Some(&alice), CREATE_TERM, json!({"p": churn, "i": {"label": "Sub", "readme": ""}})).await;
    assert_eq!(error_code(&under_term), Some("BAD_USER_INPUT"), "{under_term}");
    assert_eq!(under_term["errors"][0]["extensions"]["field"], "parentUri");
    let blank = app.gql(Some(&alice), CREATE_TERM, json!({"p": g, "i": {"label": "  ", "readme": ""}})).await;
    assert_eq!(blank["errors"][0]["extensions"]["field"], "label", "{blank}");
    let foreign = app
        .gql(
            Some(&alice),
            super::CREATE_GLOSSARY,
            json!({"i": {"label": "Theirs", "readme": "", "admin": "TeamB"}}),
        )
        .await;
    assert_eq!(
        error_code(&foreign),
        Some("BAD_USER_INPUT"),
        "a glossary goes to one of your teams: {foreign}"
    );
    let wrong_kind = app.gql(Some(&alice), DELETE_CATEGORY, json!({"u": churn})).await;
    assert_eq!(
        error_code(&wrong_kind),
        Some("BAD_USER_INPUT"),
        "a term is not deleted as a category: {wrong_kind}"
    );

    let held = app.gql(Some(&alice), DELETE_CATEGORY, json!({"u": customers})).await;
    assert_eq!(error_code(&held), Some("INVALID_STATE"), "{held}");
    let message = held["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("1 category or term") && message.contains("cascade"), "{message}");
    assert_eq!(
        app.ok(&alice, DELETE_CATEGORY, json!({"u": customers, "c": true})).await["deleteCategory"],
        2
    );
    let left = app
        .ok(
            &alice,
            "query($u: String!) { getGlossary(nodeUri: $u) { stats { categories terms } } }",
            json!({"u": g}),
        )
        .await;
    assert_eq!(left["getGlossary"]["stats"], json!({"categories": 0, "terms": 0}));
    assert_eq!(app.ok(&alice, DELETE_GLOSSARY, json!({"u": g})).await["deleteGlossary"], 1);
    let gone = app
        .gql(Some(&alice), "query($u: String!) { getGlossary(nodeUri: $u) { label } }", json!({"u": g}))
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
}

async fn creating_glossaries_is_a_tenant_permission(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let admin = app.token("dave", &[crate::support::ADMIN_GROUP]);
    app.ok(&alice, "{ listOrganizations { count } }", json!({})).await;
    let narrow = "mutation { updateGroupTenantPermissions(input: {groupUri: \"TeamA\", permissions: [\"MANAGE_DATASETS\"]}) }";
    app.ok(&admin, narrow, json!({})).await;
    let refused = app
        .gql(
            Some(&alice),
            super::CREATE_GLOSSARY,
            json!({"i": {"label": "G", "readme": "", "admin": "TeamA"}}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(
        refused["errors"][0]["message"].as_str().unwrap_or_default().contains("MANAGE_GLOSSARIES"),
        "{refused}"
    );
}

on_both_backends!(
    the_owner_team_builds_the_tree_and_everyone_reads_it,
    the_tree_refuses_what_would_confuse_it,
    creating_glossaries_is_a_tenant_permission
);
