//! Searching the catalog, and the admin's rebuild. Metadata is discoverable by every signed-in
//! user, as in data.all; with restricted visibility a search returns only what the actor's
//! teams may read, and the engine applies that before it counts and pages.

use std::sync::Arc;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::json;
use sluice_entities::{share_item as si, share_object as so};

use super::port::{SearchFilters, SearchIndex, SearchRequest, SearchResults, SortBy, Visibility};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, DatasetPermission, granted},
    page::PageRequest,
    shares::ItemStatus,
    tasks::{NewTask, Task, store, targets},
};

/// The `catalog.reindex` task: the worker rebuilds the index from the database.
pub const REINDEX_ACTION: &str = "catalog.reindex";

/// How deep pages may go: OpenSearch's default `max_result_window`, and a bound on what an
/// engine must rank to serve a page.
pub const MAX_RESULT_WINDOW: u64 = 10_000;

/// `SLUICE_CATALOG_VISIBILITY`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CatalogVisibility {
    /// Every signed-in user finds every entry (data.all's behaviour).
    #[default]
    Open,
    /// Entries of datasets the actor's teams may read (GET_DATASET), and items shared with them.
    Restricted,
}

#[derive(Debug, Clone, Default)]
pub struct CatalogQuery {
    pub term: Option<String>,
    pub filters: SearchFilters,
    pub sort: SortBy,
}

/// A page of hits, with facets over all of them.
#[derive(Debug, Clone)]
pub struct CatalogPage {
    pub page: PageRequest,
    pub results: SearchResults,
}

pub struct Catalog<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) index: Option<&'a Arc<dyn SearchIndex>>,
    pub(crate) visibility: CatalogVisibility,
}

impl Catalog<'_> {
    fn index(&self) -> Result<&dyn SearchIndex> {
        self.index
            .map(|i| i.as_ref())
            .ok_or_else(|| Error::Internal("this process has no search index configured".into()))
    }

    pub async fn search(
        &self,
        actor: &Actor,
        query: &CatalogQuery,
        page: PageRequest,
    ) -> Result<CatalogPage> {
        if query.term.as_deref().is_some_and(|t| t.len() > 200) {
            return Err(Error::validation("term", "at most 200 characters"));
        }
        if page.offset() + page.page_size > MAX_RESULT_WINDOW {
            return Err(Error::validation(
                "page",
                format!("only the first {MAX_RESULT_WINDOW} hits can be paged through; narrow the search"),
            ));
        }
        let visibility = match self.visibility {
            CatalogVisibility::Open => Visibility::All,
            CatalogVisibility::Restricted => self.readable(actor).await?,
        };
        let request = SearchRequest {
            term: query.term.clone(),
            filters: query.filters.clone(),
            visibility,
            offset: page.offset(),
            limit: page.page_size,
            sort: query.sort,
        };
        Ok(CatalogPage { page, results: self.index()?.search(&request).await? })
    }

    /// Datasets the actor's teams may read, and the items (with their datasets' own entries)
    /// shared with those teams.
    async fn readable(&self, actor: &Actor) -> Result<Visibility> {
        let datasets: Vec<String> = self
            .db
            .query_all(&granted(DatasetPermission::GetDataset, actor))
            .await?
            .into_iter()
            .filter_map(|row| row.try_get_by_index::<String>(0).ok())
            .collect();
        let shared: Vec<&str> = ItemStatus::SHARED.iter().map(|s| s.as_str()).collect();
        let shares: Vec<(String, String)> = so::Entity::find()
            .select_only()
            .columns([so::Column::ShareUri, so::Column::DatasetUri])
            .filter(so::Column::GroupUri.is_in(actor.groups().iter().cloned()))
            .into_tuple()
            .all(self.db)
            .await?;
        let mut items: Vec<String> = vec![];
        for batch in shares.chunks(500) {
            let uris: Vec<(String, String)> = si::Entity::find()
                .select_only()
                .columns([si::Column::ShareUri, si::Column::ItemUri])
                .filter(si::Column::ShareUri.is_in(batch.iter().map(|(s, _)| s.clone())))
                .filter(si::Column::Status.is_in(shared.iter().copied()))
                .into_tuple()
                .all(self.db)
                .await?;
            for (share, item) in uris {
                items.push(item);
                if let Some((_, dataset)) = batch.iter().find(|(s, _)| *s == share) {
                    items.push(dataset.clone());
                }
            }
        }
        items.sort();
        items.dedup();
        Ok(Visibility::Only { datasets, items })
    }

    /// Queues a rebuild of the index from the database. Platform admins only.
    pub async fn start_reindex(&self, actor: &Actor) -> Result<Task> {
        let result = self.start_reindex_inner(actor).await;
        audit::record_failure(
            self.db,
            actor,
            "startReindexCatalog",
            targets::PLATFORM,
            targets::PLATFORM,
            &result,
        )
        .await;
        result
    }

    async fn start_reindex_inner(&self, actor: &Actor) -> Result<Task> {
        authz::authorize_admin(actor)?;
        let txn = self.db.begin().await?;
        let task = enqueue_reindex(&txn, actor.username()).await?;
        audit::record(&txn, actor, "startReindexCatalog", &task.task_uri, "task", "queued a catalog rebuild")
            .await?;
        txn.commit().await?;
        Ok(task)
    }
}

/// Queues a rebuild; also used at start-up when the index had to be created.
pub(crate) async fn enqueue_reindex(db: &impl sea_orm::ConnectionTrait, requested_by: &str) -> Result<Task> {
    store::enqueue(
        db,
        NewTask {
            action: REINDEX_ACTION.into(),
            target_uri: targets::PLATFORM.into(),
            target_type: targets::PLATFORM.into(),
            payload: json!({"requestedBy": requested_by}),
        },
    )
    .await
}
