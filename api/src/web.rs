//! The web UI: the built `frontend/dist` served at `/` with a fallback to `index.html` for
//! client-side routes, `/config.json`, which tells the UI how to sign users in, and GraphiQL's
//! page from the same build. Everything here goes out with the headers of [`security_headers`].

use std::{path::PathBuf, sync::Arc};

use axum::{
    Json, Router,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware,
    response::{Html, IntoResponse, Response},
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

impl SignIn {
    /// The origin the browser calls to sign in and refresh (Cognito's API or hosted UI), if any.
    fn origin(&self) -> Option<&str> {
        let url = match self {
            SignIn::Password { endpoint, .. } => endpoint,
            SignIn::Hosted { domain, .. } => domain,
            SignIn::Token => return None,
        };
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next().unwrap_or_default();
        let plain = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
        (!host.is_empty() && host.chars().all(plain)).then(|| &url[..scheme.len() + 3 + host.len()])
    }
}

/// The Content-Security-Policy of the UI's pages. Scripts come from Sluice's own origin only: no
/// inline script, no `eval`, no CDN; the page talks to Sluice and to the sign-in origin only, and
/// cannot be framed. Styles may be inline, as MUI writes its styles into `<style>` elements. The
/// tokens the UI keeps in localStorage are what an injected script would be after; this policy
/// is what keeps such a script from loading or sending anything (docs/AUTH.md).
pub fn content_security_policy(sign_in: &SignIn) -> String {
    let connect = match sign_in.origin() {
        Some(origin) => format!("connect-src 'self' {origin}"),
        None => "connect-src 'self'".to_owned(),
    };
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        // GraphiQL's editor runs its language services in workers from Sluice's own files.
        "worker-src 'self'",
        connect.as_str(),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    .join("; ")
}

/// The headers every response of the UI carries: its CSP, no MIME sniffing, no framing, and no
/// full URL (which may name a resource) sent to another origin.
pub fn security_headers(sign_in: &SignIn) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(sign_in)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers
}

/// GraphiQL's page, which `GET /graphql` (and `/graphql/api`) with no query answers: the UI
/// build's `graphiql.html`, whose scripts are the build's own files (nothing comes from a CDN,
/// so it works offline) and which calls the API with the signed-in user's token. Without a
/// build, a page that says how to make one and how to call the API meanwhile.
pub async fn graphiql(ui: Option<&WebUi>) -> Response {
    let headers = security_headers(ui.map_or(&SignIn::Token, |ui| &ui.sign_in));
    let page = match ui {
        Some(ui) => tokio::fs::read_to_string(ui.dir.join("graphiql.html")).await.ok(),
        None => None,
    };
    match page {
        Some(page) => (headers, Html(page)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            headers,
            Html(
                "<!doctype html><html lang=\"en\"><title>Sluice GraphQL</title><main><h1>GraphiQL is not built</h1>\
                 <p>GraphiQL, the GraphQL explorer, is part of the web UI's build: build it with \
                 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>, or point \
                 <code>SLUICE_FRONTEND_DIR</code> at a build. The API answers here meanwhile: POST a \
                 query to <code>/graphql</code> with <code>Authorization: Bearer &lt;token&gt;</code>.</p></main>",
            ),
        )
            .into_response(),
    }
}

/// `/config.json` always; the UI's files when they are there, otherwise a page saying how to
/// build them (the API keeps working either way).
pub fn router(ui: WebUi) -> Router {
    let headers = security_headers(&ui.sign_in);
    let with_headers = middleware::map_response(move |mut response: Response| {
        let headers = headers.clone();
        async move {
            response.headers_mut().extend(headers);
            response
        }
    });
    files(ui).layer(with_headers)
}

fn files(ui: WebUi) -> Router {
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
    fn the_csp_allows_scripts_from_sluice_only_and_connections_to_the_sign_in_origin() {
        let password = SignIn::Password {
            endpoint: "http://127.0.0.1:5055".into(),
            region: "eu-west-1".into(),
            client_id: "abc".into(),
        };
        let csp = content_security_policy(&password);
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("connect-src 'self' http://127.0.0.1:5055;"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let hosted = SignIn::Hosted {
            domain: "https://sluice.auth.eu-west-1.amazoncognito.com/path".into(),
            client_id: "abc".into(),
            scopes: vec![],
        };
        assert!(
            content_security_policy(&hosted)
                .contains("connect-src 'self' https://sluice.auth.eu-west-1.amazoncognito.com;")
        );
        assert!(content_security_policy(&SignIn::Token).contains("connect-src 'self';"));
        // A value that could end the directive (or start another) is left out, not pasted in.
        let odd = SignIn::Hosted {
            domain: "https://a.example; script-src *".into(),
            client_id: "x".into(),
            scopes: vec![],
        };
        assert!(
            content_security_policy(&odd).contains("connect-src 'self';"),
            "{}",
            content_security_policy(&odd)
        );
    }

    #[test]
    fn paths_are_escaped_in_the_not_built_page() {
        assert_eq!(html_escape("<a&b>"), "&lt;a&amp;b&gt;");
    }
}
