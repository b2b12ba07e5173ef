//! Both adapters against the shared catalog suite: Tantivy in temporary folders, OpenSearch
//! on the osmem-server `make test` starts (`SLUICE_TEST_OPENSEARCH_URL`).

use std::sync::Arc;

use sluice_core::{
    catalog::{SearchIndex, suite},
    on_both_backends,
    testkit::Backend,
};
use sluice_search::{OpenSearchAuth, OpenSearchIndex, OpenSearchSettings, TantivyIndex};

struct Tantivy {
    dirs: Vec<tempfile::TempDir>,
}

#[async_trait::async_trait]
impl suite::Engine for Tantivy {
    async fn open(&mut self) -> Arc<dyn SearchIndex> {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = TantivyIndex::open(dir.path()).expect("open");
        assert!(index.needs_rebuild(), "a new folder asks for a rebuild");
        self.dirs.push(dir);
        Arc::new(index)
    }

    async fn lose_and_reopen(&mut self, index: Arc<dyn SearchIndex>) -> Arc<dyn SearchIndex> {
        drop(index);
        let dir = self.dirs.last().expect("an open index").path().to_owned();
        std::fs::remove_dir_all(&dir).expect("remove the folder");
        Arc::new(TantivyIndex::open(&dir).expect("reopen"))
    }
}

async fn tantivy_passes_the_catalog_suite(backend: Backend) {
    suite::run_all(&mut Tantivy { dirs: vec![] }, backend).await;
}

pub fn opensearch_url() -> String {
    std::env::var("SLUICE_TEST_OPENSEARCH_URL")
        .expect("start osmem-server (make test does) and set SLUICE_TEST_OPENSEARCH_URL")
}

struct Osmem {
    url: String,
    last: Option<OpenSearchSettings>,
}

impl Osmem {
    fn settings(&self) -> OpenSearchSettings {
        OpenSearchSettings {
            url: self.url.clone(),
            index_prefix: format!("suite-{:016x}", rand::random::<u64>()),
            auth: OpenSearchAuth::None,
        }
    }
}

#[async_trait::async_trait]
impl suite::Engine for Osmem {
    async fn open(&mut self) -> Arc<dyn SearchIndex> {
        let settings = self.settings();
        let index = OpenSearchIndex::connect(&settings).await.expect("connect");
        assert!(index.needs_rebuild(), "a new index asks for a rebuild");
        let again = OpenSearchIndex::connect(&settings).await.expect("connect again");
        assert!(!again.needs_rebuild(), "an existing index is reused");
        self.last = Some(settings);
        Arc::new(index)
    }

    async fn lose_and_reopen(&mut self, index: Arc<dyn SearchIndex>) -> Arc<dyn SearchIndex> {
        drop(index);
        let settings = self.last.clone().expect("an open index");
        let name = format!("{}-v{}", settings.index_prefix, sluice_search::opensearch::SCHEMA_VERSION);
        let deleted =
            reqwest::Client::new().delete(format!("{}/{name}", self.url)).send().await.expect("delete");
        assert!(deleted.status().is_success(), "{}", deleted.status());
        Arc::new(OpenSearchIndex::connect(&settings).await.expect("reconnect"))
    }
}

async fn opensearch_passes_the_catalog_suite(backend: Backend) {
    suite::run_all(&mut Osmem { url: opensearch_url(), last: None }, backend).await;
}

on_both_backends!(tantivy_passes_the_catalog_suite, opensearch_passes_the_catalog_suite);
