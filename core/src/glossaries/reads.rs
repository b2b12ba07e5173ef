//! Reading glossaries: every signed-in user may, since a glossary is the shared vocabulary
//! people search with. What the links reveal is decided in `links`.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};
use sluice_entities::glossary_node as node;

use super::{
    Glossaries,
    model::{GlossaryNode, NodeFilter, NodeStats, NodeType},
    tree::subtree,
};
use crate::{
    Actor, Result,
    page::{self, Page, PageRequest, contains_any},
};

/// Which nodes a tree or search read returns, besides the filter.
pub(super) enum Scope<'n> {
    /// The node's direct children.
    Children(&'n GlossaryNode),
    /// Everything below the node.
    Descendants(&'n GlossaryNode),
    /// Every glossary's nodes.
    Everywhere,
}

impl Glossaries<'_> {
    /// One glossary. Every signed-in user may read it.
    pub async fn get_glossary(&self, _actor: &Actor, uri: &str) -> Result<GlossaryNode> {
        self.get_node(uri, Some(NodeType::Glossary)).await
    }

    /// One node of any kind, or of `kind`.
    pub async fn get_node(&self, uri: &str, kind: Option<NodeType>) -> Result<GlossaryNode> {
        let n = self.node(uri).await?;
        match kind {
            Some(kind) if kind != n.node_type => Err(crate::Error::validation(
                "nodeUri",
                format!("{uri} is a {}, not a {}", n.node_type.as_str(), kind.as_str()),
            )),
            _ => Ok(n),
        }
    }

    /// Glossaries by label.
    pub async fn list_glossaries(
        &self,
        _actor: &Actor,
        filter: &NodeFilter,
        page: PageRequest,
    ) -> Result<Page<GlossaryNode>> {
        let query = node::Entity::find().filter(node::Column::NodeType.eq(NodeType::Glossary.as_str()));
        self.page_of(with_text(query, filter), page).await
    }

    /// Nodes of a scope that match the filter: a tree in path order, a search by label.
    pub(super) async fn nodes(
        &self,
        scope: Scope<'_>,
        filter: &NodeFilter,
        page: PageRequest,
    ) -> Result<Page<GlossaryNode>> {
        let mut query = node::Entity::find();
        if let Some(kind) = filter.node_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(node::Column::NodeType.eq(NodeType::parse_filter(kind)?.as_str()));
        }
        query = match scope {
            Scope::Children(n) => {
                query.filter(node::Column::ParentUri.eq(&n.node_uri)).order_by_asc(node::Column::Label)
            }
            Scope::Descendants(n) => query
                .filter(subtree(n))
                .filter(node::Column::NodeUri.ne(&n.node_uri))
                .order_by_asc(node::Column::Path),
            Scope::Everywhere => query.order_by_asc(node::Column::Label),
        };
        self.page_of(with_text(query, filter), page).await
    }

    /// Direct children of a node.
    pub async fn children(
        &self,
        n: &GlossaryNode,
        filter: &NodeFilter,
        page: PageRequest,
    ) -> Result<Page<GlossaryNode>> {
        self.nodes(Scope::Children(n), filter, page).await
    }

    /// Everything below a node, parents before children.
    pub async fn tree(
        &self,
        n: &GlossaryNode,
        filter: &NodeFilter,
        page: PageRequest,
    ) -> Result<Page<GlossaryNode>> {
        self.nodes(Scope::Descendants(n), filter, page).await
    }

    /// Nodes of every glossary whose label or readme contains the filter's term.
    pub async fn search(
        &self,
        _actor: &Actor,
        filter: &NodeFilter,
        page: PageRequest,
    ) -> Result<Page<GlossaryNode>> {
        self.nodes(Scope::Everywhere, filter, page).await
    }

    /// Categories, terms and links under a node (links as the actor may see them).
    pub async fn stats(&self, actor: &Actor, n: &GlossaryNode) -> Result<NodeStats> {
        let count = |kind: NodeType| {
            node::Entity::find()
                .filter(subtree(n))
                .filter(node::Column::NodeType.eq(kind.as_str()))
                .count(self.db)
        };
        Ok(NodeStats {
            categories: count(NodeType::Category).await?,
            terms: count(NodeType::Term).await?,
            associations: self.link_count(actor, n).await?,
        })
    }

    async fn page_of(&self, query: Select<node::Entity>, page: PageRequest) -> Result<Page<GlossaryNode>> {
        let query = query.order_by_asc(node::Column::NodeUri);
        page::fetch(self.db, query, page).await?.try_map(GlossaryNode::from_model)
    }
}

fn with_text(query: Select<node::Entity>, filter: &NodeFilter) -> Select<node::Entity> {
    let query = match filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(status) => query.filter(node::Column::Status.eq(status)),
        None => query,
    };
    match filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(term) => query.filter(contains_any(
            term,
            [(node::Entity, node::Column::Label), (node::Entity, node::Column::Readme)],
        )),
        None => query,
    }
}

/// Whether a node matches a filter's term, for data.all's `isMatch`.
pub fn matches(n: &GlossaryNode, term: Option<&str>) -> bool {
    match term.map(str::trim).filter(|t| !t.is_empty()) {
        None => false,
        Some(t) => {
            let t = t.to_lowercase();
            n.label.to_lowercase().contains(&t) || n.readme.to_lowercase().contains(&t)
        }
    }
}
