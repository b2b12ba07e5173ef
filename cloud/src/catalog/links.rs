//! A target account's side of a cross-account share: the `<db>_shared` database, and in it one
//! Glue resource link per shared table, pointing at the table in the source account's catalog.
//!
//! Made through the target account's own pivot-role session. Lake Formation in the source
//! account must have granted the target account DESCRIBE on the table first, or real Glue
//! refuses the link (moto does not check). Like the rest of [`GlueCatalog`], every write is
//! safe to repeat.

use aws_sdk_glue::types::{DatabaseInput, TableIdentifier, TableInput};

use super::{CatalogError, GlueCatalog, MAX_PAGE_SIZE};

/// The table a resource link points at: a table of another account's catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// The account id of the catalog that holds the table.
    pub catalog_id: String,
    pub database: String,
    pub name: String,
}

impl std::fmt::Display for LinkTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}.{}", self.catalog_id, self.database, self.name)
    }
}

impl LinkTarget {
    fn from_sdk(target: &TableIdentifier) -> Self {
        Self {
            catalog_id: target.catalog_id().unwrap_or_default().to_owned(),
            database: target.database_name().unwrap_or_default().to_owned(),
            name: target.name().unwrap_or_default().to_owned(),
        }
    }
}

impl GlueCatalog {
    /// Creates a database for resource links unless it exists. It has no location: links hold
    /// no data of their own. Returns whether it was created; an existing one is left as it is.
    pub async fn ensure_shared_database(&self, name: &str, description: &str) -> Result<bool, CatalogError> {
        let op = || format!("Glue CreateDatabase of {name}");
        let input = DatabaseInput::builder()
            .name(name)
            .description(description)
            .build()
            .map_err(|e| CatalogError::Invalid { op: op(), message: e.to_string() })?;
        match self.glue.create_database().database_input(input).send().await {
            Ok(_) => {
                tracing::info!(database = name, "created the Glue database for resource links");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(op(), e)),
        }
    }

    /// Creates the resource link `database.link_name` to `target` unless it exists. Returns
    /// whether it was created. A table of that name that is not a link to `target` (a table of
    /// its own, or a link elsewhere) is a [`CatalogError::Conflict`]: it is never replaced, since
    /// it may be someone else's.
    pub async fn ensure_resource_link(
        &self,
        database: &str,
        link_name: &str,
        target: &LinkTarget,
    ) -> Result<bool, CatalogError> {
        let op = || format!("Glue CreateTable of the resource link {database}.{link_name} to {target}");
        let identifier = TableIdentifier::builder()
            .catalog_id(&target.catalog_id)
            .database_name(&target.database)
            .name(&target.name)
            .build();
        let input = TableInput::builder()
            .name(link_name)
            .target_table(identifier)
            .build()
            .map_err(|e| CatalogError::Invalid { op: op(), message: e.to_string() })?;
        // Twice at most: the table found in the way may be deleted before it is read.
        for _ in 0..2 {
            match self.glue.create_table().database_name(database).table_input(input.clone()).send().await {
                Ok(_) => {
                    tracing::info!(database, link = link_name, %target, "created the Glue resource link");
                    return Ok(true);
                }
                Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => {}
                Err(e) => return Err(CatalogError::aws(op(), e)),
            }
            let existing = match self.glue.get_table().database_name(database).name(link_name).send().await {
                Ok(out) => out.table,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => continue,
                Err(e) => {
                    return Err(CatalogError::aws(format!("Glue GetTable of {database}.{link_name}"), e));
                }
            };
            let found = existing.as_ref().and_then(|t| t.target_table()).map(LinkTarget::from_sdk);
            return match found {
                Some(found) if &found == target => Ok(false),
                Some(found) => Err(CatalogError::Conflict {
                    op: op(),
                    message: format!("{database}.{link_name} already exists as a resource link to {found}"),
                }),
                None => Err(CatalogError::Conflict {
                    op: op(),
                    message: format!("{database}.{link_name} already exists and is not a resource link"),
                }),
            };
        }
        Err(CatalogError::Conflict {
            op: op(),
            message: format!("{database}.{link_name} was in the way and then gone, twice"),
        })
    }

    /// Deletes the table (or resource link; the table it points at is not touched). Returns
    /// whether there was one: a missing table or database is already the state wanted.
    pub async fn delete_table_if_exists(&self, database: &str, name: &str) -> Result<bool, CatalogError> {
        match self.glue.delete_table().database_name(database).name(name).send().await {
            Ok(_) => {
                tracing::info!(database, table = name, "deleted the Glue table");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(format!("Glue DeleteTable of {database}.{name}"), e)),
        }
    }

    /// How many tables (resource links included) the database holds; a missing database holds
    /// none.
    pub async fn table_count(&self, database: &str) -> Result<usize, CatalogError> {
        let mut count = 0;
        let mut token = None;
        loop {
            let sent = self
                .glue
                .get_tables()
                .database_name(database)
                .set_next_token(token)
                .max_results(MAX_PAGE_SIZE)
                .send()
                .await;
            let out = match sent {
                Ok(out) => out,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => {
                    return Ok(0);
                }
                Err(e) => return Err(CatalogError::aws(format!("Glue GetTables of {database}"), e)),
            };
            count += out.table_list().len();
            token = out.next_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(count);
            }
        }
    }

    /// Deletes the database only if it holds no tables, since Glue's DeleteDatabase would take
    /// them along. Returns whether it deleted it: false when tables remain (a revoke leaves the
    /// `_shared` database to the other shares' links) or when it is already gone.
    ///
    /// Glue has no conditional delete, so a link created between the count and the delete is
    /// deleted with the database: callers hold the lock that covers the shared dataset.
    pub async fn delete_database_if_empty(&self, database: &str) -> Result<bool, CatalogError> {
        let count = self.table_count(database).await?;
        if count > 0 {
            tracing::info!(database, tables = count, "kept the Glue database: it still holds tables");
            return Ok(false);
        }
        self.delete_database(database).await
    }
}
