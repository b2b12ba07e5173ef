//! The Glue Data Catalog of one account and region: a dataset's database, and its tables as the
//! table sync reads them.
//!
//! Build it from the pivot role's configuration ([`assume_pivot`](crate::link::assume_pivot)).
//! Glue's `CatalogId` argument is never passed: the session's account is the catalog (moto
//! ignores `CatalogId` anyway). Every write is safe to repeat, so a deploy or delete task that
//! died half-way is simply run again.
//!
//! [`links`] adds what a cross-account share makes in the target account: a database of resource
//! links to the source account's tables.

pub mod links;

use aws_config::SdkConfig;
use aws_sdk_glue::{
    error::SdkError,
    types::{Column, DatabaseInput, Table},
};

use crate::aws_error::describe;

/// GetTables returns at most this many tables a page.
pub const MAX_PAGE_SIZE: i32 = 100;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A call could not be made, or AWS refused it.
    #[error("{op} failed: {message}")]
    Aws {
        op: String,
        message: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A request Sluice could not even build (a required field missing or empty).
    #[error("{op}: {message}")]
    Invalid { op: String, message: String },
    /// Something else is already where Sluice would create: a table in the way of a resource
    /// link. Sluice never replaces what it did not make.
    #[error("{op}: {message}")]
    Conflict { op: String, message: String },
}

impl CatalogError {
    pub(crate) fn aws<E, R>(op: impl Into<String>, e: SdkError<E, R>) -> Self
    where
        E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        Self::Aws { op: op.into(), message: describe(&e), source: Box::new(e) }
    }
}

/// The sync's view of Glue tables lives in core, which applies it; this module fills it.
pub use sluice_core::datasets::tables::{GlueColumn, GlueTable};

fn table_from_sdk(table: &Table) -> GlueTable {
    let storage = table.storage_descriptor();
    GlueTable {
        name: table.name().to_owned(),
        description: table.description().map(str::to_owned),
        location: storage.and_then(|s| s.location()).filter(|l| !l.is_empty()).map(str::to_owned),
        columns: storage.map(|s| s.columns().iter().map(column_from_sdk).collect()).unwrap_or_default(),
        partition_keys: table.partition_keys().iter().map(column_from_sdk).collect(),
        parameters: table
            .parameters()
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        table_type: table.table_type().map(str::to_owned),
    }
}

fn column_from_sdk(column: &Column) -> GlueColumn {
    GlueColumn {
        name: column.name().to_owned(),
        type_: column.r#type().map(str::to_owned),
        comment: column.comment().map(str::to_owned),
    }
}

#[derive(Debug, Clone)]
pub struct GlueCatalog {
    glue: aws_sdk_glue::Client,
}

impl GlueCatalog {
    pub fn new(config: &SdkConfig) -> Self {
        Self { glue: aws_sdk_glue::Client::new(config) }
    }

    /// Creates the database unless it exists. Returns whether it was created; an existing one
    /// is left as it is (its location and description are not compared).
    pub async fn ensure_database(
        &self,
        name: &str,
        location_uri: &str,
        description: &str,
    ) -> Result<bool, CatalogError> {
        let op = || format!("Glue CreateDatabase of {name}");
        let input = DatabaseInput::builder()
            .name(name)
            .location_uri(location_uri)
            .description(crate::cfn::text::glue_description(description))
            .build()
            .map_err(|e| CatalogError::Invalid { op: op(), message: e.to_string() })?;
        match self.glue.create_database().database_input(input).send().await {
            Ok(_) => {
                tracing::info!(database = name, "created the Glue database");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(op(), e)),
        }
    }

    pub async fn database_exists(&self, name: &str) -> Result<bool, CatalogError> {
        match self.glue.get_database().name(name).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(format!("Glue GetDatabase of {name}"), e)),
        }
    }

    /// One page of the database's tables, and the token of the next page (`None` on the last).
    /// `page_size` is clamped to 1..=[`MAX_PAGE_SIZE`]. Glue may return fewer tables than asked
    /// (even none) with a token; only a missing token ends the listing.
    pub async fn tables(
        &self,
        database: &str,
        page_token: Option<String>,
        page_size: i32,
    ) -> Result<(Vec<GlueTable>, Option<String>), CatalogError> {
        let out = self
            .glue
            .get_tables()
            .database_name(database)
            .set_next_token(page_token)
            .max_results(page_size.clamp(1, MAX_PAGE_SIZE))
            .send()
            .await
            .map_err(|e| CatalogError::aws(format!("Glue GetTables of {database}"), e))?;
        let tables = out.table_list().iter().map(table_from_sdk).collect();
        Ok((tables, out.next_token.filter(|t| !t.is_empty())))
    }

    /// One table, or None when the database has no such table.
    pub async fn table(&self, database: &str, name: &str) -> Result<Option<GlueTable>, CatalogError> {
        match self.glue.get_table().database_name(database).name(name).send().await {
            Ok(out) => Ok(out.table().map(table_from_sdk)),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(None),
            Err(e) => Err(CatalogError::aws(format!("Glue GetTable of {database}.{name}"), e)),
        }
    }

    /// Deletes the database (and, in Glue, its tables). Returns whether there was one to
    /// delete.
    pub async fn delete_database(&self, name: &str) -> Result<bool, CatalogError> {
        match self.glue.delete_database().name(name).send().await {
            Ok(_) => {
                tracing::info!(database = name, "deleted the Glue database");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(format!("Glue DeleteDatabase of {name}"), e)),
        }
    }
}
