//! Glossaries in data.all's dialect: the tree and its rules, links of terms to data with the
//! glossary team's approval, and the catalog finding data by approved terms.

mod links;
mod tree;

use serde_json::{Value, json};

use crate::support::TestApp;

pub const CREATE_GLOSSARY: &str = "mutation($i: CreateGlossaryInput) { createGlossary(input: $i) { nodeUri label admin owner path userRoleForGlossary } }";
pub const CREATE_CATEGORY: &str = "mutation($p: String!, $i: CreateCategoryInput) { createCategory(parentUri: $p, input: $i) { nodeUri parentUri path label } }";
pub const CREATE_TERM: &str = "mutation($p: String!, $i: CreateTermInput) { createTerm(parentUri: $p, input: $i) { nodeUri parentUri path label glossary { nodeUri label } } }";

/// Creates a glossary for `team` and returns its URI.
pub async fn glossary(app: &TestApp, token: &str, label: &str, team: &str) -> String {
    let made =
        app.ok(token, CREATE_GLOSSARY, json!({"i": {"label": label, "readme": "", "admin": team}})).await;
    uri(&made["createGlossary"])
}

pub async fn category(app: &TestApp, token: &str, parent: &str, label: &str) -> String {
    let made =
        app.ok(token, CREATE_CATEGORY, json!({"p": parent, "i": {"label": label, "readme": ""}})).await;
    uri(&made["createCategory"])
}

pub async fn term(app: &TestApp, token: &str, parent: &str, label: &str, readme: &str) -> String {
    let made =
        app.ok(token, CREATE_TERM, json!({"p": parent, "i": {"label": label, "readme": readme}})).await;
    uri(&made["createTerm"])
}

pub fn uri(node: &Value) -> String {
    node["nodeUri"].as_str().unwrap_or_else(|| panic!("no nodeUri in {node}")).to_owned()
}
