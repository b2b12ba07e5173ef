//! Who sees an activity row: the teams that may read the resource it concerns, its scope.
//!
//! A row's scope is written with it: the target itself for an organization, environment,
//! dataset or share; the parent that holds the permissions for what has none of its own (a
//! table, column or folder belongs to its dataset, a share item to its share, a category, term
//! or term link to its glossary, a stack or task to its target). Found when the row is written,
//! the scope outlives the table, folder or item the row names, so their teams still see who
//! deleted them.
//!
//! Reading, each kind of scope is matched against the same grant that lets the actor read the
//! resource itself (`authz::permitted`), so "which rows do I see" follows "what may I read"
//! without a second copy of the permission rules. Consumption roles are their own scope: only
//! teams that may list an environment's consumption roles see the rows that name them.

use sea_orm::{
    Condition, ConnectionTrait, DbBackend, EntityTrait, QuerySelect,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Query, SelectStatement, UnionType},
};
use sluice_entities::{
    activity, dataset_location as loc, dataset_table as tbl, dataset_table_column as col,
    glossary_node as node, glossary_term_link as link, share_item as si, share_item_data_filter as sidf,
    stack, table_data_filter as tdf, task,
};

use crate::{
    Actor, Result,
    authz::{dataset, environment, glossary::ManageGlossary, organization, permitted},
    shares::ReadShare,
};

/// The kind of resource a row belongs to, which says which permission reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// Read with GET_ORGANIZATION.
    Organization,
    /// Read with GET_ENVIRONMENT.
    Environment,
    /// An environment's consumption roles: read with LIST_ENVIRONMENT_CONSUMPTION_ROLES.
    EnvironmentConsumption,
    /// Read with GET_DATASET (its admin team and stewards).
    Dataset,
    /// Read by the requesting team and the dataset's approvers.
    Share,
    /// Managed by its owner team.
    Glossary,
}

impl ScopeKind {
    pub const ALL: [Self; 6] = [
        Self::Organization,
        Self::Environment,
        Self::EnvironmentConsumption,
        Self::Dataset,
        Self::Share,
        Self::Glossary,
    ];

    /// What `activity.scope_type` holds.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Environment => "environment",
            Self::EnvironmentConsumption => "environment.consumption",
            Self::Dataset => "dataset",
            Self::Share => "share_object",
            Self::Glossary => "glossary",
        }
    }

    /// `SELECT uri` of the resources of this kind the actor may read, by the grant their own
    /// reads check.
    fn readable(self, actor: &Actor) -> SelectStatement {
        match self {
            Self::Organization => permitted::<organization::GetOrganization>(actor),
            Self::Environment => permitted::<environment::GetEnvironment>(actor),
            Self::EnvironmentConsumption => permitted::<environment::ListEnvironmentConsumptionRoles>(actor),
            Self::Dataset => permitted::<dataset::GetDataset>(actor),
            Self::Share => permitted::<ReadShare>(actor),
            Self::Glossary => permitted::<ManageGlossary>(actor),
        }
    }

    /// [`Self::readable`] with the kind beside each URI: `SELECT '<kind>', uri`.
    fn readable_of_kind(self, actor: &Actor) -> SelectStatement {
        Query::select()
            .expr(Expr::val(self.as_str()))
            .column(Asterisk)
            .from_subquery(self.readable(actor), Alias::new("readable"))
            .to_owned()
    }

    /// The scope a task or stack target of `target_type` gives.
    fn of_kind(target_type: &str) -> Option<Self> {
        match target_type {
            "organization" => Some(Self::Organization),
            "environment" => Some(Self::Environment),
            "dataset" => Some(Self::Dataset),
            _ => None,
        }
    }
}

/// The resource a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    pub uri: String,
}

impl Scope {
    pub fn new(kind: ScopeKind, uri: impl Into<String>) -> Self {
        Self { kind, uri: uri.into() }
    }

    pub fn dataset(uri: impl Into<String>) -> Self {
        Self::new(ScopeKind::Dataset, uri)
    }

    pub fn share(uri: impl Into<String>) -> Self {
        Self::new(ScopeKind::Share, uri)
    }

    pub fn glossary(uri: impl Into<String>) -> Self {
        Self::new(ScopeKind::Glossary, uri)
    }

    pub fn consumption(environment_uri: impl Into<String>) -> Self {
        Self::new(ScopeKind::EnvironmentConsumption, environment_uri)
    }
}

/// The scope of a row about `target_type` `target_uri`, from what exists now: `None` when the
/// target is not a tenant's (a group, a mapping, the platform) or is gone, and then only platform
/// admins see the row. Target types are spelled as the writers spell them, data.all's names
/// included.
pub(crate) async fn of_target(
    db: &impl ConnectionTrait,
    target_type: &str,
    target_uri: &str,
) -> Result<Option<Scope>> {
    let direct = |kind| Ok(Some(Scope::new(kind, target_uri)));
    let dataset_of = |uri: Option<String>| uri.map(Scope::dataset);
    let uri = target_uri.to_owned();
    Ok(match target_type {
        "organization" => return direct(ScopeKind::Organization),
        "environment" => return direct(ScopeKind::Environment),
        "dataset" | "Dataset" => return direct(ScopeKind::Dataset),
        "share_object" => return direct(ScopeKind::Share),
        "dataset_table" | "DatasetTable" => dataset_of(
            tbl::Entity::find_by_id(uri)
                .select_only()
                .column(tbl::Column::DatasetUri)
                .into_tuple()
                .one(db)
                .await?,
        ),
        "dataset_table_column" | "Column" => {
            let table: Option<String> = col::Entity::find_by_id(uri)
                .select_only()
                .column(col::Column::TableUri)
                .into_tuple()
                .one(db)
                .await?;
            match table {
                Some(table) => dataset_of(
                    tbl::Entity::find_by_id(table)
                        .select_only()
                        .column(tbl::Column::DatasetUri)
                        .into_tuple()
                        .one(db)
                        .await?,
                ),
                None => None,
            }
        }
        "dataset_location" | "DatasetStorageLocation" | "Folder" => dataset_of(
            loc::Entity::find_by_id(uri)
                .select_only()
                .column(loc::Column::DatasetUri)
                .into_tuple()
                .one(db)
                .await?,
        ),
        "share_item" => si::Entity::find_by_id(uri)
            .select_only()
            .column(si::Column::ShareUri)
            .into_tuple::<String>()
            .one(db)
            .await?
            .map(Scope::share),
        "table_data_filter" => dataset_of(
            tdf::Entity::find_by_id(uri)
                .select_only()
                .column(tdf::Column::DatasetUri)
                .into_tuple()
                .one(db)
                .await?,
        ),
        "share_item_data_filter" => sidf::Entity::find_by_id(uri)
            .select_only()
            .column(sidf::Column::ShareUri)
            .into_tuple::<String>()
            .one(db)
            .await?
            .map(Scope::share),
        "glossary" => node::Entity::find_by_id(uri)
            .select_only()
            .column(node::Column::GlossaryUri)
            .into_tuple::<String>()
            .one(db)
            .await?
            .map(Scope::glossary),
        "term_link" => link::Entity::find_by_id(uri)
            .select_only()
            .column(link::Column::GlossaryUri)
            .into_tuple::<String>()
            .one(db)
            .await?
            .map(Scope::glossary),
        "stack" => stack::Entity::find_by_id(uri)
            .select_only()
            .columns([stack::Column::TargetType, stack::Column::TargetUri])
            .into_tuple::<(String, String)>()
            .one(db)
            .await?
            .and_then(|(kind, uri)| ScopeKind::of_kind(&kind).map(|kind| Scope::new(kind, uri))),
        "task" => task::Entity::find_by_id(uri)
            .select_only()
            .columns([task::Column::TargetType, task::Column::TargetUri])
            .into_tuple::<(String, String)>()
            .one(db)
            .await?
            .and_then(|(kind, uri)| ScopeKind::of_kind(&kind).map(|kind| Scope::new(kind, uri))),
        _ => None,
    })
}

/// The rows a user who is not a platform admin sees: those whose scope they may read. A row
/// without a scope matches nothing. The scope's kind and URI together are among what the actor
/// may read of that kind, one `IN` over a union, which Postgres answers by looking the rows up
/// by scope (`ix_activity_scope`). SQLite does not use an index for a pair, so there the URI
/// alone is also asked to be among all the actor may read (with 200,000 rows of other teams:
/// Postgres 13 ms, and 60 with the extra condition; SQLite 280 ms without it, 25 with it).
pub(crate) fn readable(actor: &Actor, backend: DbBackend) -> Condition {
    let union = |select: fn(ScopeKind, &Actor) -> SelectStatement| {
        let mut kinds = ScopeKind::ALL.into_iter().map(|kind| select(kind, actor));
        let mut union = kinds.next().unwrap_or_else(|| Query::select().to_owned());
        for other in kinds {
            union.union(UnionType::All, other);
        }
        union
    };
    let uri = Expr::col((activity::Entity, activity::Column::ScopeUri));
    let scope = Expr::tuple([Expr::col((activity::Entity, activity::Column::ScopeType)), uri.clone()]);
    let readable = Condition::all().add(scope.in_subquery(union(ScopeKind::readable_of_kind)));
    match backend {
        DbBackend::Sqlite => readable.add(uri.in_subquery(union(ScopeKind::readable))),
        _ => readable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_kinds_have_distinct_names() {
        let mut names: Vec<_> = ScopeKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ScopeKind::ALL.len());
    }
}
