//! The web UI: the built `frontend/dist` served at `/` with a fallback to `index.html` for
//! client-side routes, and `/config.json`, which tells the UI how to sign users in.

use std::{path::PathBuf, sync::Arc};

use axum::{
    Json, Router,
    http::{StatusCode, header},
    response::{Html, IntoResponse},
    routing::get,
};
use serde::Serialize;
use tower_http::services::{ServeDir, ServeFile};

/// How the browser gets a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum SignIn {
    /// A username and password form sending USER_PASSWORD_AUTH to a Cognito API endpoint:
    /// the local emulator's, which has no hosted UI.
    #[serde(rename_all = "camelCase")]
    Password { endpoint: String, region: String, client_id: String },
    /// Cognito's hosted UI, through the OAuth2 authorization-code flow with PKCE.
    #[serde(rename_all = "camelCase")]
    Hosted { domain: String, client_id: String, scopes: Vec<String> },
    /// No browser sign-in is configured: the UI asks for a token (`sluice dev-token`).
    Token,
}

#[derive(Debug, Clone)]
pub struct WebUi {
    /// The built UI (`index.html` and its assets).
    pub dir: PathBuf,
    pub sign_in: SignIn,
    pub admin_group: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UiConfig<'a> {
    auth: &'a SignIn,
    admin_group: &'a str,
}

/// `/config.json` always; the UI's files when they are there, otherwise a page saying how to
/// build them (the API keeps working either way).
pub fn router(ui: WebUi) -> Router {
    let ui = Arc::new(ui);
    let config = {
        let ui = ui.clone();
        get(move || async move {
            let body = UiConfig { auth: &ui.sign_in, admin_group: &ui.admin_group };
            ([(header::CACHE_CONTROL, "no-store")], Json(serde_json::to_value(body).unwrap_or_default()))
        })
    };
    let router = Router::new().route("/config.json", config);
    let index = ui.dir.join("index.html");
    if index.is_file() {
        tracing::info!(dir = %ui.dir.display(), "serving the web UI at /");
        // Unknown paths are the UI's own routes (/shares/abc): they get index.html and a 200,
        // and the UI's router shows the page or its own "not found".
        router.fallback_service(ServeDir::new(&ui.dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(
            dir = %ui.dir.display(),
            "the web UI is not built, so / shows how to build it: run `npm ci && npm run build` in frontend/, or set SLUICE_FRONTEND_DIR"
        );
        let dir = ui.dir.display().to_string();
        router.fallback(move || {
            let dir = dir.clone();
            async move {
                (
                    StatusCode::NOT_FOUND,
                    Html(format!(
                        "<!doctype html><title>Sluice</title><h1>The web UI is not built</h1>\
                         <p>No <code>index.html</code> in <code>{}</code>. Build it with \
                         <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>, or point \
                         <code>SLUICE_FRONTEND_DIR</code> at a build. The API is at \
                         <a href=\"/graphql\">/graphql</a>.</p>",
                        html_escape(&dir)
                    )),
                )
                    .into_response()
            }
        })
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_modes_serialize_as_the_ui_reads_them() {
        let password = SignIn::Password {
            endpoint: "http://127.0.0.1:5055".into(),
            region: "eu-west-1".into(),
            client_id: "abc".into(),
        };
        assert_eq!(
            serde_json::to_value(&password).expect("json"),
            serde_json::json!({"mode": "password", "endpoint": "http://127.0.0.1:5055", "region": "eu-west-1", "clientId": "abc"})
        );
        assert_eq!(serde_json::to_value(SignIn::Token).expect("json"), serde_json::json!({"mode": "token"}));
    }

    #[test]
    fn paths_are_escaped_in_the_not_built_page() {
        assert_eq!(html_escape("<a&b>"), "&lt;a&amp;b&gt;");
    }
}
