//! What a GraphQL request must pass before it runs, in order: its JSON measured and read, its
//! query text measured, parsed (see `documents`), and costed (see `cost`). Nothing here
//! recurses on text it has not measured, so no request can overflow a stack. The HTTP handler
//! runs it only for authenticated callers: anonymous ones are refused before any of it.

use std::sync::Arc;

use async_graphql::{Request, ServerError};

use super::{
    cost::{self, Measure, SchemaShape},
    documents::{DocumentCache, Prepared},
    limits::{self, LimitExceeded, Limits},
};

pub struct Gate {
    limits: Limits,
    shape: SchemaShape,
}

/// Why a request's HTTP body or query string could not be read as a GraphQL request; answered
/// with 400, as async-graphql answers an unreadable request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    #[error("the body is not a GraphQL request: {0}")]
    Body(String),
    #[error("the query string is not a GraphQL request: {0}")]
    QueryString(String),
}

impl Unreadable {
    pub fn to_server_error(&self) -> ServerError {
        match self {
            Unreadable::Limit(limit) => limit.to_server_error(),
            other => ServerError::new(other.to_string(), None),
        }
    }
}

impl Gate {
    pub fn new(limits: Limits) -> Self {
        Self { limits, shape: SchemaShape::from_sdl(&super::sdl()) }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A POSTed JSON body. serde_json refuses more than 128 levels itself, but what reads the
    /// values afterwards recurses too, so the body is held to the nesting limit first.
    pub fn read_body(&self, body: &[u8]) -> Result<Request, Unreadable> {
        // `{"variables": {` holds the values.
        limits::check_json(body, 2, &self.limits)?;
        serde_json::from_slice::<Request>(body).map_err(|e| Unreadable::Body(e.to_string()))
    }

    /// A GET query string (`query`, `operationName`, `variables`, `extensions`).
    pub fn read_query_string(&self, query: &str) -> Result<Request, Unreadable> {
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key == "variables" || key == "extensions" {
                limits::check_json(value.as_bytes(), 1, &self.limits)?;
            }
        }
        async_graphql::http::parse_query_string(query).map_err(|e| Unreadable::QueryString(e.to_string()))
    }

    /// The request's document, measured, parsed (or taken from `documents`) and costed. `None`
    /// when it does not parse: the schema then parses it again to report the error, which is
    /// safe now that its nesting is known.
    pub fn prepare(
        &self,
        documents: &DocumentCache,
        request: &Request,
    ) -> Result<Option<(Arc<Prepared>, Measure)>, ServerError> {
        limits::check_query_text(&request.query, &self.limits).map_err(|e| e.to_server_error())?;
        let Some(prepared) = documents.prepared(&request.query) else { return Ok(None) };
        let measure = cost::measure(&self.shape, &prepared.document, &request.variables, &self.limits)
            .map_err(|e| e.to_server_error())?;
        Ok(Some((prepared, measure)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate() -> Gate {
        Gate::new(Limits::default())
    }

    #[test]
    fn a_body_nested_past_the_limit_is_refused_before_it_is_read() {
        let deep = format!(
            r#"{{"query": "{{ a }}", "variables": {{"x": {}1{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        match gate().read_body(deep.as_bytes()) {
            Err(Unreadable::Limit(limit)) => assert_eq!(limit.seen, 100_000),
            other => panic!("{other:?}"),
        }
        let within = r#"{"query": "{ a }", "variables": {"x": [[1]]}, "operationName": null}"#;
        assert_eq!(gate().read_body(within.as_bytes()).map(|r| r.query), Ok("{ a }".to_owned()));
        assert!(matches!(gate().read_body(b"{\"query\": 1}"), Err(Unreadable::Body(_))));
    }

    #[test]
    fn get_variables_are_measured_before_they_are_read() {
        let deep = format!("query=%7Ba%7D&variables={}", "%5B".repeat(10_000));
        assert!(matches!(gate().read_query_string(&deep), Err(Unreadable::Limit(_))));
        let ok =
            gate().read_query_string("query=%7Ba%7D&variables=%7B%22x%22%3A%5B1%5D%7D").expect("readable");
        assert_eq!(ok.query, "{a}");
    }

    #[test]
    fn a_document_is_measured_before_it_is_parsed() {
        let documents = DocumentCache::default();
        let deep = Request::new(format!("{{ a(x: {}1{}) }}", "{a:".repeat(100_000), "}".repeat(100_000)));
        let refused = gate().prepare(&documents, &deep).expect_err("too deep");
        assert!(refused.message.contains("SLUICE_GRAPHQL_MAX_NESTING"), "{}", refused.message);
        assert!(documents.is_empty(), "nothing was parsed");
        let fine = Request::new("{ listOrganizations { count } }");
        let (prepared, measure) = gate().prepare(&documents, &fine).expect("within limits").expect("parses");
        assert!(prepared.read_only);
        assert_eq!(measure.cost, 2);
        assert!(gate().prepare(&documents, &Request::new("{ a ")).expect("measured").is_none());
    }
}
