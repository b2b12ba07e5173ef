//! What each caller may see of a dataset, decided here and nowhere else: the full view for teams
//! holding GET_DATASET, the catalog entry for everyone else who may find it (every signed-in
//! user, or with restricted catalog visibility only teams an item of it is shared with).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use sluice_entities::{dataset as ds, environment as env, share_item as si, share_object as so};

use super::{Dataset, DatasetView, Datasets, RESOURCE_TYPE};
use crate::{
    Actor, Error, Result,
    authz::{DatasetPermission, granted},
    catalog::CatalogVisibility,
    shares::ItemStatus,
};

impl Datasets<'_> {
    /// One dataset as the actor may see it: NOT_FOUND when it does not exist, FORBIDDEN when
    /// restricted visibility hides it from the actor's teams.
    pub async fn get(&self, actor: &Actor, uri: &str) -> Result<DatasetView> {
        let Some(row) = ds::Entity::find_by_id(uri.to_owned()).one(self.db).await? else {
            // Where the catalog is restricted, a missing dataset is refused like a hidden one, so
            // the answer tells an outsider nothing about which datasets exist.
            return Err(match self.visibility {
                CatalogVisibility::Open => Error::NotFound { kind: RESOURCE_TYPE, uri: uri.to_owned() },
                CatalogVisibility::Restricted => hidden(actor, uri),
            });
        };
        self.views_of(actor, vec![row], false).await?.pop().ok_or_else(|| hidden(actor, uri))
    }

    /// The datasets of `uris` the actor may see, by URI; unknown and hidden ones are left out.
    /// A fixed number of queries, whatever the number of datasets.
    pub async fn get_many(&self, actor: &Actor, uris: &[String]) -> Result<HashMap<String, DatasetView>> {
        let rows = ds::Entity::find()
            .filter(ds::Column::DatasetUri.is_in(uris.iter().cloned()))
            .all(self.db)
            .await?;
        let views = self.views_of(actor, rows, false).await?;
        Ok(views.into_iter().map(|v| (v.entry().dataset_uri.clone(), v)).collect())
    }

    /// Views of `rows`, in their order, without the rows the actor may not see. `all_readable`
    /// says the rows were already filtered by GET_DATASET, which saves a query.
    pub(crate) async fn views_of(
        &self,
        actor: &Actor,
        rows: Vec<ds::Model>,
        all_readable: bool,
    ) -> Result<Vec<DatasetView>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let uris: Vec<String> = rows.iter().map(|r| r.dataset_uri.clone()).collect();
        let readable: HashSet<String> = if all_readable {
            uris.iter().cloned().collect()
        } else {
            readable_among(self.db, actor, &uris).await?
        };
        let findable: HashSet<String> = match self.visibility {
            CatalogVisibility::Open => uris.iter().cloned().collect(),
            CatalogVisibility::Restricted => {
                let hidden: Vec<String> = uris.iter().filter(|u| !readable.contains(*u)).cloned().collect();
                shared_with(self.db, actor, &hidden).await?
            }
        };
        let env_uris: Vec<String> = rows
            .iter()
            .filter(|r| readable.contains(&r.dataset_uri))
            .map(|r| r.environment_uri.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let places = accounts_of(self.db, &env_uris).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let uri = row.dataset_uri.clone();
            let dataset = Dataset::from_model(row)?;
            if readable.contains(&uri) {
                let (account, region) =
                    places.get(&dataset.environment_uri).ok_or_else(|| Error::NotFound {
                        kind: crate::environments::RESOURCE_TYPE,
                        uri: dataset.environment_uri.clone(),
                    })?;
                views.push(dataset.full_view(account, region));
            } else if findable.contains(&uri) {
                views.push(DatasetView::catalog(dataset.entry(), actor));
            }
        }
        Ok(views)
    }

    /// Whether the actor may see `uri` at all (its catalog entry at least).
    pub(crate) async fn require_findable(&self, actor: &Actor, uri: &str) -> Result<()> {
        self.get(actor, uri).await.map(|_| ())
    }

    /// A table, column or folder (`kind` `uri`, `found` with its dataset's URI, or `None`) if
    /// the actor may find its dataset. Where the catalog is restricted, a part of a hidden
    /// dataset and one that does not exist are refused alike, naming only what was asked for,
    /// so no URI tells an outsider which dataset it belongs to, or that it exists.
    pub(crate) async fn findable_part<T>(
        &self,
        actor: &Actor,
        kind: &'static str,
        uri: &str,
        found: Option<(T, String)>,
    ) -> Result<T> {
        match (found, self.visibility) {
            (None, CatalogVisibility::Open) => Err(Error::NotFound { kind, uri: uri.to_owned() }),
            (None, CatalogVisibility::Restricted) => Err(hidden_part(actor, kind, uri)),
            // An open catalog shows every dataset, and the part's dataset exists (its key says so).
            (Some((part, _)), CatalogVisibility::Open) => Ok(part),
            (Some((part, dataset_uri)), CatalogVisibility::Restricted) => {
                match self.get(actor, &dataset_uri).await {
                    Ok(_) => Ok(part),
                    Err(Error::Forbidden(_)) => Err(hidden_part(actor, kind, uri)),
                    Err(e) => Err(e),
                }
            }
        }
    }
}

/// Those of `uris` on which one of the actor's teams holds GET_DATASET.
pub(crate) async fn readable_among(
    db: &impl ConnectionTrait,
    actor: &Actor,
    uris: &[String],
) -> Result<HashSet<String>> {
    let rows: Vec<String> = ds::Entity::find()
        .select_only()
        .column(ds::Column::DatasetUri)
        .filter(ds::Column::DatasetUri.is_in(uris.iter().cloned()))
        .filter(ds::Column::DatasetUri.in_subquery(granted(DatasetPermission::GetDataset, actor)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Those of `uris` of which an item is shared with one of the actor's teams.
async fn shared_with(db: &impl ConnectionTrait, actor: &Actor, uris: &[String]) -> Result<HashSet<String>> {
    if uris.is_empty() || actor.groups().is_empty() {
        return Ok(HashSet::new());
    }
    let shared: Vec<&str> = ItemStatus::SHARED.iter().map(|s| s.as_str()).collect();
    let rows: Vec<String> = so::Entity::find()
        .select_only()
        .column(so::Column::DatasetUri)
        .filter(so::Column::DatasetUri.is_in(uris.iter().cloned()))
        .filter(so::Column::GroupUri.is_in(actor.groups().iter().cloned()))
        .filter(
            so::Column::ShareUri.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(si::Column::ShareUri)
                    .from(si::Entity)
                    .and_where(si::Column::Status.is_in(shared))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The account and region of each environment.
async fn accounts_of(
    db: &impl ConnectionTrait,
    uris: &[String],
) -> Result<HashMap<String, (String, String)>> {
    if uris.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, String)> = env::Entity::find()
        .select_only()
        .columns([env::Column::EnvironmentUri, env::Column::AwsAccountId, env::Column::Region])
        .filter(env::Column::EnvironmentUri.is_in(uris.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(uri, account, region)| (uri, (account, region))).collect())
}

/// A dataset that exists but that restricted visibility hides from the actor.
pub(crate) fn hidden(actor: &Actor, uri: &str) -> Error {
    hidden_part(actor, RESOURCE_TYPE, uri)
}

fn hidden_part(actor: &Actor, kind: &'static str, uri: &str) -> Error {
    Error::forbidden(
        actor,
        "GET_DATASET",
        kind,
        uri,
        "the catalog shows datasets only to their teams and to teams they are shared with",
    )
}
