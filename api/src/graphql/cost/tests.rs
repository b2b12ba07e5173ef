use std::{collections::HashSet, sync::OnceLock};

use async_graphql::{
    Variables,
    parser::{parse_query, types::ExecutableDocument},
};
use serde_json::json;

use super::*;

fn shape() -> &'static SchemaShape {
    static SHAPE: OnceLock<SchemaShape> = OnceLock::new();
    SHAPE.get_or_init(|| SchemaShape::from_sdl(&crate::graphql::sdl()))
}

fn measure_with(query: &str, variables: serde_json::Value, limits: &Limits) -> Result<Measure, Refusal> {
    let document = parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    measure(shape(), &document, &Variables::from_json(variables), limits)
}

fn cost(query: &str, variables: serde_json::Value) -> u64 {
    let limits = Limits { max_complexity: usize::MAX / 8, ..Limits::default() };
    measure_with(query, variables, &limits).unwrap_or_else(|e| panic!("{query}: {e}")).cost
}

const TABLES: &str = "query Q($f: DatasetTableFilter) { getDataset(datasetUri: \"d\") { tables(filter: $f) { nodes { name } } } }";

#[test]
fn a_page_of_items_costs_its_page_size_in_every_way_it_can_be_asked() {
    // getDataset, tables, nodes, then one name per item.
    assert_eq!(cost(TABLES, json!({"f": {"pageSize": 7}})), 3 + 7);
    assert_eq!(cost(TABLES, json!({})), 3 + 10, "no page size: the resolver's default");
    assert_eq!(cost(TABLES, json!({"f": {"pageSize": 1000}})), 3 + 100, "reduced to the maximum");
    assert_eq!(cost(TABLES, json!({"f": {"pageSize": -5}})), 3 + 10, "refused by the resolver");
    let literal = "{ getDataset(datasetUri: \"d\") { tables(filter: {pageSize: 42}) { nodes { name } } } }";
    assert_eq!(cost(literal, json!({})), 3 + 42);
    let inner = "query Q($n: Int = 50) { getDataset(datasetUri: \"d\") { tables(filter: {pageSize: $n}) { nodes { name } } } }";
    assert_eq!(cost(inner, json!({"n": 3})), 3 + 3);
    assert_eq!(cost(inner, json!({})), 3 + 50, "the variable's default");
    let search = "{ searchCatalog(input: {pageSize: 20}) { nodes { label } } }";
    assert_eq!(cost(search, json!({})), 2 + 20);
}

#[test]
fn nested_pages_multiply_and_an_unsized_page_costs_the_maximum() {
    let query = "{ getDataset(datasetUri: \"d\") { label tables(filter: {pageSize: 100}) { count nodes { name columns { nodes { name } } } } } }";
    // getDataset, label, tables, count, nodes; 100 × (name, columns, nodes); 100 × 100 names.
    assert_eq!(cost(query, json!({})), 5 + 100 * 3 + 100 * 100);
}

#[test]
fn every_alias_counts() {
    let one = "{ listOrganizations(filter: {pageSize: 100}) { nodes { label } } }";
    let many = format!(
        "{{ {} }}",
        (0..50)
            .map(|i| format!("a{i}: listOrganizations(filter: {{pageSize: 100}}) {{ nodes {{ label }} }}"))
            .collect::<String>()
    );
    assert_eq!(cost(one, json!({})), 102);
    assert_eq!(cost(&many, json!({})), 50 * 102);
    let typenames = format!("{{ {} }}", (0..1000).map(|i| format!("t{i}: __typename ")).collect::<String>());
    assert_eq!(cost(&typenames, json!({})), 1000);
}

#[test]
fn fragments_cost_what_they_select_where_they_are_spread() {
    let query = "query { getDataset(datasetUri: \"d\") { tables(filter: {pageSize: 5}) { ...Page } } }
        fragment Page on DatasetTableSearchResult { count nodes { ...Table } }
        fragment Table on DatasetTable { name label }";
    assert_eq!(cost(query, json!({})), 4 + 5 * 2);
    let inline = "{ getDataset(datasetUri: \"d\") { tables(filter: {pageSize: 5}) { ... on DatasetTableSearchResult { nodes { name } } } } }";
    assert_eq!(cost(inline, json!({})), 3 + 5);
}

#[test]
fn introspection_costs_the_schema_it_describes_once_per_alias() {
    let one = cost("{ __schema { types { name } } }", json!({}));
    assert_eq!(one, shape().schema_objects + 2);
    let many = format!(
        "{{ {} }}",
        (0..200).map(|i| format!("s{i}: __schema {{ types {{ fields {{ name }} }} }} ")).collect::<String>()
    );
    let refused = measure_with(&many, json!({}), &Limits::default()).expect_err("200 schemas");
    assert!(matches!(refused, Refusal::Limit(LimitExceeded { limit: Limit::Complexity, .. })), "{refused}");
    assert_eq!(cost("{ __type(name: \"Dataset\") { name } }", json!({})), shape().largest_type_objects + 1);
    let off = Limits { introspection: false, ..Limits::default() };
    assert_eq!(
        measure_with(&many, json!({}), &off).map(|m| m.cost),
        Ok(200 * 4),
        "turned off, each answers null"
    );
}

#[test]
fn a_query_over_the_limit_is_refused_with_its_cost() {
    let limits = Limits { max_complexity: 100, ..Limits::default() };
    let query = "{ listOrganizations(filter: {pageSize: 100}) { nodes { label } } }";
    let refused = measure_with(query, json!({}), &limits).expect_err("102 > 100");
    assert_eq!(
        refused,
        Refusal::Limit(LimitExceeded { limit: Limit::Complexity, max: 100, seen: 102, at_least: false })
    );
    assert!(measure_with(query, json!({}), &Limits { max_complexity: 102, ..limits }).is_ok());
}

#[test]
fn depth_follows_fragments_and_stops_at_the_limit() {
    let limits = Limits { max_depth: 3, ..Limits::default() };
    let query =
        "{ getDataset(datasetUri: \"d\") { ...D } } fragment D on Dataset { tables { nodes { name } } }";
    let refused = measure_with(query, json!({}), &limits).expect_err("four fields deep");
    assert_eq!(refused, Refusal::Limit(LimitExceeded::new(Limit::Depth, 3, 4)));
    let ok = measure_with("{ getDataset(datasetUri: \"d\") { tables { count } } }", json!({}), &limits);
    assert_eq!(ok.map(|m| m.depth), Ok(3));
}

#[test]
fn fragments_that_spread_themselves_or_go_unused_are_refused() {
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    assert!(matches!(measure_with(cycle, json!({}), &Limits::default()), Err(Refusal::FragmentCycle(_))));
    let unused = "{ __typename } fragment A on Query { ...A }";
    assert_eq!(measure_with(unused, json!({}), &Limits::default()), Err(Refusal::UnusedFragment("A".into())));
}

#[test]
fn a_long_chain_of_fragments_is_refused_at_the_nesting_limit() {
    let chain: String =
        (0..10_000).map(|i| format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1)).collect();
    let query = format!("{{ ...F0 }}\n{chain}fragment F10000 on Query {{ __typename }}");
    let refused = measure_with(&query, json!({}), &Limits::default()).expect_err("too deep");
    assert_eq!(refused, Refusal::Limit(LimitExceeded::new(Limit::Selections, 32, 33)));
}

#[test]
fn fragments_that_double_at_every_level_are_refused_without_walking_them_all() {
    // Inlined, this is 2^30 fields; async-graphql's validation would walk every one.
    let mut doc = String::from("{ ...F30 }\nfragment F0 on Query { __typename }\n");
    for i in 1..=30 {
        doc.push_str(&format!(
            "fragment F{i} on Query {{ a: __typename ...F{p} b: __typename ...F{p} }}\n",
            p = i - 1
        ));
    }
    let started = std::time::Instant::now();
    let refused = measure_with(&doc, json!({}), &Limits::default()).expect_err("too costly");
    assert!(
        matches!(refused, Refusal::Limit(LimitExceeded { limit: Limit::Complexity, at_least: true, .. })),
        "{refused}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
}

#[test]
fn every_operation_of_a_document_is_counted() {
    let two =
        "query A { listOrganizations { nodes { label } } } query B { listOrganizations { nodes { label } } }";
    assert_eq!(cost(two, json!({})), 2 * (2 + 10));
}

/// The operations the web UI sends, from `graphql(\`…\`)` in its sources, each with the
/// fragments it spreads appended, as the codegen client sends them.
fn ui_operations() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() && !path.ends_with("gql") {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "tsx" || e == "ts") {
                let text = std::fs::read_to_string(&path).expect("source");
                for (i, chunk) in text.split("graphql(`").skip(1).enumerate() {
                    let document = chunk.split('`').next().expect("closing backtick");
                    out.push((format!("{}#{i}", path.display()), document.trim().to_owned()));
                }
            }
        }
    }
    let mut documents = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/src"), &mut documents);
    let (fragments, operations): (Vec<_>, Vec<_>) =
        documents.into_iter().partition(|(_, d)| d.starts_with("fragment "));
    let fragment_named = |name: &str| {
        fragments.iter().map(|(_, d)| d).find(|d| d.split_whitespace().nth(1) == Some(name)).cloned()
    };
    operations
        .into_iter()
        .map(|(name, mut document)| {
            let mut added = HashSet::new();
            loop {
                let spread: Option<String> = document
                    .split("...")
                    .skip(1)
                    .map(|rest| {
                        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()
                    })
                    .find(|f| {
                        !f.is_empty() && f != "on" && !added.contains(f) && fragment_named(f).is_some()
                    });
                let Some(spread) = spread else { break };
                document = format!("{document}\n{}", fragment_named(&spread).expect("found"));
                added.insert(spread);
            }
            (name, document)
        })
        .collect()
}

#[test]
fn every_ui_operation_fits_the_default_limit_at_the_largest_pages_its_variables_allow() {
    let operations = ui_operations();
    assert!(operations.len() > 30, "{} operations found", operations.len());
    let limits = Limits::default();
    for (name, document) in operations {
        let parsed = parse_query(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Every page size the UI leaves to a variable at the maximum: the most it can ask.
        let largest = largest_pages(&parsed);
        let measured = measure(shape(), &parsed, &largest, &limits);
        assert!(measured.is_ok(), "{name}: {measured:?}");
    }
}

/// Variables that ask for the largest page wherever the document takes a page size from one.
fn largest_pages(document: &ExecutableDocument) -> Variables {
    let mut variables = serde_json::Map::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            let name = definition.node.name.node.to_string();
            let ty = definition.node.var_type.node.to_string();
            let value = if ty.starts_with("Int") {
                json!(MAX_PAGE_SIZE)
            } else if ty.contains("Filter") || ty.contains("Input") {
                json!({"pageSize": MAX_PAGE_SIZE})
            } else {
                continue;
            };
            variables.insert(name, value);
        }
    }
    Variables::from_json(serde_json::Value::Object(variables))
}
