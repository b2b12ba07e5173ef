//! Parsed GraphQL documents, kept by their text. Only text the gate has measured is parsed
//! here (see `gate`). The UI and scripts send the same few documents
//! with different variables, and parsing one took a sixteenth of the server's CPU per request;
//! a clone of the parsed document costs a fraction of that, and a kept answer (see
//! `read_cache`) needs no clone at all.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use async_graphql::parser::{
    parse_query,
    types::{ExecutableDocument, OperationType},
};

use super::covered::is_covered;

/// Documents longer than this are parsed every time: they are rare, and would crowd the cache.
const MAX_CACHED_LEN: usize = 16 * 1024;

/// A parsed document and what the server decides from it before running it.
#[derive(Debug)]
pub struct Prepared {
    pub document: ExecutableDocument,
    /// Queries only: nothing in it writes, so it may read through the read cache.
    pub read_only: bool,
    covered: OnceLock<bool>,
}

impl Prepared {
    fn parse(query: &str) -> Option<Self> {
        let document = parse_query(query).ok()?;
        let read_only = document.operations.iter().all(|(_, op)| op.node.ty == OperationType::Query);
        Some(Self { document, read_only, covered: OnceLock::new() })
    }

    /// Its whole answer may be kept while the read epoch stands (see `covered`). Decided on
    /// first use rather than at parse: the check inlines fragments, so it must wait until the
    /// cost walk (`gate`) has bounded what inlining them comes to.
    pub fn covered(&self) -> bool {
        *self.covered.get_or_init(|| is_covered(&self.document))
    }
}

#[derive(Debug)]
pub struct DocumentCache {
    capacity: usize,
    documents: Mutex<HashMap<String, Arc<Prepared>>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self::with_capacity(256)
    }
}

impl DocumentCache {
    pub fn with_capacity(capacity: usize) -> Self {
        Self { capacity, documents: Mutex::new(HashMap::new()) }
    }

    /// `query` parsed, from the cache or parsed now and kept. `None` when it does not parse: the
    /// schema then reports the error as usual.
    pub fn prepared(&self, query: &str) -> Option<Arc<Prepared>> {
        if let Some(found) = self.lock().get(query) {
            return Some(found.clone());
        }
        let prepared = Arc::new(Prepared::parse(query)?);
        if query.len() <= MAX_CACHED_LEN {
            let mut documents = self.lock();
            // Scripts that inline their literals would fill the cache with one-off documents;
            // starting over bounds its memory without bookkeeping on every hit.
            if documents.len() >= self.capacity {
                documents.clear();
            }
            documents.insert(query.to_owned(), prepared.clone());
        }
        Some(prepared)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Prepared>>> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_parsed_once_and_reused_as_parsed() {
        let cache = DocumentCache::with_capacity(4);
        let first = cache.prepared("query A { a b }").expect("parses");
        assert_eq!(cache.len(), 1);
        let again = cache.prepared("query A { a b }").expect("parses");
        assert_eq!(cache.len(), 1);
        assert!(Arc::ptr_eq(&first, &again), "the kept parse is handed out again");
        assert!(again.read_only);
    }

    #[test]
    fn a_bad_document_is_not_kept() {
        let cache = DocumentCache::with_capacity(4);
        assert!(cache.prepared("query { a ").is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn what_a_document_allows_is_decided_once_and_kept_with_its_parse() {
        let cache = DocumentCache::with_capacity(4);
        let write = cache.prepared("query Q { a } mutation M { b }").expect("parses");
        assert!(!write.read_only, "a document with a mutation may write");
        assert!(!write.covered());
        let page = cache.prepared("{ getDataset(datasetUri: \"d\") { label } }").expect("parses");
        assert!(page.read_only && page.covered());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = DocumentCache::with_capacity(3);
        for i in 0..10 {
            cache.prepared(&format!("{{ a{i} }}")).expect("parses");
            assert!(cache.len() <= 3, "{} documents after {i}", cache.len());
        }
        let before = cache.len();
        let huge = cache.prepared(&format!("{{ {} }}", "a ".repeat(MAX_CACHED_LEN)));
        assert!(huge.is_some(), "a long document is still parsed");
        assert_eq!(cache.len(), before, "a long document is not kept");
    }

    #[test]
    fn parsing_does_not_inline_fragments() {
        // 2^30 fields once inlined: whatever inlines them must wait for the cost walk.
        let mut doc = String::from("{ ...F30 }\nfragment F0 on Query { __typename }\n");
        for i in 1..=30 {
            doc.push_str(&format!("fragment F{i} on Query {{ ...F{p} ...F{p} }}\n", p = i - 1));
        }
        let started = std::time::Instant::now();
        assert!(DocumentCache::default().prepared(&doc).is_some());
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }
}
