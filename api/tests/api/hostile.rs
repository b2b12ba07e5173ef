//! Hostile requests (issue 23, holes 1 and 6): the server answers each with the right code and
//! stays ready. The deep-nesting ones aborted the whole process before they were measured; in
//! this binary, the server runs on the test's own thread with a normal 2 MiB stack, so a
//! regression aborts the test binary rather than passing.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sluice_api::graphql::Limits;

use crate::support::{Backend, Options, TestApp, error_code};

const LEVELS: usize = 100_000;
/// What fits in a URL: the http crate (hence hyper and reqwest) holds at most 64 KiB of one,
/// and an encoded bracket takes three bytes. Openings alone make the parser recurse.
const GET_LEVELS: usize = 9_000;

fn lists(levels: usize) -> String {
    format!(
        "{{ listOrganizations(filter: {{ term: {}\"x\"{} }}) {{ count }} }}",
        "[".repeat(levels),
        "]".repeat(levels)
    )
}

fn objects(levels: usize) -> String {
    format!("{{ listOrganizations(filter: {}1{}) {{ count }} }}", "{a:".repeat(levels), "}".repeat(levels))
}

fn selections(levels: usize) -> String {
    format!("{}{}", "{ a ".repeat(levels), "}".repeat(levels))
}

/// Openings only, for GET.
fn opened(levels: usize) -> [String; 3] {
    [
        format!("{{ a(x: {}", "[".repeat(levels)),
        format!("{{ a(x: {}", "{a:".repeat(levels)),
        "{ a ".repeat(levels),
    ]
}

/// GET `/graphql` with `params`, as `Authorization: Bearer <token>` when given.
async fn get(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> (u16, Value) {
    let mut req = reqwest::Client::new().get(format!("{}/graphql", app.base_url)).query(params);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("GET failed: {}", e.without_url()));
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    app.post("/graphql", token, body).await
}

/// The refusal names the limit's setting and the value seen.
fn assert_limit(body: &Value, setting: &str) -> u64 {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "LIMIT_EXCEEDED", "{body}");
    assert_eq!(error["extensions"]["limit"], setting, "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(setting), "{message}");
    error["extensions"]["seen"].as_u64().unwrap_or_else(|| panic!("no value seen: {body}"))
}

async fn assert_ready(app: &TestApp) {
    assert_eq!(app.get("/readyz").await, (200, "ready".to_owned()));
}

#[tokio::test]
async fn the_reported_crash_is_answered_unauthenticated_without_parsing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // The request: 723 bytes, no token.
    let reported = format!("{{ a(x: {}{}) }}", "[".repeat(350), "]".repeat(350));
    for query in [reported.clone(), lists(LEVELS), objects(LEVELS), selections(LEVELS)] {
        let (status, body) = post(&app, None, &json!({ "query": query })).await;
        assert_eq!((status, error_code(&body)), (200, Some("UNAUTHENTICATED")), "{body}");
    }
    for query in opened(GET_LEVELS).into_iter().chain([reported]) {
        let (status, body) = get(&app, None, &[("query", &query)]).await;
        assert_eq!((status, error_code(&body)), (200, Some("UNAUTHENTICATED")), "{body}");
    }
    let rejected = post(&app, Some("not-a-token"), &json!({ "query": lists(LEVELS) })).await;
    assert_eq!(error_code(&rejected.1), Some("UNAUTHENTICATED"), "a rejected token is anonymous");
    assert_ready(&app).await;
}

#[tokio::test]
async fn values_nested_past_the_limit_are_refused_by_name_on_post_and_get() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    // The filter's own braces are a level: the lists add theirs, the objects are the filter.
    for (query, seen) in [(lists(LEVELS), LEVELS + 1), (objects(LEVELS), LEVELS)] {
        let (status, body) = post(&app, Some(&token), &json!({ "query": query })).await;
        assert_eq!(status, 200);
        assert_eq!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING"), seen as u64);
    }
    for query in opened(GET_LEVELS) {
        let (status, body) = get(&app, Some(&token), &[("query", &query)]).await;
        assert_eq!(status, 200);
        assert_eq!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING"), GET_LEVELS as u64);
    }
    let (_, body) = post(&app, Some(&token), &json!({ "query": lists(31) })).await;
    assert_ne!(error_code(&body), Some("LIMIT_EXCEEDED"), "32 levels are within the default: {body}");
    assert_ready(&app).await;
}

#[tokio::test]
async fn the_deepest_nesting_the_setting_allows_is_parsed_validated_and_answered() {
    let limits = Limits { max_nesting: sluice_api::graphql::limits::NESTING_CEILING, ..Limits::default() };
    let app =
        TestApp::spawn_with(Backend::Sqlite, Options { limits: Some(limits), ..Options::default() }).await;
    let token = app.token("alice", &["TeamA"]);
    // The filter's braces and 63 lists: 64 levels, through parsing, validation and coercion.
    let (status, body) = post(&app, Some(&token), &json!({ "query": lists(63) })).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), None, "a type error, not a limit: {body}");
    assert!(body["errors"][0]["message"].is_string(), "{body}");
    let query = "query($f: OrganizationFilter) { listOrganizations(filter: $f) { count } }";
    let variables = format!("{}1{}", "[".repeat(63), "]".repeat(63));
    let deep: Value = serde_json::from_str(&format!("{{\"f\": {{\"tags\": {variables}}}}}")).expect("json");
    let body = app.gql(Some(&token), query, deep).await;
    assert!(body["errors"][0]["message"].is_string(), "{body}");
    let (status, body) = post(&app, Some(&token), &json!({ "query": lists(64) })).await;
    assert_eq!(status, 200);
    assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING");
    assert_ready(&app).await;
}

#[tokio::test]
async fn selection_sets_nested_past_the_limit_are_refused_by_name() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let (status, body) = post(&app, Some(&token), &json!({ "query": selections(LEVELS) })).await;
    assert_eq!(status, 200);
    assert_eq!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING"), LEVELS as u64);
    assert_ready(&app).await;
}

#[tokio::test]
async fn a_url_longer_than_http_allows_is_refused_by_the_http_layer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let addr = app.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET /graphql?query=%7B+a%28x%3A+{} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
        "%5B".repeat(LEVELS)
    );
    // The server may answer and close before it has read all of it.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let head = String::from_utf8_lossy(&answer[..answer.len().min(64)]).into_owned();
    assert!(head.starts_with("HTTP/1.1 414"), "{head}");
    assert_ready(&app).await;
}

#[tokio::test]
async fn variables_nested_past_the_limit_are_a_bad_request_naming_the_limit() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let query = "query($f: OrganizationFilter) { listOrganizations(filter: $f) { count } }";
    let deep = format!(
        "{{\"query\": {}, \"variables\": {{\"f\": {}1{}}}}}",
        json!(query),
        "[".repeat(LEVELS),
        "]".repeat(LEVELS)
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/graphql", app.base_url))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(deep)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.expect("a GraphQL error body");
    assert_eq!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING"), LEVELS as u64);
    let variables = format!("{{\"f\": {}", "[".repeat(GET_LEVELS));
    let (status, body) = get(&app, Some(&token), &[("query", query), ("variables", &variables)]).await;
    assert_eq!(status, 400);
    assert_limit(&body, "SLUICE_GRAPHQL_MAX_NESTING");
    let fine = app.gql(Some(&token), query, json!({"f": {"term": "x", "pageSize": 5}})).await;
    assert_eq!(fine["data"]["listOrganizations"]["count"], 0, "{fine}");
    assert_ready(&app).await;
}

#[tokio::test]
async fn huge_alias_counts_and_megabyte_bodies_are_answered() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let aliases: String = (0..50_000).map(|i| format!("a{i}: __typename ")).collect();
    let query = format!("{{ {aliases}}}");
    assert!(query.len() > 900_000 && query.len() < 1 << 20, "{}", query.len());
    let (status, body) = post(&app, Some(&token), &json!({ "query": query })).await;
    assert_eq!(status, 200);
    assert!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_COMPLEXITY") > 5000);
    let pad = "x".repeat(1_000_000);
    let (status, body) =
        post(&app, Some(&token), &json!({"query": "{ __typename }", "variables": {"pad": pad}})).await;
    assert_eq!((status, &body["data"]["__typename"]), (200, &json!("Query")), "a megabyte of variables");
    let over = "x".repeat(1 << 20);
    let (status, _) =
        post(&app, Some(&token), &json!({"query": "{ __typename }", "variables": {"pad": over}})).await;
    assert_eq!(status, 413, "over SLUICE_MAX_BODY_BYTES");
    let (status, body) = post(&app, None, &json!({ "query": format!("{{ {aliases}}}") })).await;
    assert_eq!((status, error_code(&body)), (200, Some("UNAUTHENTICATED")));
    assert_ready(&app).await;
}

#[tokio::test]
async fn introspection_is_never_anonymous_and_costs_the_schema_per_alias() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let body = app.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!((error_code(&body), &body["data"]), (Some("UNAUTHENTICATED"), &Value::Null), "{body}");
    let token = app.token("alice", &["TeamA"]);
    let one = app.gql(Some(&token), "{ __schema { types { name } } }", json!({})).await;
    assert!(one["data"]["__schema"]["types"].as_array().is_some_and(|t| t.len() > 50), "{one}");
    let many: String =
        (0..200).map(|i| format!("s{i}: __schema {{ types {{ fields {{ name }} }} }} ")).collect();
    let body = app.gql(Some(&token), &format!("{{ {many}}}"), json!({})).await;
    assert!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_COMPLEXITY") > 5000);
    assert_ready(&app).await;
}

#[tokio::test]
async fn a_paged_field_under_aliases_costs_its_page_sizes() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let page = "tables(filter: {pageSize: 100}) { nodes { name columns { nodes { name } } } }";
    let aliased: String =
        (0..20).map(|i| format!("d{i}: getDataset(datasetUri: \"x\") {{ {page} }} ")).collect();
    let body = app.gql(Some(&token), &format!("{{ {aliased}}}"), json!({})).await;
    assert!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_COMPLEXITY") > 20_000, "{body}");
    // Variables count as literals do.
    let query = "query($f: DatasetTableFilter) { getDataset(datasetUri: \"x\") { tables(filter: $f) { nodes { columns { nodes { name } } } } } }";
    let body = app.gql(Some(&token), query, json!({"f": {"pageSize": 100}})).await;
    assert_limit(&body, "SLUICE_GRAPHQL_MAX_COMPLEXITY");
    let small = app.gql(Some(&token), query, json!({"f": {"pageSize": 5}})).await;
    assert_eq!(error_code(&small), Some("NOT_FOUND"), "5 × 100 columns is within the limit: {small}");
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_refused_with_its_size() {
    let limits = Limits { max_answer_bytes: 2000, ..Limits::default() };
    let app =
        TestApp::spawn_with(Backend::Sqlite, Options { limits: Some(limits), ..Options::default() }).await;
    let token = app.token("alice", &["TeamA"]);
    let body = app.gql(Some(&token), "{ __schema { types { name description } } }", json!({})).await;
    assert!(assert_limit(&body, "SLUICE_GRAPHQL_MAX_ANSWER_BYTES") > 2000);
    assert!(body["data"].is_null(), "nothing of the answer is sent: {body}");
    let small = app.gql(Some(&token), "{ __typename }", json!({})).await;
    assert_eq!(small["data"]["__typename"], "Query");
}

#[tokio::test]
async fn fragments_that_double_at_every_level_are_refused_at_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    // 2^30 fields once inlined: async-graphql's validation alone spent 20 s on 2^22.
    let mut doc = String::from("{ ...F30 }\nfragment F0 on Query { __typename }\n");
    for i in 1..=30 {
        doc.push_str(&format!("fragment F{i} on Query {{ ...F{p} ...F{p} }}\n", p = i - 1));
    }
    let started = Instant::now();
    let body = app.gql(Some(&token), &doc, json!({})).await;
    assert_limit(&body, "SLUICE_GRAPHQL_MAX_COMPLEXITY");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let cycle = app
        .gql(Some(&token), "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", json!({}))
        .await;
    assert_eq!(error_code(&cycle), Some("GRAPHQL_VALIDATION_FAILED"), "{cycle}");
}

#[tokio::test]
async fn metrics_are_not_on_the_public_listener() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(app.get("/metrics").await.0, 404);
    let scraped = reqwest::get(&app.metrics_url).await.expect("scrape");
    assert_eq!(scraped.status().as_u16(), 200, "served on its own address");
}

#[tokio::test]
async fn parallel_hostile_requests_leave_the_server_ready() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("alice", &["TeamA"]);
    let many: String =
        (0..200).map(|i| format!("s{i}: __schema {{ types {{ fields {{ name }} }} }} ")).collect();
    let bodies = [json!({ "query": format!("{{ {many}}}") }), json!({ "query": lists(LEVELS) })];
    let started = Instant::now();
    let requests = (0..8).map(|i| {
        let body = bodies[i % 2].clone();
        let token = (i % 4 != 0).then(|| token.clone());
        let app = &app;
        async move { post(app, token.as_deref(), &body).await }
    });
    for (status, body) in futures::future::join_all(requests).await {
        assert_eq!(status, 200, "{body}");
        assert!(body["errors"][0]["extensions"]["code"].is_string(), "{body}");
    }
    assert_ready(&app).await;
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}
