//! `GET /audit/export`: the trail of a time range as CSV or JSON Lines, streamed a batch at a
//! time, to the same readers as `listActivity`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Value;
use sluice_core::{
    audit::{EXPORT_BATCH, Scope},
    testkit::activity::{Rows, fill},
};

use crate::support::{
    Backend, TestApp, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

/// The answer's status, content type, and body as the chunks it arrived in.
struct Export {
    status: u16,
    content_type: String,
    chunks: Vec<Vec<u8>>,
}

impl Export {
    fn text(&self) -> String {
        String::from_utf8(self.chunks.concat()).expect("utf-8")
    }

    fn error(&self) -> Value {
        serde_json::from_str(&self.text()).expect("a JSON error body")
    }
}

async fn export(app: &TestApp, token: Option<&str>, query: &str) -> Export {
    let client = reqwest::Client::new();
    let mut req = client.get(format!("{}/audit/export?{query}", app.base_url));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let mut response = req.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut chunks = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("the body arrives whole") {
        chunks.push(chunk.to_vec());
    }
    Export { status, content_type, chunks }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().expect("time")
}

async fn an_export_of_100000_rows_streams_them_a_batch_at_a_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dave = app.token("dave", &["DAAdministrators"]);
    const ROWS: usize = 100_000;
    let rows = Rows::of("updateDataset", "erin", ("d1", "dataset"), Some(Scope::dataset("d1")));
    let uris = fill(&app.db, &rows, ROWS, start(), TimeDelta::milliseconds(10)).await;

    let got = export(&app, Some(&dave), "from=2026-03-01&to=2026-03-02&format=jsonl").await;
    assert_eq!((got.status, got.content_type.as_str()), (200, "application/x-ndjson"));
    // One chunk per batch read: the server never held more than a batch of rows.
    let batches = ROWS.div_ceil(EXPORT_BATCH as usize);
    assert!(got.chunks.len() >= batches, "{} chunks for {batches} batches", got.chunks.len());
    let largest = got.chunks.iter().map(|c| c.iter().filter(|b| **b == b'\n').count()).max().unwrap_or(0);
    assert!(largest <= EXPORT_BATCH as usize, "a chunk of {largest} rows");
    let text = got.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), ROWS);
    // Oldest first, each row once, in the order written.
    let first: Value = serde_json::from_str(lines[0]).expect("json");
    let last: Value = serde_json::from_str(lines[ROWS - 1]).expect("json");
    assert_eq!(
        (&first["activityUri"], &last["activityUri"]),
        (&Value::from(uris[0].as_str()), &Value::from(uris[ROWS - 1].as_str()))
    );
    assert_eq!(first["created"], "2026-03-01T00:00:00+00:00");
    let mut seen = std::collections::HashSet::with_capacity(ROWS);
    for line in &lines {
        let row: Value = serde_json::from_str(line).expect("json");
        assert!(seen.insert(row["activityUri"].as_str().expect("uri").to_owned()), "twice: {line}");
    }

    // A range cuts the rows at its ends: from is included, to is not.
    let range =
        export(&app, Some(&dave), "from=2026-03-01T00:00:01Z&to=2026-03-01T00:00:02Z&format=jsonl").await;
    assert_eq!(range.text().lines().count(), 100);

    // One export at a time per caller: a reader that stalls holds its own slot, no one else's.
    let url = format!("{}/audit/export?from=2026-03-01&to=2026-03-02&format=jsonl", app.base_url);
    let client = reqwest::Client::new();
    let mut stalled = client.get(&url).bearer_auth(&dave).send().await.expect("the first export");
    assert_eq!(stalled.status(), 200);
    stalled.chunk().await.expect("a first chunk");
    let second = export(&app, Some(&dave), "from=2026-03-01&to=2026-03-02").await;
    assert_eq!(second.status, 429);
    assert_eq!(second.error()["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    let bob = app.token("bob", &["TeamB"]);
    assert_eq!(export(&app, Some(&bob), "from=2026-03-01&to=2026-03-02").await.status, 200);
    // Gone, the stalled reader frees its slot.
    drop(stalled);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let again = export(&app, Some(&dave), "from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:01Z").await;
        if again.status == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the slot was never freed: {}", again.status);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn the_export_shows_what_list_activity_shows_and_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let TwoTeams { dataset, env, .. } = two_teams(&app).await;
    fill(
        &app.db,
        &Rows::of("updateDataset", "erin", (&dataset, "dataset"), Some(Scope::dataset(&dataset))),
        1500,
        start(),
        TimeDelta::seconds(1),
    )
    .await;
    let mut tricky = Rows::of(
        "postFeedMessage",
        "erin",
        (&env, "environment"),
        Some(Scope::new(sluice_core::audit::ScopeKind::Environment, &env)),
    );
    tricky.summary = "=cmd, \"quoted\"\nnext".into();
    fill(&app.db, &tricky, 2, start(), TimeDelta::seconds(1)).await;
    let range = "from=2026-03-01&to=2026-03-02";

    let a = export(&app, Some(&alice), range).await;
    assert_eq!((a.status, a.content_type.as_str()), (200, "text/csv; charset=utf-8"));
    let text = a.text();
    assert!(text.starts_with("created,activityUri,actor,actorKind,actorIssuer,actorPrincipal,action,targetType,targetUri,outcome,summary\r\n"), "{}", &text[..200]);
    assert_eq!(
        text.matches("\r\n").count(),
        1 + 1500 + 2,
        "the header, the dataset's rows and the environment's"
    );
    // Quoted as RFC 4180 says, and never a formula.
    assert!(text.contains(",\"'=cmd, \"\"quoted\"\"\nnext #0\"\r\n"), "{}", &text[text.len() - 400..]);

    // TeamB reads the environment, not TeamA's dataset.
    let b = export(&app, Some(&bob), &format!("{range}&format=jsonl")).await;
    assert_eq!(b.status, 200);
    let lines: Vec<Value> = b.text().lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l["targetUri"] == env.as_str()));
    // TeamC reads nothing: a file with a header and no rows.
    let c = export(&app, Some(&carol), range).await;
    assert_eq!((c.status, c.text().matches("\r\n").count()), (200, 1));
    // Filters narrow, as listActivity's do.
    let narrowed = export(&app, Some(&alice), &format!("{range}&format=jsonl&targetType=environment")).await;
    assert_eq!(narrowed.text().lines().count(), 2);
}

async fn a_bad_export_request_is_refused_before_any_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let anonymous = export(&app, None, "from=2026-03-01&to=2026-03-02").await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.error()["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let forged = export(&app, Some("not-a-token"), "from=2026-03-01&to=2026-03-02").await;
    assert_eq!(forged.status, 401);
    for (query, field) in [
        ("to=2026-03-02", "from"),
        ("from=2026-03-01", "to"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("from=2026-03-01&to=2026-03-02&format=xlsx", "format"),
        ("from=2026-03-01&to=2026-03-02&outcom=denied", "outcom"),
    ] {
        let refused = export(&app, Some(&alice), query).await;
        assert_eq!(refused.status, 400, "{query}");
        let error = &refused.error()["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{query}: {error}");
        assert_eq!(error["extensions"]["field"], field, "{query}: {error}");
        assert!(error["extensions"]["reason"].as_str().is_some_and(|r| !r.is_empty()), "{error}");
    }
}

on_both_backends!(
    an_export_of_100000_rows_streams_them_a_batch_at_a_time,
    the_export_shows_what_list_activity_shows_and_nothing_more,
    a_bad_export_request_is_refused_before_any_row,
);
