//! The search port: what the catalog needs of a search engine, whichever adapter serves it
//! (Tantivy embedded, OpenSearch at scale). Documents carry the whole catalog entry, so a hit
//! needs no database read, and a fingerprint, so reconciliation can spot stale entries.

use serde::{Deserialize, Serialize};

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Dataset,
    Table,
    Folder,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [Self::Dataset, Self::Table, Self::Folder];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dataset => "dataset",
            Self::Table => "table",
            Self::Folder => "folder",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(text))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDoc {
    pub name: String,
    pub type_name: Option<String>,
}

/// One catalog entry. Tables and folders carry their dataset's organization, environment,
/// region, confidentiality and teams, so every filter applies to every kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogDocument {
    pub kind: DocumentKind,
    pub uri: String,
    /// The dataset's own URI for a dataset.
    pub dataset_uri: String,
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub confidentiality: String,
    pub region: String,
    pub environment_uri: String,
    pub organization_uri: String,
    pub owner_team: String,
    pub stewards: Option<String>,
    /// A table's columns and partition keys.
    pub columns: Vec<ColumnDoc>,
    /// A dataset's table names.
    pub tables: Vec<String>,
    /// A dataset's folder names.
    pub folders: Vec<String>,
    /// The labels of the glossary terms linked to the entry (a table's include its columns')
    /// and approved by the glossary's team.
    #[serde(default)]
    pub terms: Vec<String>,
    /// How many users vote a dataset up; 0 for tables and folders (votes are on datasets).
    #[serde(default)]
    pub up_votes: u64,
}

impl CatalogDocument {
    /// FNV-1a over the serialized document: equal documents, equal fingerprints.
    pub fn fingerprint(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.as_bytes() {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// The text free-text search reads, by field. Identifiers are split into words
    /// (`customer_orders` → `customer orders`) here rather than by an engine analyzer, so every
    /// engine tokenizes them alike.
    pub fn search_text(&self) -> SearchText {
        let title = format!("{} {}", words(&self.name), self.label);
        let columns = self
            .columns
            .iter()
            .map(|c| match &c.type_name {
                Some(t) => format!("{} {}", words(&c.name), t),
                None => words(&c.name),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let children =
            self.tables.iter().chain(&self.folders).map(|n| words(n)).collect::<Vec<_>>().join(", ");
        let keywords =
            self.tags.iter().chain(&self.topics).chain(&self.terms).cloned().collect::<Vec<_>>().join(", ");
        SearchText {
            title,
            description: self.description.clone().unwrap_or_default(),
            columns,
            children,
            keywords,
        }
    }
}

/// What free text matches, per field, as every adapter indexes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    /// The name, split into words, and the label.
    pub title: String,
    pub description: String,
    /// `name type` per column.
    pub columns: String,
    /// A dataset's table and folder names.
    pub children: String,
    /// Tags, topics and glossary terms.
    pub keywords: String,
}

/// Identifier punctuation to spaces.
pub fn words(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect::<String>()
}

/// The query's terms, as every adapter matches them: lowercase runs of letters and digits, at
/// most [`MAX_TERMS`].
pub fn query_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for t in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        let t = t.to_lowercase();
        if !out.contains(&t) && out.len() < MAX_TERMS {
            out.push(t);
        }
    }
    out
}

pub const MAX_TERMS: usize = 10;

/// The typos a term may carry and still match: one edit, except for terms of one or two
/// characters, where one edit would match almost anything.
pub fn edit_distance_for(term: &str) -> u8 {
    if term.chars().count() <= 2 { 0 } else { 1 }
}

/// The fields facets are counted on, and filters narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetField {
    Kind,
    Tags,
    Topics,
    Region,
    EnvironmentUri,
    OrganizationUri,
    Confidentiality,
    Terms,
}

impl FacetField {
    pub const ALL: [FacetField; 8] = [
        Self::Kind,
        Self::Tags,
        Self::Topics,
        Self::Region,
        Self::EnvironmentUri,
        Self::OrganizationUri,
        Self::Confidentiality,
        Self::Terms,
    ];

    /// The field's name in every adapter's index.
    pub fn field_name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Tags => "tags",
            Self::Topics => "topics",
            Self::Region => "region",
            Self::EnvironmentUri => "environmentUri",
            Self::OrganizationUri => "organizationUri",
            Self::Confidentiality => "confidentiality",
            Self::Terms => "terms",
        }
    }

    /// The document's values of this field.
    pub fn values(self, doc: &CatalogDocument) -> Vec<String> {
        match self {
            Self::Kind => vec![doc.kind.as_str().to_owned()],
            Self::Tags => doc.tags.clone(),
            Self::Topics => doc.topics.clone(),
            Self::Region => vec![doc.region.clone()],
            Self::EnvironmentUri => vec![doc.environment_uri.clone()],
            Self::OrganizationUri => vec![doc.organization_uri.clone()],
            Self::Confidentiality => vec![doc.confidentiality.clone()],
            Self::Terms => doc.terms.clone(),
        }
    }
}

/// Filters: within a field any value matches; across fields all must.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    pub kinds: Vec<DocumentKind>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub environment_uris: Vec<String>,
    pub organization_uris: Vec<String>,
    pub confidentiality: Vec<String>,
    /// Glossary term labels.
    pub terms: Vec<String>,
}

impl SearchFilters {
    /// Each narrowed field with its accepted values.
    pub fn by_field(&self) -> Vec<(FacetField, Vec<String>)> {
        let kinds = self.kinds.iter().map(|k| k.as_str().to_owned()).collect();
        [
            (FacetField::Kind, kinds),
            (FacetField::Tags, self.tags.clone()),
            (FacetField::Topics, self.topics.clone()),
            (FacetField::Region, self.regions.clone()),
            (FacetField::EnvironmentUri, self.environment_uris.clone()),
            (FacetField::OrganizationUri, self.organization_uris.clone()),
            (FacetField::Confidentiality, self.confidentiality.clone()),
            (FacetField::Terms, self.terms.clone()),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .collect()
    }

    /// These filters with `field`'s lifted: what that field's facet is counted over.
    pub fn without(&self, field: FacetField) -> SearchFilters {
        let mut out = self.clone();
        match field {
            FacetField::Kind => out.kinds.clear(),
            FacetField::Tags => out.tags.clear(),
            FacetField::Topics => out.topics.clear(),
            FacetField::Region => out.regions.clear(),
            FacetField::EnvironmentUri => out.environment_uris.clear(),
            FacetField::OrganizationUri => out.organization_uris.clear(),
            FacetField::Confidentiality => out.confidentiality.clear(),
            FacetField::Terms => out.terms.clear(),
        }
        out
    }
}

/// Which documents a search may return; applied by the engine, before counting and paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    /// Documents of these datasets, and these documents.
    Only {
        datasets: Vec<String>,
        items: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// Free text; none or blank lists everything, by label.
    pub term: Option<String>,
    pub filters: SearchFilters,
    pub visibility: Visibility,
    pub offset: u64,
    pub limit: u64,
    pub sort: SortBy,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Best match first with a term; by label without one.
    #[default]
    Relevance,
    Label,
    /// Most up-voted dataset first, then by label.
    Votes,
}

/// The keyword the votes order sorts on, ascending: votes inverted and zero-padded, then the
/// label, so every engine orders it as a plain keyword and ties fall back to the label.
pub fn votes_sort_key(doc: &CatalogDocument) -> String {
    let inverted = u64::from(u32::MAX).saturating_sub(doc.up_votes);
    format!("{inverted:010}{}", doc.label.to_lowercase())
}

impl SearchRequest {
    pub fn terms(&self) -> Vec<String> {
        self.term.as_deref().map(query_terms).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: DocumentKind,
    pub uri: String,
    pub dataset_uri: String,
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    /// The best-matching passage with matched words in `<em>…</em>` and everything else
    /// HTML-escaped; none without a term, or when only a tag or topic matched.
    pub highlight: Option<String>,
    /// How many users vote the hit's dataset up.
    pub up_votes: u64,
}

impl SearchHit {
    /// Plain text for a result list: the highlight without its markup, or else the start of
    /// the description.
    pub fn snippet(&self) -> String {
        match &self.highlight {
            Some(html) => unescape(&html.replace("<em>", "").replace("</em>", "")),
            None => {
                let text = self.description.as_deref().unwrap_or_default();
                match text.char_indices().nth(HIGHLIGHT_CHARS) {
                    Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
                    None => text.to_owned(),
                }
            }
        }
    }
}

/// Undoes the HTML escaping engines apply to highlights.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub field: FacetField,
    /// Most frequent first, then by value.
    pub values: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResults {
    /// Matching documents over all pages.
    pub total: u64,
    pub hits: Vec<SearchHit>,
    /// One per [`FacetField`], counted over every matching document, except that a field's own
    /// filter does not narrow its facet (disjunctive faceting): with `kinds: [table]` ticked,
    /// the kind facet still counts the datasets and folders the other filters, the term and
    /// visibility let through, so the user can add or switch to them.
    pub facets: Vec<Facet>,
}

/// Values per facet an adapter reports at most.
pub const FACET_SIZE: usize = 50;

/// Passage length a highlight aims for, in characters.
pub const HIGHLIGHT_CHARS: usize = 160;

/// A search engine holding catalog documents, keyed by URI. Writes are visible to the next
/// search once they return. Every write is idempotent.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// `tantivy` or `opensearch`, for logs.
    fn kind(&self) -> &'static str;

    /// True when opening found no index of this schema version and created an empty one, so
    /// the catalog must be rebuilt from the database.
    fn needs_rebuild(&self) -> bool;

    /// Adds or replaces documents by URI.
    async fn upsert(&self, docs: &[CatalogDocument]) -> Result<()>;

    /// Removes documents by URI; unknown URIs are ignored.
    async fn delete(&self, uris: &[String]) -> Result<()>;

    /// Removes a dataset's documents: its own, its tables' and its folders'.
    async fn delete_dataset(&self, dataset_uri: &str) -> Result<()>;

    async fn search(&self, request: &SearchRequest) -> Result<SearchResults>;

    /// Every document's URI and fingerprint, for reconciliation.
    async fn inventory(&self) -> Result<Vec<(String, String)>>;

    /// Drops every document and recreates the index with the current schema.
    async fn reset(&self) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(description: Option<&str>, highlight: Option<&str>) -> SearchHit {
        SearchHit {
            kind: DocumentKind::Table,
            uri: "t".into(),
            dataset_uri: "d".into(),
            name: "t".into(),
            label: "T".into(),
            description: description.map(str::to_owned),
            highlight: highlight.map(str::to_owned),
            up_votes: 0,
        }
    }

    #[test]
    fn snippets_are_plain_text() {
        assert_eq!(hit(None, Some("a &lt;b&gt; &amp; <em>loyalty</em>")).snippet(), "a <b> & loyalty");
        assert_eq!(hit(Some("short"), None).snippet(), "short");
        let long = "word ".repeat(100);
        let snippet = hit(Some(&long), None).snippet();
        assert!(snippet.ends_with('…') && snippet.chars().count() <= HIGHLIGHT_CHARS + 1, "{snippet}");
        assert_eq!(hit(None, None).snippet(), "");
    }

    #[test]
    fn query_terms_split_like_the_engines() {
        assert_eq!(query_terms("Customer_Orders, customer  ID!"), ["customer", "orders", "id"]);
        assert!(query_terms(" -- ").is_empty());
        assert_eq!(query_terms("a b c d e f g h i j k l").len(), MAX_TERMS);
        assert_eq!(edit_distance_for("id"), 0);
        assert_eq!(edit_distance_for("ids"), 1);
    }

    #[test]
    fn identifiers_are_searched_as_words() {
        let mut doc = crate::catalog::suite::doc(DocumentKind::Table, "t", "d", "Orders");
        doc.name = "order_lines.v2".into();
        doc.columns = vec![ColumnDoc { name: "unit_price".into(), type_name: Some("decimal(10,2)".into()) }];
        let text = doc.search_text();
        assert_eq!(text.title, "order lines v2 Orders");
        assert_eq!(text.columns, "unit price decimal(10,2)");
    }
}
