//! What one GraphQL request may ask and get back, and how a refusal reads. Every refusal names
//! the limit, its setting and the value the request came to, so a client knows what to change.

use async_graphql::{ErrorExtensions, ServerError};

/// The limits a request is held to; each is a `SLUICE_GRAPHQL_*` setting (see config.rs).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Fields inside one another, fragments followed.
    pub max_depth: usize,
    /// Lists, input objects and selection sets inside one another, in the text before it is
    /// parsed (and in JSON variables); fragments followed once parsed.
    pub max_nesting: usize,
    /// Objects the request may ask for: every field once per object it is asked of, a page's
    /// items once per page size asked (see `cost`).
    pub max_complexity: usize,
    /// Bytes of one answer, as JSON.
    pub max_answer_bytes: usize,
    pub introspection: bool,
}

/// Deeper than this, the parser refuses a document itself (async-graphql-parser's own limit on
/// selection sets), and values this deep are the most a 2 MiB stack was measured to take with a
/// wide margin; a higher setting is refused at start-up.
pub const NESTING_CEILING: usize = 64;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_nesting: 32,
            max_complexity: 5000,
            max_answer_bytes: 4 << 20,
            introspection: true,
        }
    }
}

/// The kinds of limit, with the setting that raises each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Lists and input objects in the query text.
    Values,
    /// Arrays and objects in the JSON of variables or extensions.
    Variables,
    /// Selection sets (and, once parsed, fragment spreads) inside one another.
    Selections,
    /// Fields inside one another.
    Depth,
    Complexity,
    AnswerBytes,
}

impl Limit {
    pub fn setting(self) -> &'static str {
        match self {
            Limit::Values | Limit::Variables | Limit::Selections => "SLUICE_GRAPHQL_MAX_NESTING",
            Limit::Depth => "SLUICE_GRAPHQL_MAX_DEPTH",
            Limit::Complexity => "SLUICE_GRAPHQL_MAX_COMPLEXITY",
            Limit::AnswerBytes => "SLUICE_GRAPHQL_MAX_ANSWER_BYTES",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::Values => "values in the query are nested too deep",
            Limit::Variables => "the request's JSON is nested too deep",
            Limit::Selections => "selection sets and fragments are nested too deep",
            Limit::Depth => "the query is nested too deep",
            Limit::Complexity => "the query is too complex",
            Limit::AnswerBytes => "the answer is too large",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Limit::Values | Limit::Variables | Limit::Selections => "levels",
            Limit::Depth => "fields",
            Limit::Complexity => "objects",
            Limit::AnswerBytes => "bytes",
        }
    }
}

/// A request refused by a limit before it ran (or, for the answer, before it was sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}: {}{} {}, over the limit of {} ({})",
    limit.what(),
    if *at_least { "at least " } else { "" },
    seen,
    limit.unit(),
    max,
    limit.setting()
)]
pub struct LimitExceeded {
    pub limit: Limit,
    pub max: u64,
    pub seen: u64,
    /// The count stopped once it was far enough over: `seen` is a lower bound.
    pub at_least: bool,
}

impl LimitExceeded {
    pub fn new(limit: Limit, max: usize, seen: usize) -> Self {
        Self { limit, max: max as u64, seen: seen as u64, at_least: false }
    }

    /// `LIMIT_EXCEEDED`, with the setting, the limit and the value seen as extensions.
    pub fn to_server_error(&self) -> ServerError {
        let (limit, max, seen) = (self.limit.setting(), self.max, self.seen);
        request_error(async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", "LIMIT_EXCEEDED");
            ext.set("limit", limit);
            ext.set("max", max);
            ext.set("seen", seen);
        }))
    }
}

/// An error about the whole request, so with no location in the document.
pub fn request_error(error: async_graphql::Error) -> ServerError {
    ServerError { extensions: error.extensions, ..ServerError::new(error.message, None) }
}

/// Text that would nest deeper than `limits` allows, measured before it is parsed.
pub fn check_query_text(query: &str, limits: &Limits) -> Result<(), LimitExceeded> {
    let nesting = super::nesting::document_nesting(query);
    if nesting.values > limits.max_nesting {
        return Err(LimitExceeded::new(Limit::Values, limits.max_nesting, nesting.values));
    }
    if nesting.selections > limits.max_nesting {
        return Err(LimitExceeded::new(Limit::Selections, limits.max_nesting, nesting.selections));
    }
    Ok(())
}

/// JSON (a request body, or GET's `variables`) whose values would nest deeper than allowed.
/// `envelope` is how many levels hold the values themselves: 2 for a body (`{"variables": {`),
/// 1 for GET's variables (`{`).
pub fn check_json(json: &[u8], envelope: usize, limits: &Limits) -> Result<(), LimitExceeded> {
    let depth = super::nesting::json_nesting(json).saturating_sub(envelope);
    if depth > limits.max_nesting {
        return Err(LimitExceeded::new(Limit::Variables, limits.max_nesting, depth));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_limit_its_setting_and_what_was_seen() {
        let err = LimitExceeded::new(Limit::Complexity, 5000, 61_000);
        assert_eq!(
            err.to_string(),
            "the query is too complex: 61000 objects, over the limit of 5000 (SLUICE_GRAPHQL_MAX_COMPLEXITY)"
        );
        let json = serde_json::to_value(err.to_server_error()).expect("json");
        assert!(json.get("locations").is_none(), "about the whole request: {json}");
        assert_eq!(json["extensions"]["code"], "LIMIT_EXCEEDED");
        assert_eq!(json["extensions"]["limit"], "SLUICE_GRAPHQL_MAX_COMPLEXITY");
        assert_eq!(
            (json["extensions"]["max"].as_u64(), json["extensions"]["seen"].as_u64()),
            (Some(5000), Some(61_000))
        );
        let partial = LimitExceeded { at_least: true, ..LimitExceeded::new(Limit::Complexity, 10, 41) };
        assert!(partial.to_string().contains("at least 41 objects"), "{partial}");
    }

    #[test]
    fn the_text_and_the_json_are_measured_against_the_nesting_limit() {
        let limits = Limits { max_nesting: 3, ..Limits::default() };
        assert!(check_query_text("{ a(x: [[[1]]]) { b { c } } }", &limits).is_ok());
        let values = check_query_text("{ a(x: [[[[1]]]]) }", &limits).expect_err("too deep");
        assert_eq!((values.limit, values.seen), (Limit::Values, 4));
        let selections = check_query_text("{ a { b { c { d } } } }", &limits).expect_err("too deep");
        assert_eq!((selections.limit, selections.seen), (Limit::Selections, 4));
        assert!(check_json(br#"{"variables": {"x": [[[1]]]}}"#, 2, &limits).is_ok());
        let json = check_json(br#"{"variables": {"x": [[[[1]]]]}}"#, 2, &limits).expect_err("too deep");
        assert_eq!((json.limit, json.seen), (Limit::Variables, 4));
    }
}
