//! A bounded fuzz of the request path: random documents, JSON bodies, query strings and bytes,
//! deep nesting, huge numbers and strings, signed in or not, POST and GET, through the real
//! handler on a multi-threaded runtime (2 MiB worker stacks, as in production). Every case must
//! get an HTTP answer of the kinds the server gives, and the server must stay ready. A fixed
//! number of cases and a fixed seed keep it to seconds in CI and make a failure repeatable.

use proptest::{
    prelude::*,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};
use serde_json::Value;

use crate::support::{Backend, TestApp};

/// Pieces of GraphQL and JSON syntax, weighted towards what nests and what ends strings.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "{", "}", "[", "]", "(", ")", "\"", "\"\"\"", "\\", "\\\"\"\"", "#", "\n", "\r", "...", " on ",
            ":", "$v", "@include(if: true)", "query", "mutation", "fragment F on Query", "a", "__typename",
            "__schema", "listOrganizations", "nodes", "pageSize: ", "filter: ", ",", "=", "!", "null",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec![
            "1e999999", "-0", "123456789012345678901234567890", "0.0000000000000000000001", "-9223372036854775809",
            "\\u0000", "\\ud800", "\u{feff}", "\u{202e}",
        ])
        .prop_map(str::to_owned),
        1 => (1usize..5000, prop::sample::select(vec!["[", "{", "{a:", "{ a ", "(", "\"\"\" "]))
            .prop_map(|(n, open)| open.repeat(n)),
        1 => (1usize..20_000).prop_map(|n| "x".repeat(n)),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|tokens| tokens.concat())
}

#[derive(Debug, Clone)]
enum Body {
    /// `{"query": …, "variables": …}` with a random document and random variables.
    Request {
        query: String,
        variables: String,
    },
    Bytes(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        3 => (document(), document()).prop_map(|(query, variables)| Body::Request { query, variables }),
        1 => prop::collection::vec(any::<u8>(), 0..2048).prop_map(Body::Bytes),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    body: Body,
    get: bool,
    signed_in: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (body(), any::<bool>(), prop::bool::weighted(0.8)).prop_map(|(body, get, signed_in)| Case {
        body,
        get,
        signed_in,
    })
}

async fn send(app: &TestApp, token: &str, case: &Case) -> (u16, String) {
    let http = reqwest::Client::new();
    let url = format!("{}/graphql", app.base_url);
    let mut req = match (&case.body, case.get) {
        (Body::Request { query, variables }, true) => {
            let encoded = form_urlencoded::Serializer::new(String::new())
                .append_pair("query", query)
                .append_pair("variables", variables)
                .finish();
            http.get(format!("{url}?{}", within_a_url(encoded)))
        }
        (Body::Request { query, variables }, false) => {
            // The variables as raw JSON text, whatever it is.
            let body = format!("{{\"query\": {}, \"variables\": {variables}}}", Value::String(query.clone()));
            http.post(&url).header("content-type", "application/json").body(body)
        }
        (Body::Bytes(bytes), true) => http
            .get(format!("{url}?query={}", within_a_url(form_urlencoded::byte_serialize(bytes).collect()))),
        (Body::Bytes(bytes), false) => http.post(&url).body(bytes.clone()),
    };
    if case.signed_in {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("no answer: {}", e.without_url()));
    (resp.status().as_u16(), resp.text().await.expect("body"))
}

/// The http crate holds at most 64 KiB of a URL: longer ones never reach a server.
fn within_a_url(mut encoded: String) -> String {
    if encoded.len() > 60_000 {
        encoded.truncate(60_000);
        // Not in the middle of a `%XX`.
        while encoded.ends_with('%') || encoded[..encoded.len() - 1].ends_with('%') {
            encoded.pop();
        }
    }
    encoded
}

#[test]
fn random_requests_are_all_answered_and_the_server_stays_ready() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let app = runtime.block_on(TestApp::spawn(Backend::Sqlite));
    let token = app.token("alice", &["TeamA"]);
    let config = Config { cases: 256, failure_persistence: None, ..Config::default() };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[23; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(&case(), |case| {
            let (status, text) = runtime.block_on(send(&app, &token, &case));
            // 400: not a request; 405: a mutation over GET; 413: over the body limit; 414 and
            // 431: hyper's own limits on the request line and headers.
            prop_assert!([200, 400, 405, 413, 414, 431].contains(&status), "{status}: {text}");
            let explorer = text.trim_start().to_ascii_lowercase().starts_with("<!doctype");
            if status == 200 && !explorer {
                let json: Value =
                    serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                prop_assert!(json.get("data").is_some() || json.get("errors").is_some(), "{json}");
                if !case.signed_in {
                    prop_assert_eq!(&json["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
                }
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    let (status, ready) = runtime.block_on(app.get("/readyz"));
    assert_eq!((status, ready.as_str()), (200, "ready"));
}
