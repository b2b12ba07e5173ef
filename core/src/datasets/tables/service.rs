//! Reading and curating a dataset's tables. Their existence is catalog information every
//! signed-in user may read; changing them needs the dataset's permissions, and where they live
//! in AWS needs GET_DATASET like the dataset's own restricted part.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use serde_json::json;
use sluice_entities::{dataset_table as tbl, dataset_table_column as col};

use super::{
    model::{
        COLUMN_RESOURCE_TYPE, DELETED, DatasetTable, IN_SYNC, ModifyColumn, ModifyTable, QueuedSync,
        TABLE_RESOURCE_TYPE, TableColumn,
    },
    sync::{SYNC_ACTION, queue_table_index, replace_columns},
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, DatasetPermission, Grant, dataset as perm, granted},
    datasets::{Dataset, DatasetView, Datasets, RESOURCE_TYPE, model},
    environments::{LinkError, onboarding},
    glossaries::{self, LinkTarget},
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    tasks::{NewTask, store},
};

/// What a dataset holds, and how many users vote it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemCounts {
    pub tables: u64,
    pub folders: u64,
    pub up_votes: u64,
}

impl Datasets<'_> {
    /// A table's catalog entry, for everyone who may find its dataset.
    pub async fn get_table(&self, actor: &Actor, table_uri: &str) -> Result<DatasetTable> {
        let found = tbl::Entity::find_by_id(table_uri.to_owned())
            .one(self.db)
            .await?
            .map(DatasetTable::from_model)
            .transpose()?
            .map(|table| {
                let dataset_uri = table.dataset_uri.clone();
                (table, dataset_uri)
            });
        self.findable_part(actor, TABLE_RESOURCE_TYPE, table_uri, found).await
    }

    /// The table and the proof that the actor holds `P` on its dataset. A table the actor
    /// may not find is refused as `get_table` refuses it, before `P` is asked for.
    pub(super) async fn authorize_table<P: Grant<On = Dataset>>(
        &self,
        actor: &Actor,
        table_uri: &str,
    ) -> Result<(Authorized<Dataset, P>, DatasetTable)> {
        let table = self.get_table(actor, table_uri).await?;
        let dataset = authz::authorize::<P>(self.db, actor, &table.dataset_uri).await?;
        Ok((dataset, table))
    }

    /// Tables of one dataset the actor may find, or (without one) of every dataset the actor
    /// may read.
    pub async fn list_tables(
        &self,
        actor: &Actor,
        dataset_uri: Option<&str>,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetTable>> {
        let query = match dataset_uri {
            Some(uri) => {
                self.require_findable(actor, uri).await?;
                tbl::Entity::find().filter(tbl::Column::DatasetUri.eq(uri))
            }
            None => tbl::Entity::find()
                .filter(tbl::Column::DatasetUri.in_subquery(granted(DatasetPermission::GetDataset, actor))),
        };
        self.table_page(query, term, page).await
    }

    /// The tables of a dataset the caller holds the view of.
    pub async fn tables_of(
        &self,
        dataset: &DatasetView,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetTable>> {
        let query =
            tbl::Entity::find().filter(tbl::Column::DatasetUri.eq(dataset.entry().dataset_uri.as_str()));
        self.table_page(query, term, page).await
    }

    async fn table_page(
        &self,
        mut query: sea_orm::Select<tbl::Entity>,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetTable>> {
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [tbl::Column::Label, tbl::Column::Name, tbl::Column::Description];
            query = query.filter(contains_any(term, columns.map(|c| (tbl::Entity, c))));
        }
        let query = query.order_by_asc(tbl::Column::Name).order_by_asc(tbl::Column::TableUri);
        page::fetch(self.db, query, page).await?.try_map(DatasetTable::from_model)
    }

    /// The dataset's tables in Glue, its folders and its up votes, in three queries.
    pub async fn item_counts(&self, dataset: &DatasetView) -> Result<ItemCounts> {
        let uri = &dataset.entry().dataset_uri;
        let (tables, folders) = self.item_counts_of(uri).await?;
        let up_votes = crate::votes::up_votes(self.db, crate::votes::VoteTarget::Dataset, uri).await?;
        Ok(ItemCounts { tables, folders, up_votes })
    }

    async fn item_counts_of(&self, dataset_uri: &str) -> Result<(u64, u64)> {
        let tables = tbl::Entity::find()
            .filter(tbl::Column::DatasetUri.eq(dataset_uri))
            .filter(tbl::Column::LastGlueTableStatus.eq(IN_SYNC))
            .count(self.db)
            .await?;
        let folders = sluice_entities::dataset_location::Entity::find()
            .filter(sluice_entities::dataset_location::Column::DatasetUri.eq(dataset_uri))
            .count(self.db)
            .await?;
        Ok((tables, folders))
    }

    /// A table's columns, for everyone who may find its dataset.
    pub async fn list_columns(
        &self,
        actor: &Actor,
        table_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TableColumn>> {
        self.get_table(actor, table_uri).await?;
        self.columns_of_table(table_uri, term, page).await
    }

    /// The columns of a table the caller holds already (through its dataset's view).
    pub async fn columns_of(
        &self,
        table: &DatasetTable,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TableColumn>> {
        self.columns_of_table(&table.table_uri, term, page).await
    }

    async fn columns_of_table(
        &self,
        table_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TableColumn>> {
        let mut query = col::Entity::find().filter(col::Column::TableUri.eq(table_uri));
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [col::Column::Name, col::Column::Description];
            query = query.filter(contains_any(term, columns.map(|c| (col::Entity, c))));
        }
        Ok(page::fetch(self.db, query.order_by_asc(col::Column::Position), page).await?.map(Into::into))
    }

    /// Queues a sync of the dataset's tables from Glue. Needs SYNC_DATASET. Returns the task's
    /// URI; follow it with getTask.
    pub async fn queue_sync(&self, actor: &Actor, dataset_uri: &str) -> Result<QueuedSync> {
        let target = (dataset_uri, RESOURCE_TYPE);
        audit::audited(self.db, actor, "syncTables", target, self.queue_sync_inner(actor, dataset_uri)).await
    }

    async fn queue_sync_inner(&self, actor: &Actor, dataset_uri: &str) -> Result<QueuedSync> {
        let dataset = authz::authorize::<perm::SyncDataset>(self.db, actor, dataset_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let task = store::enqueue(
            &txn,
            NewTask {
                action: SYNC_ACTION.into(),
                target_uri: dataset_uri.into(),
                target_type: RESOURCE_TYPE.into(),
                payload: json!({"datasetUri": dataset_uri}),
            },
        )
        .await?;
        audit::record(
            &txn,
            dataset.actor(),
            "syncTables",
            dataset_uri,
            RESOURCE_TYPE,
            &format!("task {}", task.task_uri),
        )
        .await?;
        txn.commit().await?;
        let (tables, _) = self.item_counts_of(dataset_uri).await?;
        Ok(QueuedSync { task_uri: task.task_uri, tables })
    }

    /// Curates a table's catalog text. Needs UPDATE_DATASET on its dataset.
    pub async fn update_table(
        &self,
        actor: &Actor,
        table_uri: &str,
        input: ModifyTable,
    ) -> Result<DatasetTable> {
        let target = (table_uri, TABLE_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "updateDatasetTable",
            target,
            self.update_table_inner(actor, table_uri, input),
        )
        .await
    }

    async fn update_table_inner(
        &self,
        actor: &Actor,
        table_uri: &str,
        input: ModifyTable,
    ) -> Result<DatasetTable> {
        let (dataset, table) = self.authorize_table::<perm::UpdateDataset>(actor, table_uri).await?;
        if input.prefix.as_deref().is_some_and(|p| !p.trim().is_empty()) {
            return Err(Error::validation("prefix", "a table is where Glue says; leave prefix out"));
        }
        let mut row = tbl::ActiveModel {
            table_uri: Set(table_uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        if let Some(label) = &input.label {
            row.label = Set(validate::label(Some(label))?);
        }
        if input.description.is_some() {
            row.description = Set(validate::description(input.description.as_deref())?);
        }
        if let Some(tags) = &input.tags {
            row.tags = Set(model::json_list(&validate::tags(Some(tags))?));
        }
        if let Some(topics) = &input.topics {
            row.topics = Set(model::json_list(&model::topics(topics)?));
        }
        let txn = crate::db::write_txn(self.db).await?;
        let updated = row.update(&txn).await?;
        if let Some(terms) = &input.terms {
            glossaries::set_links(&txn, &dataset, LinkTarget::Table, table_uri, terms).await?;
        }
        queue_table_index(&txn, &table.dataset_uri, &[table_uri.to_owned()]).await?;
        audit::record(&txn, dataset.actor(), "updateDatasetTable", table_uri, TABLE_RESOURCE_TYPE, "updated")
            .await?;
        txn.commit().await?;
        DatasetTable::from_model(updated)
    }

    /// Removes a table from Sluice; Glue keeps it, and the next sync brings it back. Refused
    /// while a share holds it, whose grants would have nothing left to revoke them, or while a
    /// share item uses one of its filters; its other filters go with it. Needs DELETE_DATASET on
    /// its dataset.
    pub async fn delete_table(&self, actor: &Actor, table_uri: &str) -> Result<bool> {
        let target = (table_uri, TABLE_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "deleteDatasetTable",
            target,
            self.delete_table_inner(actor, table_uri),
        )
        .await
    }

    async fn delete_table_inner(&self, actor: &Actor, table_uri: &str) -> Result<bool> {
        let (dataset, table) = self.authorize_table::<perm::DeleteDataset>(actor, table_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        crate::shares::refuse_if_held(&txn, "table", &table.name, table_uri).await?;
        super::filters::forget_table(&txn, &table.name, table_uri).await?;
        crate::feeds::forget(&txn, crate::feeds::FeedTarget::Table, table_uri).await?;
        glossaries::forget_target(&txn, table_uri).await?;
        tbl::Entity::delete_by_id(table_uri.to_owned()).exec(&txn).await?;
        queue_table_index(&txn, &table.dataset_uri, &[table_uri.to_owned()]).await?;
        audit::record_in(
            &txn,
            dataset.actor(),
            "deleteDatasetTable",
            (table_uri, TABLE_RESOURCE_TYPE),
            audit::Scope::dataset(&table.dataset_uri),
            &table.name,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Curates a column's description. Needs UPDATE_DATASET on its dataset.
    pub async fn update_column(
        &self,
        actor: &Actor,
        column_uri: &str,
        change: ModifyColumn,
    ) -> Result<TableColumn> {
        let target = (column_uri, COLUMN_RESOURCE_TYPE);
        let update = self.update_column_inner(actor, column_uri, change);
        audit::audited(self.db, actor, "updateDatasetTableColumn", target, update).await
    }

    async fn update_column_inner(
        &self,
        actor: &Actor,
        column_uri: &str,
        change: ModifyColumn,
    ) -> Result<TableColumn> {
        let found = match col::Entity::find_by_id(column_uri.to_owned()).one(self.db).await? {
            Some(column) => tbl::Entity::find_by_id(column.table_uri.clone())
                .one(self.db)
                .await?
                .map(|table| (column, table.dataset_uri)),
            None => None,
        };
        let column = self.findable_part(actor, COLUMN_RESOURCE_TYPE, column_uri, found).await?;
        let (dataset, _) = self.authorize_table::<perm::UpdateDataset>(actor, &column.table_uri).await?;
        if change.other_fields {
            return Err(Error::validation(
                "input",
                "only a column's description can change; leave classification, tags and topics out",
            ));
        }
        let table_uri = column.table_uri.clone();
        let mut row: col::ActiveModel = column.into();
        if change.description.is_some() {
            row.description = Set(validate::description(change.description.as_deref())?);
        }
        row.updated = Set(chrono::Utc::now());
        let txn = crate::db::write_txn(self.db).await?;
        let updated = row.update(&txn).await?;
        if let Some(terms) = &change.terms {
            glossaries::set_links(&txn, &dataset, LinkTarget::Column, column_uri, terms).await?;
            queue_table_index(&txn, &dataset.dataset_uri, &[table_uri]).await?;
        }
        audit::record(
            &txn,
            dataset.actor(),
            "updateDatasetTableColumn",
            column_uri,
            COLUMN_RESOURCE_TYPE,
            "updated",
        )
        .await?;
        txn.commit().await?;
        Ok(updated.into())
    }

    /// Reads one table's columns from Glue now, through the pivot role. Needs SYNC_DATASET. A
    /// table that left Glue is marked Deleted and reported as INVALID_STATE.
    pub async fn sync_columns(&self, actor: &Actor, table_uri: &str) -> Result<()> {
        let target = (table_uri, TABLE_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "syncDatasetTableColumns",
            target,
            self.sync_columns_inner(actor, table_uri),
        )
        .await
    }

    async fn sync_columns_inner(&self, actor: &Actor, table_uri: &str) -> Result<()> {
        let (dataset, table) = self.authorize_table::<perm::SyncDataset>(actor, table_uri).await?;
        let (_, pivot) = crate::environments::platform::with_pivot(self.db, &dataset.environment_uri).await?;
        let aws = onboarding::require(self.aws)?;
        let found = aws.resources.table(&pivot, &dataset.glue_database_name, &table.name).await.map_err(
            |e| match e {
                LinkError::Refused(reason) => Error::InvalidState(reason),
                LinkError::Unreachable(_) => {
                    Error::InvalidState(format!("{e}; nothing changed, try again in a moment"))
                }
            },
        )?;
        let txn = crate::db::write_txn(self.db).await?;
        let Some(glue) = found else {
            tbl::Entity::update_many()
                .col_expr(tbl::Column::LastGlueTableStatus, Expr::value(DELETED))
                .filter(tbl::Column::TableUri.eq(table_uri))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            return Err(Error::InvalidState(format!(
                "table {} is no longer in Glue database {}; it is marked Deleted",
                table.name, dataset.glue_database_name
            )));
        };
        tbl::Entity::update_many()
            .col_expr(tbl::Column::Fingerprint, Expr::value(glue.fingerprint()))
            .col_expr(tbl::Column::Location, Expr::value(glue.location.clone()))
            .col_expr(tbl::Column::LastGlueTableStatus, Expr::value(IN_SYNC))
            .col_expr(tbl::Column::Updated, Expr::value(chrono::Utc::now()))
            .filter(tbl::Column::TableUri.eq(table_uri))
            .exec(&txn)
            .await?;
        replace_columns(&txn, table_uri, &glue).await?;
        audit::record(
            &txn,
            dataset.actor(),
            "syncDatasetTableColumns",
            table_uri,
            TABLE_RESOURCE_TYPE,
            "synced",
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
