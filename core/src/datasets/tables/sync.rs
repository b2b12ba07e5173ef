//! The table sync, for the long task that reads Glue: one transaction per Glue page, so a
//! database of 100k tables is written in small steps and never held in memory at once. Tables
//! the sync saw carry its token; those that kept an older token left Glue and are marked
//! Deleted at the end. Sync tasks of one dataset run one at a time (their queue group is the
//! dataset), and every step is safe to repeat.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Value, json};
use sluice_entities::{dataset_table as tbl, dataset_table_column as col};

use super::model::{DELETED, GlueTable, IN_SYNC};
use crate::{
    Actor, Error, Result, audit,
    datasets::{Dataset, INDEX_ACTION, RESOURCE_TYPE, model::json_list},
    environments::PivotRole,
    tasks::{NewTask, store},
    uri::new_uri,
};

pub const SYNC_ACTION: &str = "dataset.sync-tables";

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
    /// Glue held more tables than the cap; those past it were not read and nothing was marked
    /// deleted.
    pub truncated: bool,
}

pub struct TableSync {
    db: DatabaseConnection,
    /// The system actor the finished sync is recorded under.
    actor: Actor,
    dataset: Dataset,
    pivot: PivotRole,
    token: String,
    cap: u64,
    summary: SyncSummary,
}

impl TableSync {
    /// Starts a sync of the dataset's Glue database; at most `cap` tables are kept.
    pub(crate) async fn start(
        db: &DatabaseConnection,
        actor: &Actor,
        dataset_uri: &str,
        cap: u64,
    ) -> Result<Self> {
        let dataset = sluice_entities::dataset::Entity::find_by_id(dataset_uri.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: dataset_uri.to_owned() })
            .and_then(Dataset::from_model)?;
        let (_, pivot) = crate::environments::platform::with_pivot(db, &dataset.environment_uri).await?;
        Ok(Self {
            db: db.clone(),
            actor: actor.clone(),
            dataset,
            pivot,
            token: new_uri(),
            cap,
            summary: SyncSummary::default(),
        })
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The pivot role of the dataset's account, to read its Glue database.
    pub fn pivot(&self) -> &PivotRole {
        &self.pivot
    }

    fn seen(&self) -> u64 {
        self.summary.added + self.summary.updated + self.summary.unchanged
    }

    /// Whether another page may be read without passing the cap.
    pub fn wants_more(&self) -> bool {
        self.seen() < self.cap
    }

    /// Records that Glue holds more tables than the cap lets this sync read.
    pub fn stop_at_cap(&mut self) {
        self.summary.truncated = true;
    }

    /// How far the sync got, for the task's progress.
    pub fn progress(&self) -> Value {
        json!({
            "done": self.seen(),
            "message": format!(
                "{} {} read from Glue database {}",
                self.seen(),
                if self.seen() == 1 { "table" } else { "tables" },
                self.dataset.glue_database_name
            ),
        })
    }

    /// Applies one page of Glue tables in one transaction.
    pub async fn apply_page(&mut self, mut tables: Vec<GlueTable>) -> Result<()> {
        let db = &self.db.clone();
        let room = usize::try_from(self.cap.saturating_sub(self.seen())).unwrap_or(usize::MAX);
        if tables.len() > room {
            tables.truncate(room);
            self.summary.truncated = true;
        }
        if tables.is_empty() {
            return Ok(());
        }
        let txn = crate::db::write_txn(db).await?;
        let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        let mut existing: HashMap<String, tbl::Model> = tbl::Entity::find()
            .filter(tbl::Column::DatasetUri.eq(&self.dataset.dataset_uri))
            .filter(tbl::Column::Name.is_in(names))
            .all(&txn)
            .await?
            .into_iter()
            .map(|t| (t.name.clone(), t))
            .collect();
        let now = chrono::Utc::now();
        let (mut unchanged, mut changed) = (vec![], vec![]);
        for table in &tables {
            let fingerprint = table.fingerprint();
            match existing.remove(&table.name) {
                Some(row) if row.fingerprint == fingerprint && row.last_glue_table_status == IN_SYNC => {
                    unchanged.push(row.table_uri);
                }
                Some(row) => {
                    let uri = row.table_uri.clone();
                    let mut active: tbl::ActiveModel = row.into();
                    active.location = Set(table.location.clone());
                    active.table_type = Set(table.table_type.clone());
                    active.properties = Set(json!(table.parameters).to_string());
                    active.fingerprint = Set(fingerprint);
                    active.last_glue_table_status = Set(IN_SYNC.into());
                    active.sync_token = Set(Some(self.token.clone()));
                    active.updated = Set(now);
                    active.update(&txn).await?;
                    replace_columns(&txn, &uri, table).await?;
                    self.summary.updated += 1;
                    changed.push(uri);
                }
                None => {
                    let uri = new_uri();
                    tbl::ActiveModel {
                        table_uri: Set(uri.clone()),
                        dataset_uri: Set(self.dataset.dataset_uri.clone()),
                        label: Set(table.name.clone()),
                        name: Set(table.name.clone()),
                        description: Set(table.description.clone().filter(|d| !d.is_empty())),
                        tags: Set(json_list(&[])),
                        topics: Set(json_list(&self.dataset.topics)),
                        owner: Set(self.dataset.owner.clone()),
                        table_type: Set(table.table_type.clone()),
                        location: Set(table.location.clone()),
                        properties: Set(json!(table.parameters).to_string()),
                        fingerprint: Set(fingerprint),
                        last_glue_table_status: Set(IN_SYNC.into()),
                        sync_token: Set(Some(self.token.clone())),
                        created: Set(now),
                        updated: Set(now),
                    }
                    .insert(&txn)
                    .await?;
                    replace_columns(&txn, &uri, table).await?;
                    self.summary.added += 1;
                    changed.push(uri);
                }
            }
        }
        if !unchanged.is_empty() {
            self.summary.unchanged += unchanged.len() as u64;
            tbl::Entity::update_many()
                .col_expr(tbl::Column::SyncToken, Expr::value(self.token.clone()))
                .filter(tbl::Column::TableUri.is_in(unchanged))
                .exec(&txn)
                .await?;
        }
        queue_table_index(&txn, &self.dataset.dataset_uri, &changed).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Marks the tables this sync did not see as Deleted, unless it stopped at the cap.
    pub async fn finish(mut self) -> Result<SyncSummary> {
        let db = &self.db.clone();
        if !self.summary.truncated {
            self.mark_vanished(db).await?;
        }
        let s = &self.summary;
        let summary = format!(
            "{} added, {} updated, {} unchanged, {} deleted{}",
            s.added,
            s.updated,
            s.unchanged,
            s.deleted,
            if s.truncated { "; stopped at the cap, nothing marked deleted" } else { "" }
        );
        audit::record(db, &self.actor, "syncTables", &self.dataset.dataset_uri, RESOURCE_TYPE, &summary)
            .await?;
        Ok(self.summary)
    }

    /// Marks the tables this sync did not see as deleted.
    async fn mark_vanished(&mut self, db: &DatabaseConnection) -> Result<()> {
        let vanished = tbl::Entity::find()
            .select_only()
            .column(tbl::Column::TableUri)
            .filter(tbl::Column::DatasetUri.eq(&self.dataset.dataset_uri))
            .filter(tbl::Column::LastGlueTableStatus.eq(IN_SYNC))
            .filter(tbl::Column::SyncToken.ne(self.token.clone()).or(tbl::Column::SyncToken.is_null()))
            .into_tuple::<String>()
            .all(db)
            .await?;
        // In chunks, so neither the statement nor the transaction grows with the dataset.
        for chunk in vanished.chunks(500) {
            let txn = crate::db::write_txn(db).await?;
            tbl::Entity::update_many()
                .col_expr(tbl::Column::LastGlueTableStatus, Expr::value(DELETED))
                .col_expr(tbl::Column::Updated, Expr::value(chrono::Utc::now()))
                .filter(tbl::Column::TableUri.is_in(chunk.iter().cloned()))
                .exec(&txn)
                .await?;
            queue_table_index(&txn, &self.dataset.dataset_uri, chunk).await?;
            txn.commit().await?;
        }
        self.summary.deleted = vanished.len() as u64;
        Ok(())
    }
}

/// Replaces a table's columns with Glue's, in order.
pub(crate) async fn replace_columns(
    db: &impl ConnectionTrait,
    table_uri: &str,
    table: &GlueTable,
) -> Result<()> {
    col::Entity::delete_many().filter(col::Column::TableUri.eq(table_uri)).exec(db).await?;
    let now = chrono::Utc::now();
    let rows: Vec<col::ActiveModel> = table
        .stored_columns()
        .enumerate()
        .map(|(position, (c, column_type))| col::ActiveModel {
            column_uri: Set(new_uri()),
            table_uri: Set(table_uri.to_owned()),
            name: Set(c.name.clone()),
            label: Set(c.name.clone()),
            type_name: Set(c.type_.clone()),
            column_type: Set(column_type),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            description: Set(c.comment.clone()),
            created: Set(now),
            updated: Set(now),
        })
        .collect();
    // Batches keep every statement under SQLite's bound-parameter limit.
    for batch in rows.chunks(500) {
        col::Entity::insert_many(batch.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// One catalog task for a batch of tables, in the caller's transaction.
pub(crate) async fn queue_table_index(
    db: &impl ConnectionTrait,
    dataset_uri: &str,
    table_uris: &[String],
) -> Result<()> {
    if table_uris.is_empty() {
        return Ok(());
    }
    store::enqueue(
        db,
        NewTask {
            action: INDEX_ACTION.into(),
            // Ordered with the dataset's own index tasks: a dataset removal comes after its tables.
            target_uri: dataset_uri.into(),
            target_type: RESOURCE_TYPE.into(),
            payload: json!({"kind": "tables", "uris": table_uris}),
        },
    )
    .await?;
    Ok(())
}
