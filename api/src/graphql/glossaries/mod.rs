//! Glossaries in data.all's dialect: reading them is open to every signed-in user; changing
//! them, and deciding on links to their terms, belongs to their owner team; core decides.

mod types;

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object};
use sluice_core::{
    Core,
    glossaries::{ModifyNode, NewNode, NodeType, TermLink},
};

use types::{
    CategoryGql, Filter, GlossaryChildrenSearchResult, GlossaryFilter, GlossaryGql, GlossaryNodeSearchFilter,
    GlossarySearchResult,
};
pub use types::{
    GlossaryTermTargetFilter, TermGql, TermLinkSearchResults, TermSearchResult, link_page, term_page,
};

use crate::graphql::{
    GqlResult, actor,
    batch::{BatchLoad, Batcher},
    core, to_gql,
};

#[derive(InputObject)]
pub struct CreateGlossaryInput {
    label: String,
    readme: String,
    status: Option<String>,
    /// The owner team: one of yours. May be left out if you are in one team only.
    admin: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateGlossaryInput {
    label: Option<String>,
    readme: Option<String>,
    status: Option<String>,
    /// Hands the glossary to another team (one of yours).
    admin: Option<String>,
}

/// data.all's `CreateCategoryInput` and `CreateTermInput`.
macro_rules! node_inputs {
    ($create:ident, $update:ident) => {
        #[derive(InputObject)]
        pub struct $create {
            label: String,
            readme: String,
            status: Option<String>,
        }

        #[derive(InputObject)]
        pub struct $update {
            label: Option<String>,
            readme: Option<String>,
            status: Option<String>,
        }

        impl From<$create> for NewNode {
            fn from(i: $create) -> Self {
                NewNode { label: Some(i.label), readme: Some(i.readme), status: i.status, admin: None }
            }
        }

        impl From<$update> for ModifyNode {
            fn from(i: $update) -> Self {
                ModifyNode { label: i.label, readme: i.readme, status: i.status, admin: None }
            }
        }
    };
}

node_inputs!(CreateCategoryInput, UpdateCategoryInput);
node_inputs!(CreateTermInput, UpdateTermInput);

#[derive(Default)]
pub struct GlossaryQuery;

#[Object]
impl GlossaryQuery {
    /// One glossary. Every signed-in user may read glossaries.
    async fn get_glossary(&self, ctx: &Context<'_>, node_uri: String) -> async_graphql::Result<GlossaryGql> {
        let node = core(ctx)?.glossaries().get_glossary(actor(ctx)?, &node_uri).await.gql()?;
        Ok(node.into())
    }

    /// Glossaries by label.
    async fn list_glossaries(
        &self,
        ctx: &Context<'_>,
        filter: Option<GlossaryFilter>,
    ) -> async_graphql::Result<GlossarySearchResult> {
        let f = Filter::from(filter);
        let found =
            core(ctx)?.glossaries().list_glossaries(actor(ctx)?, &f.core(None), f.page()?).await.gql()?;
        Ok(GlossarySearchResult(found.map(Into::into)))
    }

    /// Glossaries, categories and terms of every glossary whose label or readme contains
    /// `term`; `nodeType` (G, C or T) narrows to one kind.
    async fn search_glossary(
        &self,
        ctx: &Context<'_>,
        filter: Option<GlossaryNodeSearchFilter>,
    ) -> async_graphql::Result<GlossaryChildrenSearchResult> {
        let f = Filter::from(filter);
        let found = core(ctx)?.glossaries().search(actor(ctx)?, &f.core(None), f.page()?).await.gql()?;
        Ok(GlossaryChildrenSearchResult(types::nodes(found, &f)))
    }
}

#[derive(Default)]
pub struct GlossaryMutation;

#[Object]
impl GlossaryMutation {
    /// Creates a glossary owned by `admin`. Needs the tenant permission MANAGE_GLOSSARIES.
    async fn create_glossary(
        &self,
        ctx: &Context<'_>,
        input: Option<CreateGlossaryInput>,
    ) -> async_graphql::Result<GlossaryGql> {
        let input = input.ok_or_else(|| to_gql(sluice_core::Error::required("input")))?;
        let new = NewNode {
            label: Some(input.label),
            readme: Some(input.readme),
            status: input.status,
            admin: input.admin,
        };
        Ok(core(ctx)?.glossaries().create_glossary(actor(ctx)?, new).await.gql()?.into())
    }

    /// Changes a glossary; `admin` hands it to another team. Needs to own it.
    async fn update_glossary(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        input: Option<UpdateGlossaryInput>,
    ) -> async_graphql::Result<GlossaryGql> {
        let change = input.map_or_else(ModifyNode::default, |i| ModifyNode {
            label: i.label,
            readme: i.readme,
            status: i.status,
            admin: i.admin,
        });
        Ok(core(ctx)?
            .glossaries()
            .update(actor(ctx)?, &node_uri, NodeType::Glossary, change)
            .await
            .gql()?
            .into())
    }

    /// Deletes a glossary. One that holds categories, terms or links is refused, saying what
    /// it holds, unless `cascade: true` deletes all of it. Returns the nodes deleted.
    async fn delete_glossary(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        cascade: Option<bool>,
    ) -> async_graphql::Result<i32> {
        delete(ctx, &node_uri, NodeType::Glossary, cascade).await
    }

    /// Creates a category under a glossary or category. Needs to own the glossary.
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        parent_uri: String,
        input: Option<CreateCategoryInput>,
    ) -> async_graphql::Result<CategoryGql> {
        let input = input.ok_or_else(|| to_gql(sluice_core::Error::required("input")))?;
        let node = core(ctx)?
            .glossaries()
            .create_child(actor(ctx)?, &parent_uri, NodeType::Category, input.into())
            .await
            .gql()?;
        Ok(node.into())
    }

    async fn update_category(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        input: Option<UpdateCategoryInput>,
    ) -> async_graphql::Result<CategoryGql> {
        let change = input.map(Into::into).unwrap_or_default();
        Ok(core(ctx)?
            .glossaries()
            .update(actor(ctx)?, &node_uri, NodeType::Category, change)
            .await
            .gql()?
            .into())
    }

    /// Deletes a category; see deleteGlossary for `cascade`.
    async fn delete_category(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        cascade: Option<bool>,
    ) -> async_graphql::Result<i32> {
        delete(ctx, &node_uri, NodeType::Category, cascade).await
    }

    /// Creates a term under a glossary or category. Needs to own the glossary.
    async fn create_term(
        &self,
        ctx: &Context<'_>,
        parent_uri: String,
        input: Option<CreateTermInput>,
    ) -> async_graphql::Result<TermGql> {
        let input = input.ok_or_else(|| to_gql(sluice_core::Error::required("input")))?;
        let node = core(ctx)?
            .glossaries()
            .create_child(actor(ctx)?, &parent_uri, NodeType::Term, input.into())
            .await
            .gql()?;
        Ok(node.into())
    }

    /// Changes a term; a new label reaches the catalog entries it is linked to shortly after.
    async fn update_term(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        input: Option<UpdateTermInput>,
    ) -> async_graphql::Result<TermGql> {
        let change = input.map(Into::into).unwrap_or_default();
        Ok(core(ctx)?.glossaries().update(actor(ctx)?, &node_uri, NodeType::Term, change).await.gql()?.into())
    }

    /// Deletes a term; one linked to data is refused unless `cascade: true` removes the links.
    async fn delete_term(
        &self,
        ctx: &Context<'_>,
        node_uri: String,
        cascade: Option<bool>,
    ) -> async_graphql::Result<i32> {
        delete(ctx, &node_uri, NodeType::Term, cascade).await
    }

    /// Approves a link of one of your glossary's terms: the item is found by the term from
    /// now on. False if it was approved already.
    async fn approve_term_association(
        &self,
        ctx: &Context<'_>,
        link_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.glossaries().approve(actor(ctx)?, &link_uri).await.gql()
    }

    /// Dismisses a link of one of your glossary's terms: it is removed.
    async fn dismiss_term_association(
        &self,
        ctx: &Context<'_>,
        link_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.glossaries().dismiss(actor(ctx)?, &link_uri).await.gql()
    }
}

async fn delete(
    ctx: &Context<'_>,
    uri: &str,
    kind: NodeType,
    cascade: Option<bool>,
) -> async_graphql::Result<i32> {
    let deleted =
        core(ctx)?.glossaries().delete(actor(ctx)?, uri, kind, cascade.unwrap_or(false)).await.gql()?;
    Ok(i32::try_from(deleted).unwrap_or(i32::MAX))
}

/// The term links of a page of items (datasets, tables, columns, folders), in one query set.
/// Callers reach it only through items they were allowed to see.
pub struct TermLinksLoader {
    pub core: Core,
}

impl BatchLoad for TermLinksLoader {
    type Value = Vec<TermLink>;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.glossaries().links_of(keys).await.map_err(to_gql)
    }
}

/// An item's links, oldest first.
pub async fn links_of(ctx: &Context<'_>, target_uri: &str) -> async_graphql::Result<Vec<TermLink>> {
    Ok(ctx.data::<Batcher<TermLinksLoader>>()?.load_one(target_uri).await?.unwrap_or_default())
}

/// An item's terms, for its `terms` field.
pub async fn terms_of(
    ctx: &Context<'_>,
    target_uri: &str,
    filter: Option<GlossaryTermTargetFilter>,
) -> async_graphql::Result<TermSearchResult> {
    term_page(links_of(ctx, target_uri).await?, filter)
}

/// An item's links, for its `termLinks` field (a column's `terms`).
pub async fn term_links_of(
    ctx: &Context<'_>,
    target_uri: &str,
    filter: Option<GlossaryTermTargetFilter>,
) -> async_graphql::Result<TermLinkSearchResults> {
    link_page(links_of(ctx, target_uri).await?, filter)
}
