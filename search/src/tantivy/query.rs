//! Searches on a Tantivy searcher: the query (free text, filters and visibility in one boolean
//! query, so counts, facets and pages all see the same documents), then hits and facets. A
//! filtered field's facet is counted by a second pass without that field's filter.

use serde_json::{Value, json};
use sluice_core::{
    Result,
    catalog::{
        CatalogDocument, FACET_SIZE, Facet, FacetCount, FacetField, SearchFilters, SearchHit, SearchRequest,
        SearchResults, SortBy, Visibility, edit_distance_for,
    },
};
use tantivy::{
    DocAddress, Order, Searcher, TantivyDocument, Term,
    aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard, agg_req::Aggregations},
    collector::{Count, TopDocs},
    query::{
        AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, Query, TermQuery, TermSetQuery,
    },
    schema::{IndexRecordOption, Value as _},
};

use super::schema::{FINGERPRINT, Fields, URI};
use crate::{highlight::highlight, internal};

fn term_set(field: tantivy::schema::Field, values: &[String]) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(values.iter().map(|v| Term::from_field_text(field, v))))
}

/// Every term must match some text field, exactly or within its edit distance.
fn free_text(fields: &Fields, terms: &[String]) -> Vec<(Occur, Box<dyn Query>)> {
    terms
        .iter()
        .map(|t| {
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![];
            for (field, boost) in &fields.text {
                let term = Term::from_field_text(*field, t);
                let exact = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(exact), boost * 2.0))));
                let distance = edit_distance_for(t);
                if distance > 0 {
                    let fuzzy = FuzzyTermQuery::new(term, distance, true);
                    any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), *boost))));
                }
            }
            (Occur::Must, Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
        })
        .collect()
}

fn build(
    fields: &Fields,
    request: &SearchRequest,
    filters: &SearchFilters,
    terms: &[String],
) -> Box<dyn Query> {
    let mut clauses = free_text(fields, terms);
    for (facet, values) in filters.by_field() {
        if let Some((_, field)) = fields.facets.iter().find(|(f, _)| *f == facet) {
            clauses.push((Occur::Must, term_set(*field, &values)));
        }
    }
    match &request.visibility {
        Visibility::All => {}
        Visibility::Only { datasets, items } if datasets.is_empty() && items.is_empty() => {
            return Box::new(EmptyQuery);
        }
        Visibility::Only { datasets, items } => {
            let visible = BooleanQuery::new(vec![
                (Occur::Should, term_set(fields.dataset_uri, datasets)),
                (Occur::Should, term_set(fields.uri, items)),
            ]);
            clauses.push((Occur::Must, Box::new(visible)));
        }
    }
    if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) }
}

fn aggregations(facets: &[FacetField]) -> Result<Aggregations> {
    let mut request = serde_json::Map::new();
    for facet in facets {
        let name = facet.field_name();
        request.insert(name.to_owned(), json!({"terms": {"field": name, "size": FACET_SIZE}}));
    }
    serde_json::from_value(Value::Object(request)).map_err(internal)
}

fn collector(searcher: &Searcher, facets: &[FacetField]) -> Result<AggregationCollector> {
    let context =
        AggContextParams::new(AggregationLimitsGuard::default(), searcher.index().tokenizers().clone());
    Ok(AggregationCollector::from_aggs(aggregations(facets)?, context))
}

fn facets(results: &Value, fields: &[FacetField]) -> Vec<Facet> {
    fields
        .iter()
        .copied()
        .map(|field| {
            let mut values: Vec<FacetCount> = results[field.field_name()]["buckets"]
                .as_array()
                .map(|buckets| {
                    buckets
                        .iter()
                        .filter_map(|b| {
                            Some(FacetCount {
                                value: b["key"].as_str()?.to_owned(),
                                count: b["doc_count"].as_u64()?,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            Facet { field, values }
        })
        .collect()
}

fn hit(searcher: &Searcher, fields: &Fields, address: DocAddress, terms: &[String]) -> Result<SearchHit> {
    let stored: TantivyDocument = searcher.doc(address).map_err(internal)?;
    let json = stored.get_first(fields.doc).and_then(|v| v.as_str()).unwrap_or("{}");
    let doc: CatalogDocument = serde_json::from_str(json).map_err(internal)?;
    let text = doc.search_text();
    let highlight = highlight(&[&text.description, &text.columns, &text.children, &text.title], terms);
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

pub fn search(searcher: &Searcher, fields: &Fields, request: &SearchRequest) -> Result<SearchResults> {
    let terms = request.terms();
    let query = build(fields, request, &request.filters, &terms);
    let limit = usize::try_from(request.limit).unwrap_or(usize::MAX).max(1);
    let offset = usize::try_from(request.offset).unwrap_or(usize::MAX);
    // Fields without a filter are counted over the matches; each filtered one below.
    let filtered: Vec<FacetField> = request.filters.by_field().into_iter().map(|(f, _)| f).collect();
    let unfiltered: Vec<FacetField> = FacetField::ALL.into_iter().filter(|f| !filtered.contains(f)).collect();
    let aggs = collector(searcher, &unfiltered)?;
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let by_field = match request.sort {
        SortBy::Votes => Some(super::schema::VOTES_SORT),
        SortBy::Label => Some(super::schema::LABEL_SORT),
        SortBy::Relevance if terms.is_empty() => Some(super::schema::LABEL_SORT),
        SortBy::Relevance => None,
    };
    let (total, addresses, agg) = if let Some(field) = by_field {
        let by_label = top.order_by_string_fast_field(field, Order::Asc);
        let (total, docs, agg) = searcher.search(&query, &(Count, by_label, aggs)).map_err(internal)?;
        (total, docs.into_iter().map(|(_, a)| a).collect::<Vec<_>>(), agg)
    } else {
        let (total, docs, agg) =
            searcher.search(&query, &(Count, top.order_by_score(), aggs)).map_err(internal)?;
        (total, docs.into_iter().map(|(_, a)| a).collect::<Vec<_>>(), agg)
    };
    let agg = serde_json::to_value(&agg).map_err(internal)?;
    let mut counted = facets(&agg, &unfiltered);
    for field in filtered {
        let others = build(fields, request, &request.filters.without(field), &terms);
        let agg = searcher.search(&others, &collector(searcher, &[field])?).map_err(internal)?;
        counted.extend(facets(&serde_json::to_value(&agg).map_err(internal)?, &[field]));
    }
    counted.sort_by_key(|f| FacetField::ALL.iter().position(|a| *a == f.field));
    let hits = if request.limit == 0 {
        vec![]
    } else {
        addresses.into_iter().map(|a| hit(searcher, fields, a, &terms)).collect::<Result<Vec<_>>>()?
    };
    Ok(SearchResults { total: total as u64, hits, facets: counted })
}

/// Every live document's URI and fingerprint, read from the fast fields.
pub fn inventory(searcher: &Searcher) -> Result<Vec<(String, String)>> {
    let mut out = vec![];
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let (Some(uris), Some(prints)) =
            (fast.str(URI).map_err(internal)?, fast.str(FINGERPRINT).map_err(internal)?)
        else {
            continue;
        };
        let (mut uri, mut print) = (String::new(), String::new());
        for doc in segment.doc_ids_alive() {
            let (Some(u), Some(p)) = (uris.term_ords(doc).next(), prints.term_ords(doc).next()) else {
                continue;
            };
            uris.ord_to_str(u, &mut uri).map_err(internal)?;
            prints.ord_to_str(p, &mut print).map_err(internal)?;
            out.push((uri.clone(), print.clone()));
        }
    }
    Ok(out)
}
