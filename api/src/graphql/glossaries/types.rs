//! Glossary nodes and term links in data.all's shapes: `Glossary`, `Category` and `Term`
//! share their fields, and `GlossaryNode` is their union.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Union};
use sluice_core::{
    glossaries::{GlossaryNode, NodeFilter, NodeType, TermLink, matches},
    page::{Page, PageRequest},
};

use crate::graphql::{GqlResult, actor, core, paged::paged};

/// data.all's `GlossaryNodeSearchFilter`, `CategoryFilter`, `TermFilter` and `GlossaryFilter`
/// in one: each takes the fields it lists.
pub struct Filter {
    pub term: Option<String>,
    pub node_type: Option<String>,
    pub status: Option<String>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

impl Filter {
    pub(super) fn core(&self, node_type: Option<NodeType>) -> NodeFilter {
        NodeFilter {
            term: self.term.clone(),
            node_type: node_type.map(|t| t.as_str().to_owned()).or_else(|| self.node_type.clone()),
            status: self.status.clone(),
        }
    }

    pub(super) fn page(&self) -> async_graphql::Result<PageRequest> {
        PageRequest::new(self.page, self.page_size).gql()
    }
}

macro_rules! filter_input {
    ($name:ident { $($field:ident),* }) => {
        #[derive(InputObject, Default)]
        pub struct $name {
            term: Option<String>,
            page: Option<i32>,
            page_size: Option<i32>,
            $($field: Option<String>,)*
        }

        impl From<Option<$name>> for Filter {
            #[allow(unused_mut)]
            fn from(f: Option<$name>) -> Self {
                let f = f.unwrap_or_default();
                let mut out = Filter { term: f.term, node_type: None, status: None, page: f.page, page_size: f.page_size };
                $(out.$field = f.$field;)*
                out
            }
        }
    };
}

filter_input!(GlossaryNodeSearchFilter { node_type });
filter_input!(CategoryFilter { status });
filter_input!(TermFilter { status });
filter_input!(GlossaryFilter { status });
filter_input!(GlossaryTermTargetFilter {});

#[derive(SimpleObject)]
pub struct GlossaryNodeStatistics {
    categories: i32,
    terms: i32,
    /// Links to data, as you may see them.
    associations: i32,
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A node as data.all answers it; `is_match` says whether it matched the filter's term.
macro_rules! node_object {
    ($ty:ident, $name:literal, { $($extra:tt)* }) => {
        pub struct $ty {
            pub node: GlossaryNode,
            pub is_match: bool,
        }

        impl From<GlossaryNode> for $ty {
            fn from(node: GlossaryNode) -> Self {
                Self { node, is_match: false }
            }
        }

        #[Object(name = $name)]
        impl $ty {
            async fn node_uri(&self) -> ID {
                ID(self.node.node_uri.clone())
            }
            /// The glossary or category above; empty for a glossary.
            async fn parent_uri(&self) -> &str {
                &self.node.parent_uri
            }
            /// Who created it.
            async fn owner(&self) -> &str {
                &self.node.owner
            }
            /// `/glossary/…/node`, of URIs.
            async fn path(&self) -> &str {
                &self.node.path
            }
            async fn label(&self) -> &str {
                &self.node.label
            }
            /// Free text; `approved` unless set.
            async fn status(&self) -> &str {
                &self.node.status
            }
            async fn readme(&self) -> &str {
                &self.node.readme
            }
            async fn created(&self) -> String {
                self.node.created.to_rfc3339()
            }
            async fn updated(&self) -> String {
                self.node.updated.to_rfc3339()
            }
            /// Deleted nodes are gone: always null.
            async fn deleted(&self) -> Option<String> {
                None
            }
            /// In search results, whether this node matched the term.
            async fn is_match(&self) -> bool {
                self.is_match
            }
            /// What the subtree holds.
            async fn stats(&self, ctx: &Context<'_>) -> async_graphql::Result<GlossaryNodeStatistics> {
                let s = core(ctx)?.glossaries().stats(actor(ctx)?, &self.node).await.gql()?;
                Ok(GlossaryNodeStatistics {
                    categories: int(s.categories),
                    terms: int(s.terms),
                    associations: int(s.associations),
                })
            }
            /// The categories and terms directly below.
            async fn children(
                &self,
                ctx: &Context<'_>,
                filter: Option<GlossaryNodeSearchFilter>,
            ) -> async_graphql::Result<GlossaryChildrenSearchResult> {
                let f = Filter::from(filter);
                let found = core(ctx)?.glossaries().children(&self.node, &f.core(None), f.page()?).await.gql()?;
                Ok(GlossaryChildrenSearchResult(nodes(found, &f)))
            }
            /// The links of the terms at or below this node to data, pending ones first.
            async fn associations(
                &self,
                ctx: &Context<'_>,
                filter: Option<GlossaryTermTargetFilter>,
            ) -> async_graphql::Result<TermLinkSearchResults> {
                let f = Filter::from(filter);
                let found =
                    core(ctx)?.glossaries().associations(actor(ctx)?, &self.node, f.page()?).await.gql()?;
                Ok(TermLinkSearchResults(found.map(TermLinkGql)))
            }
            $($extra)*
        }
    };
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum GlossaryRole {
    /// Your team owns the glossary, or you are a platform admin.
    Admin,
    NoPermission,
}

node_object!(GlossaryGql, "Glossary", {
    /// The owner team.
    async fn admin(&self) -> &str {
        &self.node.admin
    }
    async fn user_role_for_glossary(&self, ctx: &Context<'_>) -> async_graphql::Result<GlossaryRole> {
        Ok(if self.node.is_managed_by(actor(ctx)?) {
            GlossaryRole::Admin
        } else {
            GlossaryRole::NoPermission
        })
    }
    /// Every category and term below, parents before children.
    async fn tree(
        &self,
        ctx: &Context<'_>,
        filter: Option<GlossaryNodeSearchFilter>,
    ) -> async_graphql::Result<GlossaryChildrenSearchResult> {
        let f = Filter::from(filter);
        let found = core(ctx)?.glossaries().tree(&self.node, &f.core(None), f.page()?).await.gql()?;
        Ok(GlossaryChildrenSearchResult(nodes(found, &f)))
    }
    /// The categories directly below.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        filter: Option<CategoryFilter>,
    ) -> async_graphql::Result<CategorySearchResult> {
        Ok(CategorySearchResult(children_of(ctx, &self.node, NodeType::Category, filter.into()).await?))
    }
});

node_object!(CategoryGql, "Category", {
    /// The categories directly below.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        filter: Option<CategoryFilter>,
    ) -> async_graphql::Result<CategorySearchResult> {
        Ok(CategorySearchResult(children_of(ctx, &self.node, NodeType::Category, filter.into()).await?))
    }
    /// The terms directly below.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        filter: Option<TermFilter>,
    ) -> async_graphql::Result<TermSearchResult> {
        Ok(TermSearchResult(children_of(ctx, &self.node, NodeType::Term, filter.into()).await?))
    }
});

node_object!(TermGql, "Term", {
    /// The glossary the term belongs to.
    async fn glossary(&self, ctx: &Context<'_>) -> async_graphql::Result<GlossaryGql> {
        let glossary = core(ctx)?
            .glossaries()
            .get_node(&self.node.glossary_uri, Some(NodeType::Glossary))
            .await
            .gql()?;
        Ok(glossary.into())
    }
});

/// The node's direct children of one kind.
async fn children_of<T: From<GlossaryNode>>(
    ctx: &Context<'_>,
    node: &GlossaryNode,
    kind: NodeType,
    f: Filter,
) -> async_graphql::Result<Page<T>> {
    let found = core(ctx)?.glossaries().children(node, &f.core(Some(kind)), f.page()?).await.gql()?;
    Ok(found.map(Into::into))
}

#[derive(Union)]
#[graphql(name = "GlossaryNode")]
pub enum GlossaryNodeGql {
    Glossary(GlossaryGql),
    Category(CategoryGql),
    Term(TermGql),
}

impl GlossaryNodeGql {
    pub fn of(node: GlossaryNode, term: Option<&str>) -> Self {
        let is_match = matches(&node, term);
        match node.node_type {
            NodeType::Glossary => Self::Glossary(GlossaryGql { node, is_match }),
            NodeType::Category => Self::Category(CategoryGql { node, is_match }),
            NodeType::Term => Self::Term(TermGql { node, is_match }),
        }
    }
}

pub(super) fn nodes(page: Page<GlossaryNode>, f: &Filter) -> Page<GlossaryNodeGql> {
    page.map(|n| GlossaryNodeGql::of(n, f.term.as_deref()))
}

paged!(GlossaryChildrenSearchResult, GlossaryNodeGql);
paged!(GlossarySearchResult, GlossaryGql);
paged!(CategorySearchResult, CategoryGql);
paged!(TermSearchResult, TermGql);
paged!(TermLinkSearchResults, TermLinkGql);

/// A term linked to a dataset, table, column or folder.
pub struct TermLinkGql(pub TermLink);

#[derive(SimpleObject)]
pub struct GlossaryTermLinkTarget {
    /// Null once the item is gone.
    label: Option<String>,
}

#[Object(name = "GlossaryTermLink")]
impl TermLinkGql {
    async fn link_uri(&self) -> ID {
        ID(self.0.link_uri.clone())
    }
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    /// Dismissed links are removed: always null.
    async fn deleted(&self) -> Option<String> {
        None
    }
    /// Who linked the term.
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    /// The term's URI.
    async fn node_uri(&self) -> &str {
        &self.0.term.node_uri
    }
    async fn target_uri(&self) -> &str {
        &self.0.target_uri
    }
    /// `Dataset`, `DatasetTable`, `Column` or `Folder`.
    async fn target_type(&self) -> &str {
        self.0.target_type.as_str()
    }
    /// The glossary's team approved it: only then does it count in the catalog.
    async fn approved_by_owner(&self) -> bool {
        self.0.approved_by_owner
    }
    /// The item's team approved it, by making it: always true.
    async fn approved_by_steward(&self) -> bool {
        self.0.approved_by_steward
    }
    async fn term(&self) -> TermGql {
        self.0.term.clone().into()
    }
    async fn target(&self) -> GlossaryTermLinkTarget {
        GlossaryTermLinkTarget { label: self.0.target_label.clone() }
    }
}

/// A page of an item's terms, in data.all's `TermSearchResult`.
pub fn term_page(
    links: Vec<TermLink>,
    filter: Option<GlossaryTermTargetFilter>,
) -> async_graphql::Result<TermSearchResult> {
    Ok(TermSearchResult(page_of(links, filter)?.map(|l| l.term.into())))
}

/// A page of an item's links, in data.all's `TermLinkSearchResults`.
pub fn link_page(
    links: Vec<TermLink>,
    filter: Option<GlossaryTermTargetFilter>,
) -> async_graphql::Result<TermLinkSearchResults> {
    Ok(TermLinkSearchResults(page_of(links, filter)?.map(TermLinkGql)))
}

/// The page `filter` asks for of an item's links (an item holds at most 50), whose term's
/// label contains `filter.term` if given.
fn page_of(
    links: Vec<TermLink>,
    filter: Option<GlossaryTermTargetFilter>,
) -> async_graphql::Result<Page<TermLink>> {
    let f = Filter::from(filter);
    let request = f.page()?;
    let wanted = f.term.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let matching: Vec<TermLink> = links
        .into_iter()
        .filter(|l| wanted.as_deref().is_none_or(|t| l.term.label.to_lowercase().contains(t)))
        .collect();
    let count = matching.len() as u64;
    let start = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let size = usize::try_from(request.page_size).unwrap_or(usize::MAX);
    Ok(Page::new(request, count, matching.into_iter().skip(start).take(size).collect()))
}
