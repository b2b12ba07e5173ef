//! The web UI next to the API: its files at `/`, `index.html` for the UI's own routes,
//! `/config.json` for sign-in, GraphiQL's page at `GET /graphql`, and GraphQL untouched.

use serde_json::json;
use sluice_api::web::{SignIn, WebUi};

use crate::support::{Backend, Options, TestApp};

const INDEX: &str = "<!doctype html><div id=root></div>";

async fn app_with_ui(dir: &std::path::Path, sign_in: SignIn) -> TestApp {
    let web = WebUi { dir: dir.to_owned(), sign_in, admin_group: "DAAdministrators".into() };
    TestApp::spawn_with(Backend::Sqlite, Options { web: Some(web), ..Options::default() }).await
}

#[tokio::test]
async fn client_side_routes_get_index_html_and_assets_and_graphql_are_served_as_such() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), INDEX).expect("index");
    std::fs::create_dir(dir.path().join("assets")).expect("assets dir");
    std::fs::write(dir.path().join("assets/app.js"), "console.log(1)").expect("asset");
    let app = app_with_ui(dir.path(), SignIn::Token).await;

    assert_eq!(app.get("/").await, (200, INDEX.to_owned()));
    assert_eq!(app.get("/assets/app.js").await, (200, "console.log(1)".to_owned()));
    assert_eq!(
        app.get("/shares/abc123").await,
        (200, INDEX.to_owned()),
        "a UI route falls back to index.html"
    );
    assert_eq!(app.get("/organizations/x/teams").await, (200, INDEX.to_owned()));

    let token = app.token("alice", &["TeamA"]);
    let (status, body) = app.post("/graphql", Some(&token), &json!({"query": "{ __typename }"})).await;
    assert_eq!((status, body), (200, json!({"data": {"__typename": "Query"}})));
    assert_eq!(app.get("/healthz").await, (200, "ok".to_owned()), "API routes win over the fallback");
}

#[tokio::test]
async fn the_ui_goes_out_with_a_content_security_policy_that_names_the_sign_in_origin() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), INDEX).expect("index");
    let sign_in = SignIn::Password {
        endpoint: "http://127.0.0.1:5055".into(),
        region: "eu-west-1".into(),
        client_id: "web-client".into(),
    };
    let app = app_with_ui(dir.path(), sign_in).await;
    for path in ["/", "/shares/abc123", "/config.json"] {
        let resp = reqwest::get(format!("{}{path}", app.base_url)).await.expect("request");
        let header = |name: &str| {
            resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("script-src 'self';") && csp.contains("connect-src 'self' http://127.0.0.1:5055;"),
            "{path}: {csp}"
        );
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    }
}

#[tokio::test]
async fn get_graphql_with_no_query_is_the_builds_graphiql_page_and_a_query_still_runs() {
    const GRAPHIQL: &str = "<!doctype html><title>Sluice GraphQL explorer</title><script type=module src=/assets/graphiql.js></script>";
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), INDEX).expect("index");
    std::fs::write(dir.path().join("graphiql.html"), GRAPHIQL).expect("graphiql");
    let app = app_with_ui(dir.path(), SignIn::Token).await;
    for path in ["/graphql", "/graphql/api"] {
        let resp = reqwest::Client::new()
            .get(format!("{}{path}", app.base_url))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 200, "{path}");
        let csp =
            resp.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert_eq!(resp.text().await.expect("body"), GRAPHIQL, "{path}");
    }
    let token = app.token("alice", &["TeamA"]);
    let resp = reqwest::Client::new()
        .get(format!("{}/graphql?query=%7B__typename%7D", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(
        resp.json::<serde_json::Value>().await.expect("json"),
        json!({"data": {"__typename": "Query"}})
    );
}

#[tokio::test]
async fn config_json_tells_the_ui_how_to_sign_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sign_in = SignIn::Password {
        endpoint: "http://127.0.0.1:5055".into(),
        region: "eu-west-1".into(),
        client_id: "web-client".into(),
    };
    let app = app_with_ui(dir.path(), sign_in).await;
    let (status, body) = app.get("/config.json").await;
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        body,
        json!({
            "auth": {"mode": "password", "endpoint": "http://127.0.0.1:5055", "region": "eu-west-1", "clientId": "web-client"},
            "adminGroup": "DAAdministrators",
        })
    );
}

#[tokio::test]
async fn a_missing_build_says_how_to_make_one_and_the_api_still_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_with_ui(&dir.path().join("dist"), SignIn::Token).await;
    let (status, body) = app.get("/datasets").await;
    assert_eq!(status, 404);
    assert!(body.contains("npm run build") && body.contains("SLUICE_FRONTEND_DIR"), "{body}");
    assert_eq!(app.get("/healthz").await.0, 200);
}
