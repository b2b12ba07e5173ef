//! Links of terms to data: made by the item's admin team, counted once the glossary's team
//! approved them. A link made by someone who manages the glossary is approved at once.
//!
//! What a link reveals: its target's URI and label. In an open catalog every signed-in user
//! finds every item anyway. With restricted visibility, only the glossary's team (who decide on
//! the links) sees links to datasets its members cannot read; everyone else sees links to
//! datasets they may read (GET_DATASET), a subset of what the catalog shows them.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Query,
};
use sluice_entities::{
    dataset as ds, dataset_location as loc, dataset_table as tbl, dataset_table_column as col,
    glossary_node as node, glossary_term_link as link,
};

use super::{
    Glossaries,
    model::{GlossaryNode, NodeType},
    tree::subtree,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, DatasetPermission, Grant, glossary::ManageGlossary, granted},
    catalog::CatalogVisibility,
    datasets::{Dataset, queue_index},
    labels::labels,
    page::{self, Page, PageRequest},
    uri::new_uri,
};

/// The most terms one item may carry.
pub const MAX_TERMS_PER_ITEM: usize = 50;

/// What a term is linked to, by data.all's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    Dataset,
    Table,
    Column,
    Folder,
}

impl LinkTarget {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dataset => "Dataset",
            Self::Table => "DatasetTable",
            Self::Column => "Column",
            Self::Folder => "Folder",
        }
    }

    fn from_stored(value: &str) -> Result<Self> {
        [Self::Dataset, Self::Table, Self::Column, Self::Folder]
            .into_iter()
            .find(|t| t.as_str() == value)
            .ok_or_else(|| Error::Internal(format!("unknown term link target {value:?}").into()))
    }
}

/// A link, with its term and its target's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLink {
    pub link_uri: String,
    pub term: GlossaryNode,
    pub target_uri: String,
    pub target_type: LinkTarget,
    pub dataset_uri: String,
    /// Who linked it.
    pub owner: String,
    pub approved_by_owner: bool,
    pub approved_by_steward: bool,
    /// None once the target is gone.
    pub target_label: Option<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Glossaries<'_> {
    /// The links of a node's subtree the actor may see.
    fn visible(&self, actor: &Actor, n: &GlossaryNode) -> Condition {
        let all = Condition::all().add(
            link::Column::TermUri.in_subquery(
                Query::select()
                    .column(node::Column::NodeUri)
                    .from(node::Entity)
                    .cond_where(subtree(n))
                    .to_owned(),
            ),
        );
        match self.visibility {
            CatalogVisibility::Open => all,
            CatalogVisibility::Restricted if n.is_managed_by(actor) => all,
            CatalogVisibility::Restricted => {
                all.add(link::Column::DatasetUri.in_subquery(granted(DatasetPermission::GetDataset, actor)))
            }
        }
    }

    pub(super) async fn link_count(&self, actor: &Actor, n: &GlossaryNode) -> Result<u64> {
        Ok(link::Entity::find().filter(self.visible(actor, n)).count(self.db).await?)
    }

    /// The links of the terms under a node (or of a term), pending ones first.
    pub async fn associations(
        &self,
        actor: &Actor,
        n: &GlossaryNode,
        page: PageRequest,
    ) -> Result<Page<TermLink>> {
        let query = link::Entity::find()
            .filter(self.visible(actor, n))
            .order_by_asc(link::Column::ApprovedByOwner)
            .order_by_desc(link::Column::Created)
            .order_by_asc(link::Column::LinkUri);
        let (rows, rest) = page::fetch(self.db, query, page).await?.take_nodes();
        let links = with_terms(self.db, rows).await?;
        Ok(rest.with(links))
    }

    /// The links of items the caller already may see (a dataset, its tables, columns or
    /// folders), by target URI.
    pub async fn links_of(&self, target_uris: &[String]) -> Result<HashMap<String, Vec<TermLink>>> {
        if target_uris.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = link::Entity::find()
            .filter(link::Column::TargetUri.is_in(target_uris.iter().cloned()))
            .order_by_asc(link::Column::Created)
            .all(self.db)
            .await?;
        let mut out: HashMap<String, Vec<TermLink>> = HashMap::new();
        for l in with_terms(self.db, rows).await? {
            out.entry(l.target_uri.clone()).or_default().push(l);
        }
        Ok(out)
    }

    /// Approves a link: it counts in the catalog from now on. Needs to manage the term's
    /// glossary. False when it was approved already.
    pub async fn approve(&self, actor: &Actor, link_uri: &str) -> Result<bool> {
        let approve = self.decide(actor, link_uri, true);
        audit::audited(self.db, actor, "approveTermAssociation", (link_uri, "term_link"), approve).await
    }

    /// Dismisses a link: it is removed, and the item no longer carries the term. Needs to
    /// manage the term's glossary.
    pub async fn dismiss(&self, actor: &Actor, link_uri: &str) -> Result<bool> {
        let dismiss = self.decide(actor, link_uri, false);
        audit::audited(self.db, actor, "dismissTermAssociation", (link_uri, "term_link"), dismiss).await
    }

    async fn decide(&self, actor: &Actor, link_uri: &str, approve: bool) -> Result<bool> {
        let found = link::Entity::find_by_id(link_uri.to_owned()).one(self.db).await?;
        let Some(row) = found else {
            return Err(Error::NotFound { kind: "term_link", uri: link_uri.to_owned() });
        };
        let glossary = authz::authorize::<ManageGlossary>(self.db, actor, &row.glossary_uri).await?;
        let action = if approve { "approveTermAssociation" } else { "dismissTermAssociation" };
        let txn = crate::db::write_txn(self.db).await?;
        let (changed, summary) = if approve {
            if row.approved_by_owner {
                (false, "approved already")
            } else {
                let mut active: link::ActiveModel = row.clone().into();
                active.approved_by_owner = Set(true);
                active.updated = Set(chrono::Utc::now());
                active.update(&txn).await?;
                (true, "approved")
            }
        } else {
            link::Entity::delete_by_id(link_uri.to_owned()).exec(&txn).await?;
            (true, "dismissed")
        };
        if changed {
            queue_index(&txn, &row.dataset_uri, false).await?;
        }
        let summary = format!("{summary}: {} {} in {}", row.target_type, row.target_uri, glossary.label);
        let scope = audit::Scope::glossary(&row.glossary_uri);
        audit::record_in(&txn, actor, action, (link_uri, "term_link"), scope, &summary).await?;
        txn.commit().await?;
        Ok(changed)
    }
}

/// Replaces the terms linked to an item with `term_uris`, in the caller's transaction; the
/// proof is the item's dataset's. Links that stay keep their approval; new ones are approved
/// at once when the actor manages the term's glossary.
pub(crate) async fn set_links<P: Grant<On = Dataset>>(
    txn: &impl ConnectionTrait,
    proof: &Authorized<Dataset, P>,
    target: LinkTarget,
    target_uri: &str,
    term_uris: &[String],
) -> Result<()> {
    let (wanted, terms) = resolve_terms(txn, term_uris).await?;
    let existing: Vec<link::Model> =
        link::Entity::find().filter(link::Column::TargetUri.eq(target_uri)).all(txn).await?;
    let kept: HashSet<&str> = existing.iter().map(|l| l.term_uri.as_str()).collect();
    let gone: Vec<String> =
        existing.iter().filter(|l| !wanted.contains(&l.term_uri)).map(|l| l.link_uri.clone()).collect();
    if !gone.is_empty() {
        link::Entity::delete_many().filter(link::Column::LinkUri.is_in(gone)).exec(txn).await?;
    }
    let actor = proof.actor();
    let now = chrono::Utc::now();
    let new: Vec<link::ActiveModel> = wanted
        .iter()
        .filter(|uri| !kept.contains(uri.as_str()))
        .filter_map(|uri| terms.get(uri))
        .map(|term| link::ActiveModel {
            link_uri: Set(new_uri()),
            term_uri: Set(term.node_uri.clone()),
            glossary_uri: Set(term.glossary_uri.clone()),
            target_uri: Set(target_uri.to_owned()),
            target_type: Set(target.as_str().to_owned()),
            dataset_uri: Set(proof.dataset_uri.clone()),
            owner: Set(actor.username().to_owned()),
            approved_by_owner: Set(term.is_managed_by(actor)),
            approved_by_steward: Set(true),
            created: Set(now),
            updated: Set(now),
        })
        .collect();
    if !new.is_empty() {
        let summary = format!("linked {} term(s) to {} {target_uri}", new.len(), target.as_str());
        link::Entity::insert_many(new).exec(txn).await?;
        // The row is the item's: it belongs to the item's dataset.
        let scope = audit::Scope::dataset(&proof.dataset_uri);
        audit::record_in(txn, actor, "linkTerms", (target_uri, target.as_str()), scope, &summary).await?;
    }
    Ok(())
}

/// Checks that every URI names a term, before anything else is done with them.
pub(crate) async fn check_terms(db: &impl ConnectionTrait, term_uris: &[String]) -> Result<()> {
    resolve_terms(db, term_uris).await.map(|_| ())
}

/// The distinct URIs in their order, and their terms; refuses what is not a term.
async fn resolve_terms(
    db: &impl ConnectionTrait,
    term_uris: &[String],
) -> Result<(Vec<String>, HashMap<String, GlossaryNode>)> {
    let mut wanted: Vec<String> = Vec::new();
    for uri in term_uris.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        if !wanted.iter().any(|w| w == uri) {
            wanted.push(uri.to_owned());
        }
    }
    if wanted.len() > MAX_TERMS_PER_ITEM {
        return Err(Error::validation("terms", format!("at most {MAX_TERMS_PER_ITEM} terms per item")));
    }
    let terms: HashMap<String, GlossaryNode> = node::Entity::find()
        .filter(node::Column::NodeUri.is_in(wanted.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| GlossaryNode::from_model(m).map(|n| (n.node_uri.clone(), n)))
        .collect::<Result<_>>()?;
    for uri in &wanted {
        match terms.get(uri) {
            Some(t) if t.node_type == NodeType::Term => {}
            Some(t) => {
                return Err(Error::validation(
                    "terms",
                    format!("{uri} is a {} ({}); link terms only", t.node_type.as_str(), t.label),
                ));
            }
            None => {
                return Err(Error::validation(
                    "terms",
                    format!("no glossary term {uri}; pick one from a glossary"),
                ));
            }
        }
    }
    Ok((wanted, terms))
}

/// The labels of the approved terms of a dataset's items, by target URI; a column's count
/// for its table, so a table is found by what its columns mean.
pub(crate) async fn approved_labels(
    db: &impl ConnectionTrait,
    dataset_uri: &str,
) -> Result<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String, String)> = link::Entity::find()
        .select_only()
        .column(link::Column::TargetUri)
        .column(link::Column::TargetType)
        .column_as(node::Column::Label, "label")
        .join(
            sea_orm::JoinType::InnerJoin,
            link::Entity::belongs_to(node::Entity)
                .from(link::Column::TermUri)
                .to(node::Column::NodeUri)
                .into(),
        )
        .filter(link::Column::DatasetUri.eq(dataset_uri))
        .filter(link::Column::ApprovedByOwner.eq(true))
        .order_by_asc(node::Column::Label)
        .into_tuple()
        .all(db)
        .await?;
    let columns: Vec<String> = rows
        .iter()
        .filter(|(_, kind, _)| kind == LinkTarget::Column.as_str())
        .map(|(uri, _, _)| uri.clone())
        .collect();
    let tables_of: HashMap<String, String> = if columns.is_empty() {
        HashMap::new()
    } else {
        col::Entity::find()
            .select_only()
            .columns([col::Column::ColumnUri, col::Column::TableUri])
            .filter(col::Column::ColumnUri.is_in(columns))
            .into_tuple::<(String, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (uri, kind, label) in rows {
        let key = if kind == LinkTarget::Column.as_str() {
            match tables_of.get(&uri) {
                Some(table) => table.clone(),
                None => continue,
            }
        } else {
            uri
        };
        let labels = out.entry(key).or_default();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    Ok(out)
}

/// Removes the links of a dataset that is being deleted, and of its items, in its transaction.
pub(crate) async fn forget_dataset(db: &impl ConnectionTrait, dataset_uri: &str) -> Result<()> {
    link::Entity::delete_many().filter(link::Column::DatasetUri.eq(dataset_uri)).exec(db).await?;
    Ok(())
}

/// Removes the links of a table (and its columns) or folder that is being deleted.
pub(crate) async fn forget_target(db: &impl ConnectionTrait, target_uri: &str) -> Result<()> {
    let columns = Query::select()
        .column(col::Column::ColumnUri)
        .from(col::Entity)
        .and_where(col::Column::TableUri.eq(target_uri))
        .to_owned();
    link::Entity::delete_many()
        .filter(
            Condition::any()
                .add(link::Column::TargetUri.eq(target_uri))
                .add(link::Column::TargetUri.in_subquery(columns)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Loads the terms and target labels of link rows: a fixed number of queries.
async fn with_terms(db: &impl ConnectionTrait, rows: Vec<link::Model>) -> Result<Vec<TermLink>> {
    let term_uris: Vec<String> = rows.iter().map(|r| r.term_uri.clone()).collect();
    let terms: HashMap<String, GlossaryNode> = node::Entity::find()
        .filter(node::Column::NodeUri.is_in(term_uris))
        .all(db)
        .await?
        .into_iter()
        .map(|m| GlossaryNode::from_model(m).map(|n| (n.node_uri.clone(), n)))
        .collect::<Result<_>>()?;
    let labels = target_labels(db, &rows).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(term) = terms.get(&r.term_uri) else { continue };
        out.push(TermLink {
            target_type: LinkTarget::from_stored(&r.target_type)?,
            target_label: labels.get(&r.target_uri).cloned(),
            link_uri: r.link_uri,
            term: term.clone(),
            target_uri: r.target_uri,
            dataset_uri: r.dataset_uri,
            owner: r.owner,
            approved_by_owner: r.approved_by_owner,
            approved_by_steward: r.approved_by_steward,
            created: r.created,
            updated: r.updated,
        });
    }
    Ok(out)
}

/// Each target's label, one query per kind of target present.
async fn target_labels(db: &impl ConnectionTrait, rows: &[link::Model]) -> Result<HashMap<String, String>> {
    let of = |kind: LinkTarget| -> Vec<String> {
        rows.iter().filter(|r| r.target_type == kind.as_str()).map(|r| r.target_uri.clone()).collect()
    };
    let mut out = HashMap::new();
    out.extend(
        labels::<ds::Entity>(db, of(LinkTarget::Dataset), ds::Column::DatasetUri, ds::Column::Label).await?,
    );
    out.extend(
        labels::<tbl::Entity>(db, of(LinkTarget::Table), tbl::Column::TableUri, tbl::Column::Label).await?,
    );
    out.extend(
        labels::<col::Entity>(db, of(LinkTarget::Column), col::Column::ColumnUri, col::Column::Label).await?,
    );
    out.extend(
        labels::<loc::Entity>(db, of(LinkTarget::Folder), loc::Column::LocationUri, loc::Column::Label)
            .await?,
    );
    Ok(out)
}
