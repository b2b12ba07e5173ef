use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject};
use sluice_core::{
    catalog::{CatalogPage, CatalogQuery, DocumentKind, Facet, FacetField, SearchFilters, SearchHit, SortBy},
    page::Page,
};

use crate::graphql::{
    actor,
    datasets::{DatasetRole, dataset},
};

/// What a catalog entry is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum CatalogResourceKind {
    Dataset,
    Table,
    Folder,
}

impl From<DocumentKind> for CatalogResourceKind {
    fn from(k: DocumentKind) -> Self {
        match k {
            DocumentKind::Dataset => Self::Dataset,
            DocumentKind::Table => Self::Table,
            DocumentKind::Folder => Self::Folder,
        }
    }
}

impl From<CatalogResourceKind> for DocumentKind {
    fn from(k: CatalogResourceKind) -> Self {
        match k {
            CatalogResourceKind::Dataset => Self::Dataset,
            CatalogResourceKind::Table => Self::Table,
            CatalogResourceKind::Folder => Self::Folder,
        }
    }
}

/// Within a filter any listed value matches; across filters all must.
#[derive(InputObject, Default)]
pub struct SearchCatalogFilters {
    pub resource_kind: Option<Vec<CatalogResourceKind>>,
    pub tags: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub region: Option<Vec<String>>,
    pub environment_uri: Option<Vec<String>>,
    pub organization_uri: Option<Vec<String>>,
    pub confidentiality: Option<Vec<String>>,
    /// Glossary term labels; only terms the glossary's team approved on an item count.
    pub terms: Option<Vec<String>>,
}

/// The order of hits.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(rename_items = "lowercase")]
pub enum CatalogSortBy {
    /// Best match first with a term, by label without one.
    #[default]
    Relevance,
    Label,
    /// Most up-voted datasets first (votes are on datasets: tables and folders follow them,
    /// by label).
    Votes,
}

impl From<CatalogSortBy> for SortBy {
    fn from(s: CatalogSortBy) -> Self {
        match s {
            CatalogSortBy::Relevance => Self::Relevance,
            CatalogSortBy::Label => Self::Label,
            CatalogSortBy::Votes => Self::Votes,
        }
    }
}

#[derive(InputObject, Default)]
pub struct SearchCatalogInput {
    /// Free text; empty lists every entry by label.
    pub term: Option<String>,
    pub filters: Option<SearchCatalogFilters>,
    pub sort_by: Option<CatalogSortBy>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

impl SearchCatalogInput {
    pub fn into_query(self) -> async_graphql::Result<CatalogQuery> {
        let f = self.filters.unwrap_or_default();
        let list = |v: Option<Vec<String>>| v.unwrap_or_default();
        Ok(CatalogQuery {
            term: self.term.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
            filters: SearchFilters {
                kinds: f.resource_kind.unwrap_or_default().into_iter().map(Into::into).collect(),
                tags: list(f.tags),
                topics: list(f.topics),
                regions: list(f.region),
                environment_uris: list(f.environment_uri),
                organization_uris: list(f.organization_uri),
                confidentiality: list(f.confidentiality),
                terms: list(f.terms),
            },
            sort: self.sort_by.unwrap_or_default().into(),
        })
    }
}

/// One catalog entry that matched.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CatalogHit {
    kind: CatalogResourceKind,
    /// The dataset's, table's or folder's URI.
    uri: String,
    /// The dataset it belongs to (its own URI for a dataset).
    dataset_uri: String,
    name: String,
    label: String,
    description: Option<String>,
    /// Plain text: the passage that matched, or the start of the description.
    snippet: String,
    /// The matching passage as HTML: text escaped, matched words in `<em>`; null when the
    /// words matched only a tag or topic, or there was no term.
    highlight: Option<String>,
    /// How many users vote the dataset up; 0 for tables and folders.
    upvotes: i32,
}

#[ComplexObject]
impl CatalogHit {
    /// Your role on the hit's dataset, as getDataset's userRoleForDataset gives it: Admin or
    /// DataSteward through your teams, Creator if you made it. A share request gives no role.
    /// Loaded for the whole page at once. NoPermission if the dataset is gone since indexing.
    async fn user_role_for_dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRole> {
        let actor = actor(ctx)?;
        Ok(dataset(ctx, &self.dataset_uri)
            .await?
            .map_or(DatasetRole::NoPermission, |d| d.entry().role_of(actor).into()))
    }
}

impl From<SearchHit> for CatalogHit {
    fn from(h: SearchHit) -> Self {
        Self {
            snippet: h.snippet(),
            kind: h.kind.into(),
            uri: h.uri,
            dataset_uri: h.dataset_uri,
            name: h.name,
            label: h.label,
            description: h.description,
            highlight: h.highlight,
            upvotes: i32::try_from(h.up_votes).unwrap_or(i32::MAX),
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct CatalogFacetValue {
    value: String,
    count: i32,
}

/// Counts per value over every match (not just this page), for each filter. A filter in use
/// does not narrow its own counts: with `resourceKind: [table]`, `resourceKind` still counts
/// the datasets and folders the other filters and the term let through, so the UI can offer them.
#[derive(SimpleObject, Default)]
pub struct CatalogFacets {
    resource_kind: Vec<CatalogFacetValue>,
    tags: Vec<CatalogFacetValue>,
    topics: Vec<CatalogFacetValue>,
    region: Vec<CatalogFacetValue>,
    environment_uri: Vec<CatalogFacetValue>,
    organization_uri: Vec<CatalogFacetValue>,
    confidentiality: Vec<CatalogFacetValue>,
    /// Approved glossary term labels.
    terms: Vec<CatalogFacetValue>,
}

impl From<Vec<Facet>> for CatalogFacets {
    fn from(facets: Vec<Facet>) -> Self {
        let mut out = Self::default();
        for facet in facets {
            let values = facet
                .values
                .into_iter()
                .map(|v| CatalogFacetValue {
                    value: v.value,
                    count: i32::try_from(v.count).unwrap_or(i32::MAX),
                })
                .collect();
            match facet.field {
                FacetField::Kind => out.resource_kind = values,
                FacetField::Tags => out.tags = values,
                FacetField::Topics => out.topics = values,
                FacetField::Region => out.region = values,
                FacetField::EnvironmentUri => out.environment_uri = values,
                FacetField::OrganizationUri => out.organization_uri = values,
                FacetField::Confidentiality => out.confidentiality = values,
                FacetField::Terms => out.terms = values,
            }
        }
        out
    }
}

/// A page of hits in data.all's paged shape, with facets.
pub struct CatalogSearchResult {
    page: Page<CatalogHit>,
    facets: CatalogFacets,
}

impl From<CatalogPage> for CatalogSearchResult {
    fn from(p: CatalogPage) -> Self {
        let hits = p.results.hits.into_iter().map(Into::into).collect();
        Self { page: Page::new(p.page, p.results.total, hits), facets: p.results.facets.into() }
    }
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[Object]
impl CatalogSearchResult {
    /// Matches over all pages.
    async fn count(&self) -> i32 {
        int(self.page.count)
    }
    /// This page's number, from 1.
    async fn page(&self) -> i32 {
        int(self.page.page)
    }
    async fn pages(&self) -> i32 {
        int(self.page.pages())
    }
    async fn page_size(&self) -> i32 {
        int(self.page.page_size)
    }
    async fn next_page(&self) -> Option<i32> {
        self.page.has_next().then(|| int(self.page.page + 1))
    }
    async fn previous_page(&self) -> Option<i32> {
        self.page.has_previous().then(|| int(self.page.page - 1))
    }
    async fn has_next(&self) -> bool {
        self.page.has_next()
    }
    async fn has_previous(&self) -> bool {
        self.page.has_previous()
    }
    async fn nodes(&self) -> &[CatalogHit] {
        &self.page.nodes
    }
    async fn facets(&self) -> &CatalogFacets {
        &self.facets
    }
}
