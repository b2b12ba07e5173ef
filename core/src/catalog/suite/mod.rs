//! The behaviour every `SearchIndex` adapter must show. Adapters call [`run_all`] from their
//! own tests with an [`Engine`] that opens fresh indexes. Relevance scores are never asserted:
//! engines score differently, and only which documents match is the contract.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod db;
mod index;

use std::sync::Arc;

use super::port::{
    CatalogDocument, DocumentKind, FacetField, SearchIndex, SearchRequest, SearchResults, Visibility,
};
use crate::testkit::Backend;

/// Opens indexes for the suite.
#[async_trait::async_trait]
pub trait Engine: Send {
    /// A new, empty index of its own.
    async fn open(&mut self) -> Arc<dyn SearchIndex>;

    /// Destroys `index`'s storage behind the platform's back (its folder, or the engine's
    /// index), then opens it again as a restart would.
    async fn lose_and_reopen(&mut self, index: Arc<dyn SearchIndex>) -> Arc<dyn SearchIndex>;
}

/// Runs every case; the database-backed ones on `backend`.
pub async fn run_all(engine: &mut dyn Engine, backend: Backend) {
    index::documents_are_indexed_updated_and_deleted(engine.open().await.as_ref()).await;
    index::free_text_matches_names_descriptions_and_columns_despite_one_typo(engine.open().await.as_ref())
        .await;
    index::filters_narrow_and_facets_count_every_match(engine.open().await.as_ref()).await;
    index::a_ticked_facet_keeps_counting_its_other_values(engine.open().await.as_ref()).await;
    index::pages_partition_the_results(engine.open().await.as_ref()).await;
    index::restricted_visibility_applies_before_counting_and_paging(engine.open().await.as_ref()).await;
    index::inventory_and_reset_see_every_document(engine.open().await.as_ref()).await;
    db::index_tasks_follow_the_database_and_deletes_are_not_lost(engine, backend).await;
    db::a_lost_index_is_rebuilt_from_the_database(engine, backend).await;
    db::reconciliation_repairs_missing_stale_and_orphaned_documents(engine, backend).await;
}

/// A document in organization `org1`, environment `env1`, region eu-west-1, Unclassified, owned
/// by TeamA; tests change what they need.
pub fn doc(kind: DocumentKind, uri: &str, dataset_uri: &str, label: &str) -> CatalogDocument {
    CatalogDocument {
        kind,
        uri: uri.to_owned(),
        dataset_uri: dataset_uri.to_owned(),
        name: label.to_lowercase().replace(' ', "_"),
        label: label.to_owned(),
        description: None,
        tags: vec![],
        topics: vec![],
        confidentiality: "Unclassified".into(),
        region: "eu-west-1".into(),
        environment_uri: "env1".into(),
        organization_uri: "org1".into(),
        owner_team: "TeamA".into(),
        stewards: None,
        columns: vec![],
        tables: vec![],
        folders: vec![],
        terms: vec![],
        up_votes: 0,
    }
}

pub fn request(term: Option<&str>) -> SearchRequest {
    SearchRequest {
        term: term.map(str::to_owned),
        filters: Default::default(),
        visibility: Visibility::All,
        offset: 0,
        limit: 100,
        sort: Default::default(),
    }
}

/// The hits' URIs, sorted.
pub fn uris(results: &SearchResults) -> Vec<String> {
    let mut out: Vec<String> = results.hits.iter().map(|h| h.uri.clone()).collect();
    out.sort();
    out
}

pub async fn found(index: &dyn SearchIndex, term: &str) -> Vec<String> {
    uris(&index.search(&request(Some(term))).await.expect("search"))
}

/// A facet's (value, count) pairs, sorted by value.
pub fn facet(results: &SearchResults, field: FacetField) -> Vec<(String, u64)> {
    let facet =
        results.facets.iter().find(|f| f.field == field).unwrap_or_else(|| panic!("no {field:?} facet"));
    let mut out: Vec<(String, u64)> = facet.values.iter().map(|v| (v.value.clone(), v.count)).collect();
    out.sort();
    out
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}
