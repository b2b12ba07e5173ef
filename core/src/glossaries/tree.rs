//! Changing the tree: creating, renaming and deleting glossaries, categories and terms.

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};
use sluice_entities::{glossary_node as node, glossary_term_link as link};

use super::{
    Glossaries,
    model::{self, Glossary, GlossaryNode, MAX_DEPTH, ModifyNode, NewNode, NodeType, RESOURCE_TYPE},
    reindex,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, glossary::ManageGlossary, tenant_grants::ManageGlossaries},
    datasets::queue_index,
    organizations::validate,
    uri::new_uri,
};

/// The rows of a node's subtree (itself included).
pub(super) fn subtree(n: &GlossaryNode) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(node::Column::GlossaryUri.eq(&n.glossary_uri))
        .add(node::Column::Path.starts_with(&n.path))
}

impl Glossaries<'_> {
    pub(super) async fn node(&self, uri: &str) -> Result<GlossaryNode> {
        let row = node::Entity::find_by_id(uri.to_owned()).one(self.db).await?;
        row.map(GlossaryNode::from_model)
            .transpose()?
            .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: uri.to_owned() })
    }

    /// A node of the expected type, and the proof that the actor manages its glossary.
    /// Glossaries are public, so a refusal may say the node exists.
    async fn managed(
        &self,
        actor: &Actor,
        uri: &str,
        expected: NodeType,
    ) -> Result<(GlossaryNode, Authorized<Glossary, ManageGlossary>)> {
        let n = self.node(uri).await?;
        if n.node_type != expected {
            return Err(Error::validation(
                "nodeUri",
                format!("{uri} is a {}, not a {}", n.node_type.as_str(), expected.as_str()),
            ));
        }
        let glossary = authz::authorize::<ManageGlossary>(self.db, actor, &n.glossary_uri).await?;
        Ok((n, glossary))
    }

    /// Creates a glossary owned by `admin` (one of the actor's teams). Needs MANAGE_GLOSSARIES.
    pub async fn create_glossary(&self, actor: &Actor, input: NewNode) -> Result<GlossaryNode> {
        let create = self.create_glossary_inner(actor, input);
        audit::audited(self.db, actor, "createGlossary", ("", RESOURCE_TYPE), create).await
    }

    async fn create_glossary_inner(&self, actor: &Actor, input: NewNode) -> Result<GlossaryNode> {
        authz::authorize_tenant::<ManageGlossaries>(self.db, actor).await?;
        let label = validate::label(input.label.as_deref())?;
        let readme = model::readme(input.readme.as_deref())?;
        let status = model::status(input.status.as_deref())?;
        let admin = model::admin_team(actor, input.admin.as_deref())?;
        let uri = new_uri();
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        require_unique_label(&txn, "", NodeType::Glossary, &label, None).await?;
        let row = node::ActiveModel {
            node_uri: Set(uri.clone()),
            node_type: Set(NodeType::Glossary.as_str().to_owned()),
            parent_uri: Set(String::new()),
            glossary_uri: Set(uri.clone()),
            path: Set(format!("/{uri}")),
            label: Set(label),
            readme: Set(readme),
            status: Set(status),
            admin: Set(admin),
            owner: Set(actor.username().to_owned()),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await?;
        audit::record(&txn, actor, "createGlossary", &uri, RESOURCE_TYPE, &row.label).await?;
        txn.commit().await?;
        GlossaryNode::from_model(row)
    }

    /// Creates a category or term under a glossary or category. Needs to manage the glossary.
    pub async fn create_child(
        &self,
        actor: &Actor,
        parent_uri: &str,
        kind: NodeType,
        input: NewNode,
    ) -> Result<GlossaryNode> {
        let action = match kind {
            NodeType::Term => "createTerm",
            _ => "createCategory",
        };
        let create = self.create_child_inner(actor, parent_uri, kind, input, action);
        audit::audited(self.db, actor, action, (parent_uri, RESOURCE_TYPE), create).await
    }

    async fn create_child_inner(
        &self,
        actor: &Actor,
        parent_uri: &str,
        kind: NodeType,
        input: NewNode,
        action: &str,
    ) -> Result<GlossaryNode> {
        let parent = self.node(parent_uri).await?;
        let glossary = authz::authorize::<ManageGlossary>(self.db, actor, &parent.glossary_uri).await?;
        if parent.node_type == NodeType::Term {
            return Err(Error::validation(
                "parentUri",
                format!("{parent_uri} is a term; put {}s under a glossary or a category", kind.as_str()),
            ));
        }
        if parent.depth() >= MAX_DEPTH {
            return Err(Error::validation(
                "parentUri",
                format!("a glossary is at most {MAX_DEPTH} levels deep; put it higher up"),
            ));
        }
        if input.admin.is_some() {
            return Err(Error::validation("admin", "categories and terms belong to their glossary's team"));
        }
        let label = validate::label(input.label.as_deref())?;
        let readme = model::readme(input.readme.as_deref())?;
        let status = model::status(input.status.as_deref())?;
        let uri = new_uri();
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        require_unique_label(&txn, parent_uri, kind, &label, None).await?;
        let row = node::ActiveModel {
            node_uri: Set(uri.clone()),
            node_type: Set(kind.as_str().to_owned()),
            parent_uri: Set(parent.node_uri.clone()),
            glossary_uri: Set(parent.glossary_uri.clone()),
            path: Set(format!("{}/{uri}", parent.path)),
            label: Set(label),
            readme: Set(readme),
            status: Set(status),
            admin: Set(glossary.admin.clone()),
            owner: Set(actor.username().to_owned()),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await?;
        audit::record(&txn, actor, action, &uri, RESOURCE_TYPE, &row.label).await?;
        txn.commit().await?;
        GlossaryNode::from_model(row)
    }

    /// Changes a node. Renaming a term reindexes what it is linked to, in the background;
    /// handing a glossary to another team moves its whole tree. Needs to manage the glossary.
    pub async fn update(
        &self,
        actor: &Actor,
        uri: &str,
        kind: NodeType,
        input: ModifyNode,
    ) -> Result<GlossaryNode> {
        let action = match kind {
            NodeType::Glossary => "updateGlossary",
            NodeType::Category => "updateCategory",
            NodeType::Term => "updateTerm",
        };
        let update = self.update_inner(actor, uri, kind, input, action);
        audit::audited(self.db, actor, action, (uri, RESOURCE_TYPE), update).await
    }

    async fn update_inner(
        &self,
        actor: &Actor,
        uri: &str,
        kind: NodeType,
        input: ModifyNode,
        action: &str,
    ) -> Result<GlossaryNode> {
        let (current, _proof) = self.managed(actor, uri, kind).await?;
        let mut row = node::ActiveModel {
            node_uri: Set(uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let mut renamed = false;
        let mut new_label = None;
        if let Some(label) = input.label.as_deref() {
            let label = validate::label(Some(label))?;
            renamed = label != current.label;
            new_label = Some(label.clone());
            row.label = Set(label);
        }
        if input.readme.is_some() {
            row.readme = Set(model::readme(input.readme.as_deref())?);
        }
        if input.status.is_some() {
            row.status = Set(model::status(input.status.as_deref())?);
        }
        let new_admin = match input.admin.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(_) if kind != NodeType::Glossary => {
                return Err(Error::validation(
                    "admin",
                    "categories and terms belong to their glossary's team",
                ));
            }
            Some(team) => {
                let team = validate::group("admin", Some(team))?;
                validate::require_membership(actor, "admin", &team)?;
                Some(team)
            }
            None => None,
        };
        let txn = crate::db::write_txn(self.db).await?;
        if let Some(label) = new_label.as_deref().filter(|_| renamed) {
            require_unique_label(&txn, &current.parent_uri, kind, label, Some(uri)).await?;
        }
        let updated = row.update(&txn).await?;
        if let Some(team) = &new_admin {
            node::Entity::update_many()
                .col_expr(node::Column::Admin, sea_orm::sea_query::Expr::value(team.clone()))
                .filter(node::Column::GlossaryUri.eq(&current.glossary_uri))
                .exec(&txn)
                .await?;
        }
        if renamed && kind == NodeType::Term {
            reindex::queue(&txn, uri, None).await?;
        }
        let summary = match (&new_admin, renamed) {
            (Some(team), _) => format!("handed to {team}"),
            (None, true) => format!("renamed from {}", current.label),
            (None, false) => "updated".to_owned(),
        };
        audit::record(&txn, actor, action, uri, RESOURCE_TYPE, &summary).await?;
        txn.commit().await?;
        let mut node = GlossaryNode::from_model(updated)?;
        if let Some(team) = new_admin {
            node.admin = team;
        }
        Ok(node)
    }

    /// Deletes a node. A node with children or links is refused, saying what holds it, unless
    /// `cascade` asks for the whole subtree and its links to go too. Returns how many nodes
    /// were deleted. Needs to manage the glossary.
    pub async fn delete(&self, actor: &Actor, uri: &str, kind: NodeType, cascade: bool) -> Result<u64> {
        let action = match kind {
            NodeType::Glossary => "deleteGlossary",
            NodeType::Category => "deleteCategory",
            NodeType::Term => "deleteTerm",
        };
        let delete = self.delete_inner(actor, uri, kind, cascade, action);
        audit::audited(self.db, actor, action, (uri, RESOURCE_TYPE), delete).await
    }

    async fn delete_inner(
        &self,
        actor: &Actor,
        uri: &str,
        kind: NodeType,
        cascade: bool,
        action: &str,
    ) -> Result<u64> {
        let (current, _proof) = self.managed(actor, uri, kind).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let nodes: Vec<String> = node::Entity::find()
            .select_only()
            .column(node::Column::NodeUri)
            .filter(subtree(&current))
            .into_tuple()
            .all(&txn)
            .await?;
        let links = link::Entity::find().filter(link::Column::TermUri.is_in(nodes.iter().cloned()));
        let link_count = links.clone().count(&txn).await?;
        let children = nodes.len() as u64 - 1;
        if !cascade && (children > 0 || link_count > 0) {
            return Err(Error::InvalidState(format!(
                "the {} {} holds {}; delete or move those first, or delete with cascade to remove all of it",
                kind.as_str(),
                current.label,
                holdings(children, link_count),
            )));
        }
        // Approved links are in catalog documents: their datasets are reindexed without them.
        let datasets: Vec<String> = links
            .filter(link::Column::ApprovedByOwner.eq(true))
            .select_only()
            .column(link::Column::DatasetUri)
            .distinct()
            .into_tuple()
            .all(&txn)
            .await?;
        link::Entity::delete_many()
            .filter(link::Column::TermUri.is_in(nodes.iter().cloned()))
            .exec(&txn)
            .await?;
        node::Entity::delete_many()
            .filter(node::Column::NodeUri.is_in(nodes.iter().cloned()))
            .exec(&txn)
            .await?;
        for dataset in &datasets {
            queue_index(&txn, dataset, false).await?;
        }
        let summary = format!("deleted {} ({})", current.label, holdings(children, link_count));
        let scope = audit::Scope::glossary(&current.glossary_uri);
        audit::record_in(&txn, actor, action, (uri, RESOURCE_TYPE), scope, &summary).await?;
        txn.commit().await?;
        Ok(nodes.len() as u64)
    }
}

/// "2 categories or terms and 3 links", for refusals and the trail.
fn holdings(children: u64, links: u64) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} and {}",
        plural(children, "category or term", "categories or terms"),
        plural(links, "link to data", "links to data")
    )
}

/// Siblings of one type have distinct labels (ignoring case), so a tree reads unambiguously
/// and a term picker never offers two alike under one parent.
async fn require_unique_label(
    db: &impl ConnectionTrait,
    parent_uri: &str,
    kind: NodeType,
    label: &str,
    except: Option<&str>,
) -> Result<()> {
    let mut same = node::Entity::find()
        .select_only()
        .column(node::Column::NodeUri)
        .filter(node::Column::ParentUri.eq(parent_uri))
        .filter(node::Column::NodeType.eq(kind.as_str()))
        .filter(Expr::expr(Func::lower(Expr::col(node::Column::Label))).eq(label.to_lowercase()));
    if let Some(except) = except {
        same = same.filter(node::Column::NodeUri.ne(except));
    }
    let existing: Option<String> = same.into_tuple().one(db).await?;
    match existing {
        Some(uri) => Err(Error::Conflict(format!(
            "a {} named {label} already exists here ({uri}); choose another label",
            kind.as_str()
        ))),
        None => Ok(()),
    }
}
