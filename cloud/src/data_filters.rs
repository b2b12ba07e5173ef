//! Lake Formation data cells filters: the rows and columns of a table a filtered share item is
//! granted. Share processing makes one per attached filter and item (its name says both, so a
//! rerun finds it), revoking deletes it, and verification checks it is still there.
//!
//! moto (5.2) implements none of CreateDataCellsFilter, GetDataCellsFilter and
//! DeleteDataCellsFilter (ListDataCellsFilter always answers nothing), though it stores grants
//! on a data cells filter resource. On an emulator's endpoint
//! ([`is_emulator_endpoint`](crate::access_points::is_emulator_endpoint)) these calls are
//! therefore skipped and say so ([`FilterPresence::Unknown`]): what moto can show of a filtered
//! share is its grants, never the filters' definitions or that they exist.

use aws_config::SdkConfig;
use aws_sdk_lakeformation::{
    error::ProvideErrorMetadata,
    types::{AllRowsWildcard, ColumnWildcard, DataCellsFilter, RowFilter},
};

use crate::{access_points::is_emulator_endpoint, aws_error::describe, grants::GrantError};

/// A data cells filter as Sluice makes it: a row condition, a column list, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCellsFilterSpec {
    /// The table's catalog (its account).
    pub catalog_id: String,
    pub database: String,
    pub table: String,
    pub name: String,
    /// None keeps every row.
    pub row_expression: Option<String>,
    /// None keeps every column.
    pub columns: Option<Vec<String>>,
}

impl From<&sluice_core::shares::PlannedDataFilter> for DataCellsFilterSpec {
    fn from(p: &sluice_core::shares::PlannedDataFilter) -> Self {
        Self {
            catalog_id: p.catalog_id.clone(),
            database: p.database.clone(),
            table: p.table.clone(),
            name: p.name.clone(),
            row_expression: p.row_expression.clone(),
            columns: p.columns.clone(),
        }
    }
}

/// Whether a data cells filter is there, as far as the endpoint can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterPresence {
    Present,
    Missing,
    /// The endpoint is an emulator without data cells filters.
    Unknown,
}

/// Data cells filters in one account and region (through its pivot role).
#[derive(Debug, Clone)]
pub struct DataCellsFilters {
    client: aws_sdk_lakeformation::Client,
    emulator: bool,
}

impl DataCellsFilters {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_lakeformation::Client::new(config),
            emulator: config.endpoint_url().is_some_and(is_emulator_endpoint),
        }
    }

    /// Whether this endpoint can make and read data cells filters (moto cannot).
    pub fn supported(&self) -> bool {
        !self.emulator
    }

    /// Makes the filter unless one of its name is there. Its definition follows from its name
    /// (an immutable Sluice filter and a share item), so an existing one is kept as it is.
    pub async fn ensure(&self, spec: &DataCellsFilterSpec) -> Result<(), GrantError> {
        let op = || format!("Lake Formation CreateDataCellsFilter {}", spec.name);
        if self.emulator {
            tracing::info!(filter = %spec.name, "emulator: data cells filter not made (moto lacks the API)");
            return Ok(());
        }
        let row_filter = match &spec.row_expression {
            Some(expression) => RowFilter::builder().filter_expression(expression).build(),
            None => RowFilter::builder().all_rows_wildcard(AllRowsWildcard::builder().build()).build(),
        };
        let mut filter = DataCellsFilter::builder()
            .table_catalog_id(&spec.catalog_id)
            .database_name(&spec.database)
            .table_name(&spec.table)
            .name(&spec.name)
            .row_filter(row_filter);
        filter = match &spec.columns {
            Some(columns) => filter.set_column_names(Some(columns.clone())),
            None => filter.column_wildcard(ColumnWildcard::builder().build()),
        };
        let filter = filter.build().map_err(|e| GrantError::Invalid { op: op(), message: e.to_string() })?;
        match self.client.create_data_cells_filter().table_data(filter).send().await {
            Ok(_) => {
                tracing::info!(filter = %spec.name, "made a Lake Formation data cells filter");
                Ok(())
            }
            Err(e) if e.code() == Some("AlreadyExistsException") => Ok(()),
            Err(e) => Err(GrantError::Aws {
                op: op(),
                code: e.code().map(str::to_owned),
                message: describe(&e),
                source: Some(std::sync::Arc::new(e)),
            }),
        }
    }

    /// Deletes the filter; one already gone is done.
    pub async fn delete(&self, spec: &DataCellsFilterSpec) -> Result<(), GrantError> {
        if self.emulator {
            return Ok(());
        }
        let sent = self
            .client
            .delete_data_cells_filter()
            .table_catalog_id(&spec.catalog_id)
            .database_name(&spec.database)
            .table_name(&spec.table)
            .name(&spec.name)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("EntityNotFoundException") => Ok(()),
            Err(e) => Err(GrantError::Aws {
                op: format!("Lake Formation DeleteDataCellsFilter {}", spec.name),
                code: e.code().map(str::to_owned),
                message: describe(&e),
                source: Some(std::sync::Arc::new(e)),
            }),
        }
    }

    /// Whether the filter is there.
    pub async fn presence(&self, spec: &DataCellsFilterSpec) -> Result<FilterPresence, GrantError> {
        if self.emulator {
            return Ok(FilterPresence::Unknown);
        }
        let sent = self
            .client
            .get_data_cells_filter()
            .table_catalog_id(&spec.catalog_id)
            .database_name(&spec.database)
            .table_name(&spec.table)
            .name(&spec.name)
            .send()
            .await;
        match sent {
            Ok(out) if out.data_cells_filter().is_some() => Ok(FilterPresence::Present),
            Ok(_) => Ok(FilterPresence::Missing),
            Err(e) if e.code() == Some("EntityNotFoundException") => Ok(FilterPresence::Missing),
            Err(e) => Err(GrantError::Aws {
                op: format!("Lake Formation GetDataCellsFilter {}", spec.name),
                code: e.code().map(str::to_owned),
                message: describe(&e),
                source: Some(std::sync::Arc::new(e)),
            }),
        }
    }
}
