//! The HTTP surface: paths, probes, limits and the checked-in schema.

use serde_json::json;
use sluice_api::graphql::Limits;

use crate::support::{Backend, Options, TestApp, error_code};

#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).expect("api/schema.graphql exists");
    assert!(
        on_disk == sluice_api::graphql::sdl(),
        "api/schema.graphql is stale: run `make schema` and commit the result"
    );
}

#[tokio::test]
async fn probes_answer_and_both_graphql_paths_serve_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(app.get("/healthz").await, (200, "ok".to_owned()));
    assert_eq!(app.get("/readyz").await, (200, "ready".to_owned()));
    let token = app.token("alice", &["TeamA"]);
    for path in ["/graphql", "/graphql/api"] {
        let (status, body) =
            app.post(path, Some(&token), &json!({"query": "{ listOrganizations { count } }"})).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["listOrganizations"]["count"], 0, "{path}: {body}");
    }
    let (status, jwks) = app.get("/.well-known/jwks.json").await;
    assert_eq!(status, 200);
    assert!(jwks.contains("\"RS256\""), "{jwks}");
}

#[tokio::test]
async fn probes_fail_when_the_database_is_gone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.db.clone().close().await.expect("close pool");
    assert_eq!(app.get("/healthz").await.0, 503);
    assert_eq!(app.get("/readyz").await.0, 503);
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_need_post() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let get = |query: &'static str| {
        reqwest::Client::new()
            .get(format!("{}/graphql?query={query}", app.base_url))
            .bearer_auth(&token)
            .send()
    };
    let typename = get("%7B__typename%7D").await.expect("request");
    assert_eq!(typename.status(), 200);
    let mutation =
        get("mutation%7BarchiveOrganization(organizationUri%3A%22x%22)%7D").await.expect("request");
    assert_eq!(mutation.status(), 405);
    // GraphiQL comes with the web UI's build, which this app has none of: the page says so, and
    // loads nothing from anywhere (web.rs has the built page).
    let (status, page) = app.get("/graphql").await;
    assert_eq!(status, 404);
    assert!(page.contains("GraphiQL is not built") && page.contains("npm run build"), "{page}");
    assert!(!page.contains("<script") && !page.contains("https://"), "{page}");
}

#[tokio::test]
async fn data_all_clients_may_send_the_token_without_a_scheme() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let resp = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .header("Authorization", token)
        .json(&json!({"query": "{ listOrganizations { count } }"}))
        .send()
        .await
        .expect("request");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["data"]["listOrganizations"]["count"], 0, "{body}");
}

#[tokio::test]
async fn oversized_bodies_deep_queries_and_costly_queries_are_refused() {
    let limits = Limits { max_depth: 3, max_complexity: 50, introspection: false, ..Limits::default() };
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options { limits: Some(limits), max_body_bytes: Some(4096), ..Default::default() },
    )
    .await;
    let token = app.token("alice", &["TeamA"]);

    let huge = "x".repeat(8192);
    let (status, _) = app
        .post("/graphql", Some(&token), &json!({"query": "{ __typename }", "variables": {"pad": huge}}))
        .await;
    assert_eq!(status, 413);

    let deep = app.gql(Some(&token), "{ listOrganizations { nodes { stats { groups } } } }", json!({})).await;
    assert!(deep["errors"][0]["message"].to_string().contains("nested too deep"), "{deep}");

    let costly = "{ ".to_owned()
        + &(0..60).map(|i| format!("a{i}: listTenantPermissions {{ name }} ")).collect::<String>()
        + "}";
    let body = app.gql(Some(&token), &costly, json!({})).await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap_or_else(|| panic!("{body}")).contains("complex"),
        "{body}"
    );

    let introspect = app.gql(Some(&token), "{ __schema { types { name } } }", json!({})).await;
    // async-graphql answers a disabled introspection with null rather than an error.
    assert!(introspect["data"]["__schema"].is_null(), "introspection should be off: {introspect}");
    let on = TestApp::spawn(Backend::Sqlite).await;
    let alice = on.token("alice", &["TeamA"]);
    let schema = on.gql(Some(&alice), "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(schema["data"]["__schema"]["queryType"]["name"], "Query", "{schema}");
}

#[tokio::test]
async fn internal_errors_carry_a_code_and_no_detail() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    // Break the database under the app: the next query fails inside sea-orm.
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DROP TABLE organization_group")
        .await
        .expect("drop");
    let body = app
        .gql(
            Some(&token),
            "mutation { createOrganization(input: {label: \"x\", SamlGroupName: \"TeamA\"}) { label } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("INTERNAL"), "{body}");
    let message = body["errors"][0]["message"].as_str().expect("message");
    assert_eq!(message, "internal error");
}
