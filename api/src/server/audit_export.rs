//! `GET /audit/export?from=…&to=…[&format=csv|jsonl][&actor=…&targetUri=…&targetType=…&action=…&outcome=…]`:
//! the activity trail of a time range as CSV (the default) or JSON Lines, streamed.
//!
//! The caller signs in as for GraphQL (a bearer token or an IAM-signed request) and sees what
//! `listActivity` shows them: everything for platform admins, their teams' resources' rows for
//! anyone else. Core reads the rows a batch at a time after the last one sent (a keyset), and
//! each batch is written to the connection before the next is read, so neither the server nor
//! the database holds the whole range. Errors found before the first byte are answered as
//! GraphQL errors with their status (401, 400, 429, 500); a failure mid-stream cuts the
//! connection, so a client never takes a truncated file for a whole one.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, Mutex},
};

use async_graphql::ErrorExtensions as _;
use axum::{
    Json,
    body::{Body, Bytes},
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt as _;
use sluice_core::{
    Actor, Error,
    audit::{ActivityExport, ActivityFilter, ExportFormat, Outcome, parse_time},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{AppState, authenticate, client::Peer, client_ip};
use crate::graphql::{limits::request_error, to_gql};

/// Exports running at once in one server; more wait for none, they are refused (429).
pub const MAX_EXPORTS: usize = 4;

/// The server's export slots: [`MAX_EXPORTS`] in all, and one per caller, so that a caller who
/// reads slowly (a stalled reader keeps its export, and its slot, open) cannot take every slot.
pub struct ExportSlots {
    permits: Arc<Semaphore>,
    running: Mutex<BTreeSet<(String, String)>>,
}

impl Default for ExportSlots {
    fn default() -> Self {
        Self { permits: Arc::new(Semaphore::new(MAX_EXPORTS)), running: Mutex::default() }
    }
}

/// A running export's hold on its slot and its caller's one export; both free when dropped.
struct Slot {
    _permit: OwnedSemaphorePermit,
    slots: Arc<ExportSlots>,
    caller: (String, String),
}

impl Slot {
    fn take(slots: &Arc<ExportSlots>, actor: &Actor) -> Result<Self, async_graphql::Error> {
        let busy = |message: String| {
            async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", "LIMIT_EXCEEDED"))
        };
        let caller = (actor.issuer().to_owned(), actor.username().to_owned());
        let mut running = slots.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.contains(&caller) {
            return Err(busy("you have an export running already; try again when it has finished".into()));
        }
        let Ok(permit) = slots.permits.clone().try_acquire_owned() else {
            return Err(busy(format!(
                "{MAX_EXPORTS} exports are running already; try again when one has finished"
            )));
        };
        running.insert(caller.clone());
        Ok(Self { _permit: permit, slots: slots.clone(), caller })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.caller);
    }
}

const PARAMETERS: [&str; 8] =
    ["from", "to", "format", "actor", "targetUri", "targetType", "action", "outcome"];

pub(super) async fn export(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let source = client_ip(peer.map(|p| p.ip()), &headers, state.trusted_proxy_hops);
    let actor = match authenticate(&state, &headers, source).await.into_actor() {
        Ok(actor) => actor,
        Err(refused) => return answer_error(StatusCode::UNAUTHORIZED, refused),
    };
    let (filter, format) = match read_query(query.as_deref().unwrap_or_default()) {
        Ok(read) => read,
        Err(err) => return domain_error(err),
    };
    let mut export = match state.core.activity().export(&actor, &filter) {
        Ok(export) => export,
        Err(err) => return domain_error(err),
    };
    let slot = match Slot::take(&state.exports, &actor) {
        Ok(slot) => slot,
        Err(busy) => return answer_error(StatusCode::TOO_MANY_REQUESTS, busy),
    };
    // The first batch is read before answering, so a database that cannot answer is a 500,
    // not an empty file.
    let first = match export.next_batch().await {
        Ok(first) => first,
        Err(err) => return domain_error(err),
    };
    let mut head = format.header();
    for row in first.iter().flatten() {
        format.line(row, &mut head);
    }
    let rest = Batches { export, format, _slot: slot, failed: false };
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) })
        .chain(futures::stream::unfold(rest, Batches::next));
    let name = format!("sluice-activity-{}-{}.{}", stamp(filter.from), stamp(filter.to), format.extension());
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The rest of an export, a batch per chunk. Holds its slot among [`MAX_EXPORTS`] until the
/// stream ends or the client goes away.
struct Batches {
    export: ActivityExport,
    format: ExportFormat,
    _slot: Slot,
    failed: bool,
}

impl Batches {
    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        if self.failed {
            return None;
        }
        match self.export.next_batch().await {
            Ok(Some(rows)) => {
                let mut chunk = String::with_capacity(rows.len() * 256);
                for row in &rows {
                    self.format.line(row, &mut chunk);
                }
                Some((Ok(Bytes::from(chunk)), self))
            }
            Ok(None) => None,
            Err(err) => {
                tracing::error!(error = %err.chain(), "an activity export failed mid-stream");
                self.failed = true;
                Some((Err(std::io::Error::other("the export failed; see the server's log")), self))
            }
        }
    }
}

/// The export's filter and format from the query string. Unknown parameters are refused, so a
/// misspelt filter never widens an export silently.
fn read_query(query: &str) -> sluice_core::Result<(ActivityFilter, ExportFormat)> {
    let mut params: HashMap<String, String> = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !PARAMETERS.contains(&name.as_ref()) {
            return Err(Error::validation(
                name.as_ref(),
                format!("unknown parameter; use {}", PARAMETERS.join(", ")),
            ));
        }
        if params.insert(name.to_string(), value.into_owned()).is_some() {
            return Err(Error::validation(name.as_ref(), "given more than once"));
        }
    }
    let text = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let time = |name: &str| text(name).map(|v| parse_time(name, v)).transpose();
    let format = text("format").map(ExportFormat::parse).transpose()?.unwrap_or(ExportFormat::Csv);
    let filter = ActivityFilter {
        actor: text("actor").map(str::to_owned),
        target_uri: text("targetUri").map(str::to_owned),
        target_type: text("targetType").map(str::to_owned),
        action: text("action").map(str::to_owned),
        outcome: text("outcome").map(Outcome::parse).transpose()?,
        from: time("from")?,
        to: time("to")?,
    };
    Ok((filter, format))
}

fn stamp(time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    time.map(|t| t.format("%Y%m%dT%H%M%SZ").to_string()).unwrap_or_default()
}

/// A domain error as GraphQL answers it, with the HTTP status its code means.
fn domain_error(err: Error) -> Response {
    let status = match err.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "CONFLICT" | "INVALID_STATE" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    answer_error(status, to_gql(err))
}

/// `{"errors": [ … ]}`, as a GraphQL client reads errors: `extensions.code` and `.reason`.
fn answer_error(status: StatusCode, error: async_graphql::Error) -> Response {
    let body = serde_json::json!({ "errors": [request_error(error)] });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_a_range_a_format_and_filters() {
        let (filter, format) =
            read_query("from=2026-12-01&to=2026-12-08T00%3A00%3A00Z&format=jsonl&outcome=DENIED&actor=bob")
                .expect("valid");
        assert_eq!(format, ExportFormat::JsonLines);
        assert_eq!(filter.outcome, Some(Outcome::Denied));
        assert_eq!(filter.actor.as_deref(), Some("bob"));
        assert_eq!(filter.to.map(|t| t.to_rfc3339()).as_deref(), Some("2026-12-08T00:00:00+00:00"));
        let (_, format) = read_query("from=2026-12-01&to=2026-12-02").expect("csv by default");
        assert_eq!(format, ExportFormat::Csv);
    }

    #[test]
    fn unknown_repeated_or_unreadable_parameters_are_bad_input() {
        for (query, field) in [
            ("from=2026-12-01&to=2026-12-02&form=csv", "form"),
            ("from=2026-12-01&from=2026-12-02", "from"),
            ("from=last+week&to=2026-12-02", "from"),
            ("from=2026-12-01&to=2026-12-02&format=xlsx", "format"),
        ] {
            let err = read_query(query).expect_err(query);
            assert_eq!(err.code(), "BAD_USER_INPUT", "{query}");
            assert_eq!(err.field(), Some(field), "{query}");
        }
    }
}
