//! The catalog: datasets, tables and folders as search documents, kept in step with the
//! database through index tasks, and searched through the [`SearchIndex`] port.

mod documents;
mod indexing;
mod port;
mod service;
#[cfg(any(test, feature = "testkit"))]
pub mod suite;

pub use documents::{DatasetDocuments, Scope, dataset_documents};
pub use indexing::{Indexed, Rebuilt, Reconciled};
pub(crate) use indexing::{apply_index_task, rebuild, reconcile};
pub use port::{
    CatalogDocument, ColumnDoc, DocumentKind, FACET_SIZE, Facet, FacetCount, FacetField, HIGHLIGHT_CHARS,
    MAX_TERMS, SearchFilters, SearchHit, SearchIndex, SearchRequest, SearchResults, SearchText, SortBy,
    Visibility, edit_distance_for, query_terms, votes_sort_key, words,
};
pub(crate) use service::enqueue_reindex;
pub use service::{Catalog, CatalogPage, CatalogQuery, CatalogVisibility, REINDEX_ACTION};
