//! Drift, continuously: `ecs-tasks verify-shares` surveys every dataset and records the Lake
//! Formation grants on its database and tables that Sluice did not make. The dataset's admin
//! team reads them (`Dataset.accessDrift`), and the metrics count them. Nothing is revoked: a
//! grant made by hand may be someone's deliberate choice, and only people decide that.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set,
};
use sluice_entities::{access_drift as drift, dataset as ds};

use super::{
    Access, SeeAccess,
    effective::{Target, survey},
    model::TargetType,
    port::{GrantReader, SeenGrant},
};
use crate::{Actor, Result, authz::authorize, datasets::Dataset, uri::new_uri};

/// What one run found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftRun {
    /// Datasets whose grants were read.
    pub datasets: usize,
    /// Grants found outside Sluice, over all of them.
    pub grants: usize,
    /// Datasets that could not be read, with why; their earlier findings are kept.
    pub unreadable: Vec<String>,
}

/// A grant outside Sluice, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedDrift {
    pub account_id: String,
    pub principal: String,
    pub database: String,
    /// None for a grant on the database itself.
    pub table: Option<String>,
    pub permissions: Vec<String>,
    pub first_seen: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
}

impl From<drift::Model> for RecordedDrift {
    fn from(row: drift::Model) -> Self {
        Self {
            account_id: row.account_id,
            principal: row.principal,
            database: row.database_name,
            table: row.table_name,
            permissions: serde_json::from_str(&row.permissions).unwrap_or_default(),
            first_seen: row.first_seen,
            last_seen: row.last_seen,
        }
    }
}

type Key = (String, String, String, Option<String>);

fn key_of(account: &str, grant: &SeenGrant) -> Key {
    (
        account.to_owned(),
        grant.principal.clone(),
        grant.resource.database.clone(),
        grant.resource.table.clone(),
    )
}

/// Surveys every dataset and replaces its recorded drift with what was found.
pub(crate) async fn record(db: &DatabaseConnection, reader: &dyn GrantReader) -> Result<DriftRun> {
    let mut run = DriftRun::default();
    let rows = ds::Entity::find().order_by_asc(ds::Column::DatasetUri).all(db).await?;
    for row in rows {
        let dataset = Dataset::from_model(row)?;
        let uri = dataset.dataset_uri.clone();
        let surveyed = match survey(
            db,
            Some(reader),
            &dataset,
            TargetType::Dataset,
            Target::whole(&dataset),
            &uri,
        )
        .await
        {
            Ok(surveyed) => surveyed,
            Err(e) => {
                run.unreadable.push(format!("{uri}: {}", e.chain()));
                continue;
            }
        };
        if let Some(error) = surveyed.access.aws_error {
            run.unreadable.push(format!("{uri}: {error}"));
            continue;
        }
        run.datasets += 1;
        run.grants += surveyed.outside.len();
        replace(db, &uri, &surveyed.outside).await?;
    }
    Ok(run)
}

/// Makes the dataset's rows say `found`, keeping when each grant was first seen.
async fn replace(db: &DatabaseConnection, dataset_uri: &str, found: &[(String, SeenGrant)]) -> Result<()> {
    let now = chrono::Utc::now();
    let txn = crate::db::write_txn(db).await?;
    let mut kept: HashMap<Key, drift::Model> = drift::Entity::find()
        .filter(drift::Column::DatasetUri.eq(dataset_uri))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| {
            ((r.account_id.clone(), r.principal.clone(), r.database_name.clone(), r.table_name.clone()), r)
        })
        .collect();
    for (account, grant) in found {
        let permissions = serde_json::to_string(&grant.permissions).unwrap_or_else(|_| "[]".into());
        match kept.remove(&key_of(account, grant)) {
            Some(row) => {
                let mut row: drift::ActiveModel = row.into();
                row.permissions = Set(permissions);
                row.last_seen = Set(now);
                row.update(&txn).await?;
            }
            None => {
                drift::ActiveModel {
                    drift_uri: Set(new_uri()),
                    dataset_uri: Set(dataset_uri.to_owned()),
                    account_id: Set(account.clone()),
                    principal: Set(grant.principal.clone()),
                    database_name: Set(grant.resource.database.clone()),
                    table_name: Set(grant.resource.table.clone()),
                    permissions: Set(permissions),
                    first_seen: Set(now),
                    last_seen: Set(now),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    let gone: Vec<String> = kept.into_values().map(|r| r.drift_uri).collect();
    if !gone.is_empty() {
        drift::Entity::delete_many().filter(drift::Column::DriftUri.is_in(gone)).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// How many grants outside Sluice are recorded, over every dataset: the metric.
pub(crate) async fn count(db: &DatabaseConnection) -> Result<u64> {
    Ok(drift::Entity::find().count(db).await?)
}

impl Access<'_> {
    /// The dataset's recorded drift, for its admin team and platform admins; None for anyone
    /// else, as the dataset's other restricted fields.
    pub async fn recorded_drift(
        &self,
        actor: &Actor,
        dataset_uri: &str,
    ) -> Result<Option<Vec<RecordedDrift>>> {
        if authorize::<SeeAccess>(self.db, actor, dataset_uri).await.is_err() {
            return Ok(None);
        }
        let rows = drift::Entity::find()
            .filter(drift::Column::DatasetUri.eq(dataset_uri))
            .order_by_asc(drift::Column::FirstSeen)
            .all(self.db)
            .await?;
        Ok(Some(rows.into_iter().map(Into::into).collect()))
    }
}
