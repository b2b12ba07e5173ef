//! The Tantivy schema: raw keyword fields for filters, facets and keys; tokenized text fields
//! for free text; the whole document stored as JSON for hits.

use sluice_core::{
    Result,
    catalog::{CatalogDocument, FacetField, votes_sort_key},
};
use tantivy::{
    TantivyDocument,
    schema::{FAST, Field, STORED, STRING, Schema, TEXT},
};

use crate::internal;

pub const URI: &str = "uri";
pub const DATASET_URI: &str = "datasetUri";
pub const FINGERPRINT: &str = "fingerprint";
pub const LABEL_SORT: &str = "labelSort";
pub const VOTES_SORT: &str = "votesSort";
pub const DOC: &str = "doc";
/// Free-text fields with their boosts: a match in a name counts most.
pub const TEXT_FIELDS: [(&str, f32); 5] =
    [("title", 3.0), ("keywords", 2.0), ("description", 1.0), ("columns", 1.0), ("children", 1.0)];

pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field(URI, STRING | STORED | FAST);
    b.add_text_field(DATASET_URI, STRING);
    b.add_text_field(FINGERPRINT, STRING | FAST);
    b.add_text_field(LABEL_SORT, STRING | FAST);
    b.add_text_field(VOTES_SORT, STRING | FAST);
    for facet in FacetField::ALL {
        b.add_text_field(facet.field_name(), STRING | FAST);
    }
    for (name, _) in TEXT_FIELDS {
        b.add_text_field(name, TEXT);
    }
    b.add_text_field(DOC, STORED);
    b.build()
}

pub struct Fields {
    pub uri: Field,
    pub dataset_uri: Field,
    pub fingerprint: Field,
    pub label_sort: Field,
    pub votes_sort: Field,
    pub facets: Vec<(FacetField, Field)>,
    /// title, keywords, description, columns, children, with their boosts.
    pub text: Vec<(Field, f32)>,
    pub doc: Field,
}

impl Fields {
    pub fn resolve(schema: &Schema) -> tantivy::Result<Self> {
        Ok(Self {
            uri: schema.get_field(URI)?,
            dataset_uri: schema.get_field(DATASET_URI)?,
            fingerprint: schema.get_field(FINGERPRINT)?,
            label_sort: schema.get_field(LABEL_SORT)?,
            votes_sort: schema.get_field(VOTES_SORT)?,
            facets: FacetField::ALL
                .into_iter()
                .map(|f| schema.get_field(f.field_name()).map(|field| (f, field)))
                .collect::<tantivy::Result<_>>()?,
            text: TEXT_FIELDS
                .into_iter()
                .map(|(name, boost)| schema.get_field(name).map(|field| (field, boost)))
                .collect::<tantivy::Result<_>>()?,
            doc: schema.get_field(DOC)?,
        })
    }

    pub fn document(&self, doc: &CatalogDocument) -> Result<TantivyDocument> {
        let mut out = TantivyDocument::default();
        out.add_text(self.uri, &doc.uri);
        out.add_text(self.dataset_uri, &doc.dataset_uri);
        out.add_text(self.fingerprint, doc.fingerprint());
        out.add_text(self.label_sort, doc.label.to_lowercase());
        out.add_text(self.votes_sort, votes_sort_key(doc));
        for (facet, field) in &self.facets {
            for value in facet.values(doc) {
                out.add_text(*field, value);
            }
        }
        let text = doc.search_text();
        for (field, value) in self.text.iter().map(|(f, _)| *f).zip([
            &text.title,
            &text.keywords,
            &text.description,
            &text.columns,
            &text.children,
        ]) {
            out.add_text(field, value);
        }
        out.add_text(self.doc, serde_json::to_string(doc).map_err(internal)?);
        Ok(out)
    }
}
