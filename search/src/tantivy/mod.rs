//! The embedded adapter: a Tantivy index in a local folder, `<dir>/v<schema version>`. A folder
//! that is missing, unreadable or of another schema version is replaced by an empty index that
//! asks for a rebuild from the database.
//!
//! Writes take Tantivy's writer lock for one batch only, so another process on the same folder
//! (an `ecs-tasks reconcile-catalog` child) can write between them; a busy lock is retried.

mod query;
mod schema;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use sluice_core::{
    Result,
    catalog::{CatalogDocument, SearchIndex, SearchRequest, SearchResults},
};
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
    directory::error::LockError,
};

use self::schema::Fields;
use crate::internal;

/// Bump when the schema or the way documents are indexed changes: a new version's folder
/// starts empty and is rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 2;

/// The writer's memory budget per batch.
const WRITER_MEMORY: usize = 50_000_000;
/// How long a write waits for another process's writer.
const LOCK_WAIT: Duration = Duration::from_secs(60);

pub struct TantivyIndex {
    index: Index,
    reader: IndexReader,
    fields: Arc<Fields>,
    /// One writer at a time in this process; Tantivy's lock file guards across processes.
    write: tokio::sync::Mutex<()>,
    /// A search is CPU work from start to end, so more searches at once than cores only adds
    /// threads, each holding its own collectors and malloc arena: at 64 clients the server's
    /// memory went past its 150 MB target. Searches beyond this many wait their turn.
    searches: Arc<tokio::sync::Semaphore>,
    needs_rebuild: bool,
    dir: Option<PathBuf>,
}

impl TantivyIndex {
    /// Opens the index under `dir`, creating an empty one (which then needs a rebuild) when
    /// this schema version has none or it cannot be read.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(format!("v{SCHEMA_VERSION}"));
        let (index, created) = match Index::open_in_dir(&path) {
            Ok(index) if index.schema() == schema::build() => (index, false),
            Ok(_) | Err(_) => {
                if path.exists() {
                    tracing::warn!(path = %path.display(), "the search index is unreadable or of another schema; recreating it");
                    std::fs::remove_dir_all(&path).map_err(internal)?;
                }
                std::fs::create_dir_all(&path).map_err(internal)?;
                let index = match Index::create_in_dir(&path, schema::build()) {
                    Ok(index) => index,
                    // Another process created it first.
                    Err(_) => Index::open_in_dir(&path).map_err(internal)?,
                };
                (index, true)
            }
        };
        remove_other_versions(dir);
        let mut opened = Self::from_index(index, created)?;
        opened.dir = Some(dir.to_owned());
        Ok(opened)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self> {
        Self::from_index(Index::create_in_ram(schema::build()), true)
    }

    fn from_index(index: Index, needs_rebuild: bool) -> Result<Self> {
        let fields = Arc::new(Fields::resolve(&index.schema()).map_err(internal)?);
        // Commits by another process on the same folder show up within the delay.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(internal)?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            index,
            reader,
            fields,
            write: tokio::sync::Mutex::new(()),
            searches: Arc::new(tokio::sync::Semaphore::new(cores)),
            needs_rebuild,
            dir: None,
        })
    }

    /// The folder given to [`Self::open`].
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Runs `ops` on a writer of its own and commits, then makes the result visible here.
    async fn write(
        &self,
        ops: impl FnOnce(&IndexWriter, &Fields) -> Result<()> + Send + 'static,
    ) -> Result<()> {
        let _guard = self.write.lock().await;
        let index = self.index.clone();
        let fields = self.fields.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = acquire(&index)?;
            ops(&writer, &fields)?;
            writer.commit().map_err(internal)?;
            // Merges finish before the lock is released, so small batches do not pile up segments.
            writer.wait_merging_threads().map_err(internal)
        })
        .await
        .map_err(internal)??;
        self.reader.reload().map_err(internal)
    }
}

fn acquire(index: &Index) -> Result<IndexWriter> {
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match index.writer_with_num_threads(1, WRITER_MEMORY) {
            Ok(writer) => return Ok(writer),
            Err(TantivyError::LockFailure(LockError::LockBusy, _))
                if std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => return Err(internal(err)),
        }
    }
}

/// Folders of older schema versions are never read again.
fn remove_other_versions(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let current = format!("v{SCHEMA_VERSION}");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let versioned = name.strip_prefix('v').is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        if versioned
            && name != current
            && let Err(err) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(error = %err, folder = %entry.path().display(), "could not remove an old search index");
        }
    }
}

#[async_trait::async_trait]
impl SearchIndex for TantivyIndex {
    fn kind(&self) -> &'static str {
        "tantivy"
    }

    fn needs_rebuild(&self) -> bool {
        self.needs_rebuild
    }

    async fn upsert(&self, docs: &[CatalogDocument]) -> Result<()> {
        let docs = docs.to_vec();
        self.write(move |writer, fields| {
            for doc in &docs {
                writer.delete_term(Term::from_field_text(fields.uri, &doc.uri));
                let document: TantivyDocument = fields.document(doc)?;
                writer.add_document(document).map_err(internal)?;
            }
            Ok(())
        })
        .await
    }

    async fn delete(&self, uris: &[String]) -> Result<()> {
        let uris = uris.to_vec();
        self.write(move |writer, fields| {
            for uri in &uris {
                writer.delete_term(Term::from_field_text(fields.uri, uri));
            }
            Ok(())
        })
        .await
    }

    async fn delete_dataset(&self, dataset_uri: &str) -> Result<()> {
        let dataset_uri = dataset_uri.to_owned();
        self.write(move |writer, fields| {
            writer.delete_term(Term::from_field_text(fields.dataset_uri, &dataset_uri));
            Ok(())
        })
        .await
    }

    async fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        // Owned, and moved into the blocking task: a caller that gives up stops waiting, but the
        // search it started keeps its slot until it ends.
        let turn = self.searches.clone().acquire_owned().await.map_err(internal)?;
        let searcher = self.reader.searcher();
        let fields = self.fields.clone();
        let request = request.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            query::search(&searcher, &fields, &request)
        })
        .await
        .map_err(internal)?
    }

    async fn inventory(&self) -> Result<Vec<(String, String)>> {
        let searcher = self.reader.searcher();
        tokio::task::spawn_blocking(move || query::inventory(&searcher)).await.map_err(internal)?
    }

    async fn reset(&self) -> Result<()> {
        self.write(|writer, _| writer.delete_all_documents().map(|_| ()).map_err(internal)).await
    }
}

impl From<TantivyIndex> for Arc<dyn SearchIndex> {
    fn from(index: TantivyIndex) -> Self {
        Arc::new(index)
    }
}
