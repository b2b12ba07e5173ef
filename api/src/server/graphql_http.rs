//! GraphQL over HTTP, in the order that keeps anonymous traffic cheap: who is asking (from the
//! headers alone), then, for a signed-in caller only, the request read and measured by the
//! `Gate`, run (through the read cache when it may), and its answer held to its size limit.

use std::io;

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use sluice_core::Actor;

use super::{AppState, authenticate, client::Peer, client_ip};
use crate::graphql::{
    Caller,
    batch::Batcher,
    datasets::{DatasetLoader, DatasetStackLoader, EnvironmentCardLoader},
    dialect,
    documents::Prepared,
    environments::{EnvironmentDatasetsLoader, EnvironmentStackLoader, StackResourceLookups},
    gate::Unreadable,
    glossaries::TermLinksLoader,
    limits::{Limit, LimitExceeded, request_error},
    organizations::StatsLoader,
    read_cache::RequestReads,
    shares::{ShareDatasetLoader, ShareStatisticsLoader},
};

pub(super) async fn post(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let source = client_ip(peer.map(|p| p.ip()), &headers, state.trusted_proxy_hops);
    let actor = match authenticate(&state, &headers, source).await.into_actor() {
        Ok(actor) => actor,
        Err(refused) => return unauthenticated(refused),
    };
    match state.gate.read_body(&body) {
        Ok(request) => execute(&state, actor, request, false).await,
        Err(err) => unreadable(&err),
    }
}

/// GET serves queries and, for a browser with no query, the GraphiQL explorer from the web UI's
/// build (`web::graphiql`). Mutations must be POSTed, so a link or a prefetch can never change
/// anything.
pub(super) async fn get(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return crate::web::graphiql(state.web.as_ref()).await;
    };
    let source = client_ip(peer.map(|p| p.ip()), &headers, state.trusted_proxy_hops);
    let actor = match authenticate(&state, &headers, source).await.into_actor() {
        Ok(actor) => actor,
        Err(refused) => return unauthenticated(refused),
    };
    match state.gate.read_query_string(&query) {
        Ok(request) => execute(&state, actor, request, true).await,
        Err(err) => unreadable(&err),
    }
}

/// UNAUTHENTICATED for anyone not signed in, before their request is even read: nothing is
/// parsed, validated or run for them.
fn unauthenticated(error: async_graphql::Error) -> Response {
    let response = async_graphql::Response::from_errors(vec![request_error(error)]);
    json_answer(small_answer(&response))
}

/// A request that is not GraphQL over HTTP at all (or is nested past the limit) is a 400, as
/// async-graphql answers one, but with a GraphQL error body naming what is wrong.
fn unreadable(err: &Unreadable) -> Response {
    let response = async_graphql::Response::from_errors(vec![err.to_server_error()]);
    (StatusCode::BAD_REQUEST, json_answer(small_answer(&response))).into_response()
}

async fn execute(state: &AppState, actor: Actor, req: async_graphql::Request, get: bool) -> Response {
    let prepared = match state.gate.prepare(&state.documents, &req) {
        Ok(prepared) => prepared.map(|(prepared, _)| prepared),
        Err(refused) => {
            return json_answer(small_answer(&async_graphql::Response::from_errors(vec![refused])));
        }
    };
    if get && prepared.as_ref().is_some_and(|p| !p.read_only) {
        return (StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST").into_response();
    }
    let max_answer = state.gate.limits().max_answer_bytes;
    let mut req = req.data(Caller::Authenticated(actor.clone()));
    let read_only = prepared.as_ref().is_some_and(|p| p.read_only);
    let reads = RequestReads::new(state.read_cache.clone(), &actor, read_only);
    let answer_key = prepared.as_ref().filter(|p| p.covered()).and_then(|_| reads.answer_key(&req));
    if let Some(key) = &answer_key
        && let Some(body) = reads.kept_answer(key).await
    {
        return json_answer(body);
    }
    let core = state.core.clone();
    req = req
        .data(Batcher::new(EnvironmentCardLoader { core: core.clone(), reads: reads.clone() }))
        .data(Batcher::new(DatasetLoader { core: core.clone(), actor: actor.clone(), reads: reads.clone() }))
        .data(Batcher::new(DatasetStackLoader {
            core: core.clone(),
            actor: actor.clone(),
            reads: reads.clone(),
        }))
        .data(Batcher::new(ShareStatisticsLoader { core: core.clone(), actor: actor.clone() }))
        .data(Batcher::new(ShareDatasetLoader { core: core.clone(), actor: actor.clone() }))
        .data(Batcher::new(TermLinksLoader { core: core.clone() }))
        .data(Batcher::new(EnvironmentStackLoader { core: core.clone(), actor: actor.clone() }))
        .data(Batcher::new(EnvironmentDatasetsLoader { core: core.clone(), actor: actor.clone() }))
        .data(Batcher::new(StatsLoader { core, actor }))
        .data(StackResourceLookups::default())
        .data(reads.clone());
    let response = run(state, req, prepared.as_deref()).await;
    let body = match serialize(&response, max_answer) {
        Ok(body) => body,
        Err(too_large) => {
            let refused = async_graphql::Response::from_errors(vec![too_large.to_server_error()]);
            return json_answer(small_answer(&refused));
        }
    };
    // Only a plain success is kept: an error may be passing (the database, a timeout), and
    // headers would be lost from a kept body.
    if let Some(key) = answer_key
        && response.is_ok()
        && response.http_headers.is_empty()
        && response.cache_control.value().is_none()
    {
        reads.keep_answer(key, body.clone()).await;
        return json_answer(body);
    }
    with_headers(json_answer(body), response)
}

/// Runs `req` on its parsed document, when there is one, and words its refusals for the
/// operations they were met in (see `dialect`).
async fn run(
    state: &AppState,
    mut req: async_graphql::Request,
    prepared: Option<&Prepared>,
) -> async_graphql::Response {
    let Some(document) = prepared else { return state.schema.execute(req).await };
    req.set_parsed_query(document.document.clone());
    let operation = req.operation_name.clone();
    let mut response = state.schema.execute(req).await;
    dialect::name_operations(&mut response.errors, &document.document, operation.as_deref());
    response
}

/// A JSON answer as async-graphql's own responder sends it.
fn json_answer(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/graphql-response+json")], body).into_response()
}

/// The headers async-graphql's responder adds from `response`.
fn with_headers(mut http: Response, response: async_graphql::Response) -> Response {
    if response.is_ok()
        && let Some(cache_control) = response.cache_control.value()
        && let Ok(value) = HeaderValue::from_str(&cache_control)
    {
        http.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    http.headers_mut().extend(response.http_headers);
    http
}

/// An answer of our own making (errors only), which is small.
fn small_answer(response: &async_graphql::Response) -> Bytes {
    match serde_json::to_vec(response) {
        Ok(body) => Bytes::from(body),
        Err(err) => {
            tracing::error!(error = %err, "an error answer could not be written as JSON");
            Bytes::from_static(br#"{"data":null,"errors":[{"message":"internal error"}]}"#)
        }
    }
}

/// `response` as JSON, refused once it passes `max` bytes: writing stops there, so an answer
/// too large to send never takes more memory than the limit. The size it would have had is
/// then counted without keeping it, for the refusal.
fn serialize(response: &async_graphql::Response, max: usize) -> Result<Bytes, LimitExceeded> {
    let mut capped = Capped { bytes: Vec::new(), max };
    if serde_json::to_writer(&mut capped, response).is_ok() {
        return Ok(Bytes::from(capped.bytes));
    }
    let mut counted = Counted(0);
    if let Err(err) = serde_json::to_writer(&mut counted, response) {
        tracing::error!(error = %err, "an answer could not be written as JSON");
    }
    Err(LimitExceeded::new(Limit::AnswerBytes, max, counted.0))
}

struct Capped {
    bytes: Vec<u8>,
    max: usize,
}

impl io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            return Err(io::Error::other("the answer is over its limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Counted(usize);

impl io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Value;

    use super::*;

    #[test]
    fn an_answer_over_the_limit_is_refused_with_its_size() {
        let response = async_graphql::Response::new(Value::String("x".repeat(1000)));
        let whole = serialize(&response, 1 << 20).expect("within the limit");
        let refused = serialize(&response, 100).expect_err("over the limit");
        assert_eq!((refused.limit, refused.max, refused.seen), (Limit::AnswerBytes, 100, whole.len() as u64));
        assert_eq!(
            serialize(&response, whole.len()).map(|b| b.len()),
            Ok(whole.len()),
            "exactly the limit is fine"
        );
    }
}
