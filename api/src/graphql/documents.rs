//! Parsed GraphQL documents, kept by their text. The UI and scripts send the same few documents
//! with different variables, and parsing one took a sixteenth of the server's CPU per request;
//! a clone of the parsed document costs a fraction of that.

use std::{collections::HashMap, sync::Mutex};

use async_graphql::{Request, parser::types::ExecutableDocument};

/// Documents longer than this are parsed every time: they are rare, and would crowd the cache.
const MAX_CACHED_LEN: usize = 16 * 1024;

#[derive(Debug)]
pub struct DocumentCache {
    capacity: usize,
    documents: Mutex<HashMap<String, ExecutableDocument>>,
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

    /// Gives `request` its parsed document from the cache, or parses it and keeps the result.
    /// A document that fails to parse is left for the schema to report as usual.
    pub fn prepare(&self, request: &mut Request) {
        if request.query.len() > MAX_CACHED_LEN {
            return;
        }
        let cached = self.lock().get(&request.query).cloned();
        if let Some(document) = cached {
            request.set_parsed_query(document);
            return;
        }
        let Ok(document) = request.parsed_query().cloned() else { return };
        let mut documents = self.lock();
        // Scripts that inline their literals would fill the cache with one-off documents; starting
        // over bounds its memory without bookkeeping on every hit.
        if documents.len() >= self.capacity {
            documents.clear();
        }
        documents.insert(request.query.clone(), document);
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ExecutableDocument>> {
        self.documents.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Request {
        Request::new(query)
    }

    #[test]
    fn a_document_is_parsed_once_and_reused_as_parsed() {
        let cache = DocumentCache::with_capacity(4);
        let mut first = request("query A { a b }");
        cache.prepare(&mut first);
        assert_eq!(cache.len(), 1);
        let mut again = request("query A { a b }");
        cache.prepare(&mut again);
        assert_eq!(cache.len(), 1);
        let parsed = again.parsed_query().expect("parsed").clone();
        assert_eq!(format!("{parsed:?}"), format!("{:?}", first.parsed_query().expect("parsed")));
    }

    #[test]
    fn a_bad_document_is_not_kept_and_still_fails_to_parse() {
        let cache = DocumentCache::with_capacity(4);
        let mut bad = request("query { a ");
        cache.prepare(&mut bad);
        assert!(cache.is_empty());
        assert!(bad.parsed_query().is_err());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = DocumentCache::with_capacity(3);
        for i in 0..10 {
            cache.prepare(&mut request(&format!("{{ a{i} }}")));
            assert!(cache.len() <= 3, "{} documents after {i}", cache.len());
        }
        let before = cache.len();
        let mut huge = request(&format!("{{ {} }}", "a ".repeat(MAX_CACHED_LEN)));
        cache.prepare(&mut huge);
        assert!(huge.parsed_query().is_ok(), "a long document is still parsed by the schema");
        assert_eq!(cache.len(), before, "a long document is not cached");
    }
}
