//! OpenSearch request and response bodies: mappings, the indexed source, the search, and
//! reading hits, highlights and facets back. The query holds free text and visibility; the
//! facet filters are a `post_filter`, so each facet is a `filter` aggregation over the other
//! fields' filters only (disjunctive faceting), while hits and the total see them all.

use serde_json::{Map, Value, json};
use sluice_core::{
    Result,
    catalog::{
        CatalogDocument, FACET_SIZE, Facet, FacetCount, FacetField, HIGHLIGHT_CHARS, SearchFilters,
        SearchHit, SearchRequest, SearchResults, SortBy, Visibility, edit_distance_for, votes_sort_key,
    },
};

use crate::internal;

/// Free-text fields, with boosts as the Tantivy adapter uses them; highlights are taken from
/// the first of [`HIGHLIGHT_ORDER`] that has one.
const TEXT_FIELDS: [&str; 5] = ["title^3", "keywords^2", "description", "columns", "children"];
const HIGHLIGHT_ORDER: [&str; 4] = ["description", "columns", "children", "title"];
/// OpenSearch's `index.max_result_window` default: pages beyond it are empty.
const MAX_WINDOW: u64 = 10_000;

pub fn mappings(schema_version: u32) -> Value {
    let keyword = json!({"type": "keyword"});
    let text = json!({"type": "text"});
    let mut properties = Map::new();
    for name in ["uri", "datasetUri", "fingerprint", "labelSort", "votesSort"] {
        properties.insert(name.into(), keyword.clone());
    }
    for facet in FacetField::ALL {
        properties.insert(facet.field_name().into(), keyword.clone());
    }
    for name in ["title", "keywords", "description", "columns", "children"] {
        properties.insert(name.into(), text.clone());
    }
    // The catalog entry itself, returned with hits and never searched.
    properties.insert("doc".into(), json!({"type": "object", "enabled": false}));
    json!({
        "mappings": {
            "dynamic": "strict",
            "_meta": {"schemaVersion": schema_version},
            "properties": properties,
        }
    })
}

/// What is indexed for a document.
pub fn source(doc: &CatalogDocument) -> Result<Value> {
    let text = doc.search_text();
    let mut source = json!({
        "uri": doc.uri,
        "datasetUri": doc.dataset_uri,
        "fingerprint": doc.fingerprint(),
        "labelSort": doc.label.to_lowercase(),
        "votesSort": votes_sort_key(doc),
        "title": text.title,
        "keywords": text.keywords,
        "description": text.description,
        "columns": text.columns,
        "children": text.children,
        "doc": serde_json::to_value(doc).map_err(internal)?,
    });
    for facet in FacetField::ALL {
        source[facet.field_name()] = json!(facet.values(doc));
    }
    Ok(source)
}

fn query(request: &SearchRequest, terms: &[String]) -> Value {
    let must: Vec<Value> = terms
        .iter()
        .map(|t| json!({"multi_match": {"query": t, "fields": TEXT_FIELDS, "fuzziness": edit_distance_for(t)}}))
        .collect();
    let mut filter: Vec<Value> = vec![];
    match &request.visibility {
        Visibility::All => {}
        Visibility::Only { datasets, items } => filter.push(json!({"bool": {
            "should": [{"terms": {"datasetUri": datasets}}, {"terms": {"uri": items}}],
            "minimum_should_match": 1,
        }})),
    }
    if must.is_empty() && filter.is_empty() {
        return json!({"match_all": {}});
    }
    json!({"bool": {"must": must, "filter": filter}})
}

fn facet_filters(filters: &SearchFilters) -> Vec<Value> {
    filters
        .by_field()
        .into_iter()
        .map(|(field, values)| json!({"terms": {field.field_name(): values}}))
        .collect()
}

pub fn search_body(request: &SearchRequest, terms: &[String]) -> Value {
    let mut aggs = Map::new();
    for facet in FacetField::ALL {
        let others = facet_filters(&request.filters.without(facet));
        aggs.insert(
            facet.field_name().into(),
            json!({
                "filter": {"bool": {"filter": others}},
                "aggs": {"values": {"terms": {"field": facet.field_name(), "size": FACET_SIZE}}},
            }),
        );
    }
    let fragment = json!({"number_of_fragments": 1, "fragment_size": HIGHLIGHT_CHARS});
    let highlight: Map<String, Value> =
        HIGHLIGHT_ORDER.iter().map(|f| ((*f).to_owned(), fragment.clone())).collect();
    let in_window = request.offset.min(MAX_WINDOW);
    let size = request.limit.min(MAX_WINDOW - in_window);
    let mut sort = vec![json!({"labelSort": "asc"}), json!({"uri": "asc"})];
    match request.sort {
        SortBy::Votes => sort.insert(0, json!({"votesSort": "asc"})),
        SortBy::Relevance if !terms.is_empty() => sort.insert(0, json!("_score")),
        SortBy::Relevance | SortBy::Label => {}
    }
    json!({
        "query": query(request, terms),
        "post_filter": {"bool": {"filter": facet_filters(&request.filters)}},
        "from": in_window,
        "size": size,
        "track_total_hits": true,
        "sort": sort,
        "aggs": aggs,
        "highlight": {"encoder": "html", "pre_tags": ["<em>"], "post_tags": ["</em>"], "fields": highlight},
        "_source": ["doc"],
    })
}

pub fn inventory_body(size: usize, after: Option<Value>) -> Value {
    let mut body = json!({
        "query": {"match_all": {}},
        "size": size,
        "sort": [{"uri": "asc"}],
        "_source": ["uri", "fingerprint"],
    });
    if let Some(after) = after {
        body["search_after"] = after;
    }
    body
}

fn hit(raw: &Value) -> Result<SearchHit> {
    let doc: CatalogDocument = serde_json::from_value(raw["_source"]["doc"].clone()).map_err(internal)?;
    let highlight = HIGHLIGHT_ORDER.iter().find_map(|f| raw["highlight"][*f][0].as_str()).map(str::to_owned);
    Ok(SearchHit {
        kind: doc.kind,
        uri: doc.uri,
        dataset_uri: doc.dataset_uri,
        name: doc.name,
        label: doc.label,
        description: doc.description,
        highlight,
        up_votes: doc.up_votes,
    })
}

pub fn results(answer: &Value, request: &SearchRequest) -> Result<SearchResults> {
    let total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0);
    let hits = if request.offset >= MAX_WINDOW {
        vec![]
    } else {
        answer["hits"]["hits"].as_array().into_iter().flatten().map(hit).collect::<Result<Vec<_>>>()?
    };
    let facets = FacetField::ALL
        .into_iter()
        .map(|field| {
            let mut values: Vec<FacetCount> = answer["aggregations"][field.field_name()]["values"]["buckets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| {
                    Some(FacetCount { value: b["key"].as_str()?.to_owned(), count: b["doc_count"].as_u64()? })
                })
                .collect();
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            Facet { field, values }
        })
        .collect();
    Ok(SearchResults { total, hits, facets })
}
