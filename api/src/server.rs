//! The HTTP surface: GraphQL on `/graphql` and `/graphql/api`, health probes, the dev
//! issuer's JWKS, what clients need to sign IAM requests (`/auth/iam`), and the web UI.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse},
    routing::get,
};
use sea_orm::ConnectionTrait;
use sluice_core::Core;
use sluice_worker::serve::{MetricsState, metrics_router};
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::{
    auth::{DevIssuer, IamAuthError, IamVerifier, Verifier},
    graphql::{
        Caller, SluiceSchema,
        batch::Batcher,
        datasets::{DatasetLoader, DatasetStackLoader, EnvironmentCardLoader},
        documents::{DocumentCache, Prepared},
        organizations::StatsLoader,
        read_cache::{ReadCache, RequestReads},
        shares::{ShareDatasetLoader, ShareStatisticsLoader},
        to_gql,
    },
};

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub schema: SluiceSchema,
    pub verifier: Arc<Verifier>,
    pub dev_issuer: Option<Arc<DevIssuer>>,
    /// Checks IAM-signed requests; `None` when IAM authentication is off.
    pub iam: Option<Arc<IamVerifier>>,
    pub max_body_bytes: usize,
    /// What `/metrics` reads.
    pub metrics: MetricsState,
    /// The web UI at `/`; `None` serves the API alone.
    pub web: Option<crate::web::WebUi>,
    pub documents: Arc<DocumentCache>,
    /// Answers kept between requests while nothing behind them changes.
    pub read_cache: Arc<ReadCache>,
}

pub fn build_app(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    let web = state.web.clone();
    let router = Router::new()
        .route("/graphql", get(graphiql_or_query).post(graphql))
        .route("/graphql/api", get(graphiql_or_query).post(graphql))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/auth/iam", get(iam_parameters))
        .with_state(state.clone())
        .merge(metrics_router(state.metrics.clone()));
    let router = match web {
        Some(ui) => router.merge(crate::web::router(ui)),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TraceLayer::new_for_http())
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> axum::response::Response {
    execute(&state, &headers, req.into_inner()).await
}

/// GET serves queries and, for a browser with no query, the GraphiQL explorer. Mutations must
/// be POSTed, so a link or a prefetch can never change anything.
async fn graphiql_or_query(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> axum::response::Response {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    };
    match async_graphql::http::parse_query_string(&query) {
        Ok(req) if is_mutation(&state, &req.query) => {
            (StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST").into_response()
        }
        Ok(req) => execute(&state, &headers, req).await,
        Err(err) => (StatusCode::BAD_REQUEST, format!("bad GraphQL query string: {err}")).into_response(),
    }
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    req: async_graphql::Request,
) -> axum::response::Response {
    let caller = authenticate(state, headers).await;
    let prepared = state.documents.prepared(&req.query);
    let mut req = req.data(caller.clone());
    let Caller::Authenticated(actor) = caller else {
        return as_http(run(state, req, prepared.as_deref()).await);
    };
    let read_only = prepared.as_ref().is_some_and(|p| p.read_only);
    let reads = RequestReads::new(state.read_cache.clone(), &actor, read_only);
    let answer_key = prepared.as_ref().filter(|p| p.covered).and_then(|_| reads.answer_key(&req));
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
        .data(Batcher::new(StatsLoader { core, actor }))
        .data(reads.clone());
    let response = run(state, req, prepared.as_deref()).await;
    // Only a plain success is kept: an error may be passing (the database, a timeout), and
    // headers would be lost from a kept body.
    if let Some(key) = answer_key
        && response.is_ok()
        && response.http_headers.is_empty()
        && response.cache_control.value().is_none()
    {
        match serde_json::to_vec(&response) {
            Ok(body) => {
                let body = Bytes::from(body);
                reads.keep_answer(key, body.clone()).await;
                return json_answer(body);
            }
            Err(err) => tracing::warn!(error = %err, "an answer could not be written as JSON"),
        }
    }
    as_http(response)
}

/// Runs `req` on its parsed document, when there is one.
async fn run(
    state: &AppState,
    mut req: async_graphql::Request,
    prepared: Option<&Prepared>,
) -> async_graphql::Response {
    if let Some(document) = prepared {
        req.set_parsed_query(document.document.clone());
    }
    state.schema.execute(req).await
}

/// An answer as async-graphql's own responder sends it.
fn as_http(response: async_graphql::Response) -> axum::response::Response {
    GraphQLResponse::from(response).into_response()
}

/// A JSON answer as async-graphql's own responder would send it.
fn json_answer(body: Bytes) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/graphql-response+json")], body).into_response()
}

async fn authenticate(state: &AppState, headers: &HeaderMap) -> Caller {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Caller::Anonymous };
    let Some(value) = value.to_str().ok() else {
        return Caller::Rejected(
            "the Authorization header must be `Bearer <token>` or `SluiceIAM <request>`".into(),
        );
    };
    let verified = match iam_request(value) {
        Some(encoded) => verify_iam(state, encoded).await,
        None => match bearer(value) {
            Some(token) => state.verifier.verify(token).await.map_err(|err| {
                if err.is_server_side() {
                    tracing::warn!(error = %err, "token verification failed on the server side");
                }
                err.to_string()
            }),
            None => {
                return Caller::Rejected(
                    "the Authorization header must be `Bearer <token>` or `SluiceIAM <request>`".into(),
                );
            }
        },
    };
    match verified {
        Ok(actor) => match state.core.admit(&actor).await {
            Ok(()) => Caller::Authenticated(actor),
            Err(err) => {
                // The check itself could not run; report it as the server's fault, not the token's.
                let _ = to_gql(err);
                Caller::Rejected("the server could not record your groups; try again".into())
            }
        },
        Err(reason) => Caller::Rejected(reason),
    }
}

async fn verify_iam(state: &AppState, encoded: &str) -> Result<sluice_core::Actor, String> {
    let Some(iam) = &state.iam else { return Err(IamAuthError::Disabled.to_string()) };
    iam.verify(&state.core, encoded).await.map_err(|err| {
        if err.is_server_side() {
            tracing::warn!(error = %err, "IAM verification failed on the server side");
        }
        err.to_string()
    })
}

/// The value of `Authorization: SluiceIAM <base64>`, if that is the scheme.
fn iam_request(value: &str) -> Option<&str> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case(sluice_core::iam::wire::SCHEME).then_some(rest.trim())
}

/// A document that fails to parse is no mutation: the schema reports its error.
fn is_mutation(state: &AppState, query: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    state
        .documents
        .prepared(query)
        .is_some_and(|p| p.document.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation))
}

/// data.all's clients send the raw token without a scheme; accept both.
fn bearer(value: &str) -> Option<&str> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some(_) => return None,
        None => value,
    };
    (!token.is_empty()).then_some(token)
}

/// Both probes check the database: without it the API can answer nothing but errors.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    database_probe(&state, "ok").await
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    database_probe(&state, "ready").await
}

async fn database_probe(state: &AppState, ok: &'static str) -> (StatusCode, &'static str) {
    match state.core.db().execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, ok),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// What a client needs to sign an IAM request for this server. Public: none of it is secret,
/// and a client must know it before it can authenticate.
async fn iam_parameters(State(state): State<AppState>) -> axum::response::Response {
    match &state.iam {
        Some(iam) => {
            let s = iam.settings();
            Json(serde_json::json!({
                "stsEndpoint": s.sts_endpoint.as_str(),
                "region": s.region,
                "serverId": s.server_id,
                "serverIdHeader": sluice_core::iam::wire::SERVER_ID_HEADER,
                "scheme": sluice_core::iam::wire::SCHEME,
            }))
            .into_response()
        }
        None => (StatusCode::NOT_FOUND, "IAM authentication is off (SLUICE_IAM_AUTH)").into_response(),
    }
}

async fn jwks(State(state): State<AppState>) -> axum::response::Response {
    match &state.dev_issuer {
        Some(dev) => Json(dev.jwks()).into_response(),
        None => (StatusCode::NOT_FOUND, "the dev issuer is off (SLUICE_DEV_ISSUER)").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::{bearer, iam_request};

    #[test]
    fn iam_requests_are_told_apart_from_tokens() {
        assert_eq!(iam_request("SluiceIAM abc"), Some("abc"));
        assert_eq!(iam_request("sluiceiam  abc "), Some("abc"));
        assert_eq!(iam_request("Bearer abc"), None);
        assert_eq!(iam_request("abc"), None);
    }

    #[test]
    fn bearer_tokens_are_read_with_or_without_the_scheme() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("abc"), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
