//! The HTTP surface: GraphQL on `/graphql` and `/graphql/api`, health probes, the dev
//! issuer's JWKS, what clients need to sign IAM requests (`/auth/iam`), the activity trail's
//! streamed export (`/audit/export`), and the web UI.

use std::{net::IpAddr, sync::Arc};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use sluice_core::Core;
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::{
    auth::{DevIssuer, IamAuthError, IamVerifier, Verifier},
    graphql::{Caller, SluiceSchema, documents::DocumentCache, gate::Gate, read_cache::ReadCache, to_gql},
};

pub mod audit_export;
mod client;
mod graphql_http;

pub use client::client_ip;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub schema: SluiceSchema,
    pub verifier: Arc<Verifier>,
    pub dev_issuer: Option<Arc<DevIssuer>>,
    /// Checks IAM-signed requests; `None` when IAM authentication is off.
    pub iam: Option<Arc<IamVerifier>>,
    pub max_body_bytes: usize,
    /// The web UI at `/`; `None` serves the API alone.
    pub web: Option<crate::web::WebUi>,
    pub documents: Arc<DocumentCache>,
    /// Answers kept between requests while nothing behind them changes.
    pub read_cache: Arc<ReadCache>,
    /// What a GraphQL request must pass before it runs, and how large its answer may be.
    pub gate: Arc<Gate>,
    /// Proxies in front of this server that append the client's address to `X-Forwarded-For`
    /// (`SLUICE_TRUSTED_PROXY_HOPS`); 0 takes the TCP peer as the client.
    pub trusted_proxy_hops: usize,
    /// The activity exports running (`GET /audit/export`), bounded in all and per caller.
    pub exports: Arc<audit_export::ExportSlots>,
}

/// The public listener's routes. `/metrics` is not among them: it is served on its own address
/// (`SLUICE_METRICS_BIND`, see main.rs), which a deploy keeps private.
pub fn build_app(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    let web = state.web.clone();
    let router = Router::new()
        .route("/graphql", get(graphql_http::get).post(graphql_http::post))
        .route("/graphql/api", get(graphql_http::get).post(graphql_http::post))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/auth/iam", get(iam_parameters))
        .route("/audit/export", get(audit_export::export))
        .with_state(state);
    let router = match web {
        Some(ui) => router.merge(crate::web::router(ui)),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TraceLayer::new_for_http())
}

/// Serves `app` on `listener` with each connection's peer address, which the client's address
/// (and the count of its failed sign-ins) is read from.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Who is asking. `source` is the client's address, which failed IAM sign-ins are counted by.
async fn authenticate(state: &AppState, headers: &HeaderMap, source: Option<IpAddr>) -> Caller {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Caller::Anonymous };
    let Some(value) = value.to_str().ok() else {
        return Caller::Rejected(
            "the Authorization header must be `Bearer <token>` or `SluiceIAM <request>`".into(),
        );
    };
    let verified = match iam_request(value) {
        Some(encoded) => verify_iam(state, encoded, source).await,
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

async fn verify_iam(
    state: &AppState,
    encoded: &str,
    source: Option<IpAddr>,
) -> Result<sluice_core::Actor, String> {
    let Some(iam) = &state.iam else { return Err(IamAuthError::Disabled.to_string()) };
    iam.verify(&state.core, encoded, source).await.map_err(|err| {
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
    match state.core.ping().await {
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
