//! Search adapters for the catalog's `SearchIndex` port: Tantivy in a local folder (embedded
//! mode's default) and OpenSearch (`SLUICE_OPENSEARCH_URL`). Both pass the shared suite in
//! `sluice_core::catalog::suite`.

mod highlight;
pub mod opensearch;
mod settings;
pub mod tantivy;

use std::sync::Arc;

use sluice_core::{Error, catalog::SearchIndex};

pub use opensearch::OpenSearchIndex;
pub use settings::{OpenSearchAuth, OpenSearchSettings, SearchSettings};
pub use tantivy::TantivyIndex;

pub(crate) fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Internal(Box::new(err))
}

/// Opens the configured index, creating it when missing; its `needs_rebuild` then says so.
pub async fn open(settings: &SearchSettings) -> sluice_core::Result<Arc<dyn SearchIndex>> {
    let index: Arc<dyn SearchIndex> = match settings {
        SearchSettings::Tantivy { dir } => {
            let dir = dir.clone();
            Arc::new(tokio::task::spawn_blocking(move || TantivyIndex::open(&dir)).await.map_err(internal)??)
        }
        SearchSettings::OpenSearch(os) => Arc::new(OpenSearchIndex::connect(os).await?),
    };
    tracing::info!(engine = index.kind(), fresh = index.needs_rebuild(), "search index open");
    Ok(index)
}
