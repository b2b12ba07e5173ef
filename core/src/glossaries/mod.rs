//! Glossaries in data.all's terms: trees of business words (glossary → categories → terms)
//! that teams link to their datasets, tables, columns and folders, so the catalog finds data
//! by what it means. Every signed-in user reads glossaries; a glossary's owner team (and
//! platform admins) change it and decide on links to its terms; an item's admin team links
//! terms to it. A link counts in the catalog once the glossary's team approved it.

mod links;
mod model;
mod reads;
mod reindex;
mod tree;

pub use links::{LinkTarget, TermLink};
pub(crate) use links::{approved_labels, check_terms, forget_dataset, forget_target, set_links};
pub use model::{
    Glossary, GlossaryNode, ModifyNode, NewNode, NodeFilter, NodeStats, NodeType, RESOURCE_TYPE,
};
pub use reads::matches;
pub(crate) use reindex::reindex_term_page;
pub use reindex::{REINDEX_TERM_ACTION, ReindexPage};

use sea_orm::DatabaseConnection;

use crate::catalog::CatalogVisibility;

pub struct Glossaries<'a> {
    pub(crate) db: &'a DatabaseConnection,
    /// Who may see which links: with restricted catalog visibility, links to datasets a
    /// caller may not read are left out for everyone but the glossary's team.
    pub(crate) visibility: CatalogVisibility,
}
