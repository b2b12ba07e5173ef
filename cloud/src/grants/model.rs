//! The typed model of Lake Formation grants, and its translation to and from the SDK's types.
//!
//! Share processing speaks of databases, whole tables and the data cells filters of filtered
//! items, so the model is that small. What Lake Formation can say beyond it (column subsets,
//! LF-tags, data locations, the catalog) is left out when a listing is read back: none of it can
//! satisfy, or be, a share's grant.

use std::{collections::BTreeSet, fmt};

use aws_sdk_lakeformation::{
    error::BuildError,
    types::{
        DataCellsFilterResource, DataLakePrincipal, DatabaseResource, Permission, Resource, TableResource,
        TableWildcard, TableWithColumnsResource,
    },
};

/// The name Lake Formation lists a table wildcard under (as `Table.Name`, and as
/// `TableWithColumns.Name` for its SELECT). Glue table names are lowercase, so no real table
/// can be called this.
const ALL_TABLES: &str = "ALL_TABLES";

/// What a grant is on. `catalog_id` is the account whose Glue catalog holds the database: the
/// session's own account for a same-account share, the source account when the target account
/// grants SELECT through a resource link. It is always sent, because Lake Formation compares
/// resources with and without it as different ones (moto stores them apart, too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LfResource {
    Database {
        catalog_id: String,
        name: String,
    },
    Table {
        catalog_id: String,
        database: String,
        name: String,
    },
    /// Every table of the database, present and future.
    TableWildcard {
        catalog_id: String,
        database: String,
    },
    /// A data cells filter of a table: the rows and columns it keeps. `catalog_id` is the
    /// table's catalog (Lake Formation's `TableCatalogId`).
    DataCellsFilter {
        catalog_id: String,
        database: String,
        table: String,
        name: String,
    },
}

impl LfResource {
    pub fn database(catalog_id: impl Into<String>, name: impl Into<String>) -> Self {
        Self::Database { catalog_id: catalog_id.into(), name: name.into() }
    }

    pub fn table(
        catalog_id: impl Into<String>,
        database: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Self::Table { catalog_id: catalog_id.into(), database: database.into(), name: name.into() }
    }

    /// Why Lake Formation would refuse to hear of this resource, if it would: an empty name,
    /// which AWS refuses with a less helpful message.
    pub(crate) fn problem(&self) -> Option<String> {
        let fields: &[(&'static str, &str)] = match self {
            Self::Database { catalog_id, name } => &[("catalog id", catalog_id), ("database name", name)],
            Self::Table { catalog_id, database, name } => {
                &[("catalog id", catalog_id), ("database name", database), ("table name", name)]
            }
            Self::TableWildcard { catalog_id, database } => {
                &[("catalog id", catalog_id), ("database name", database)]
            }
            Self::DataCellsFilter { catalog_id, database, table, name } => &[
                ("catalog id", catalog_id),
                ("database name", database),
                ("table name", table),
                ("data cells filter name", name),
            ],
        };
        fields
            .iter()
            .find(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| format!("the {field} is empty"))
    }

    pub(crate) fn to_sdk(&self) -> Result<Resource, BuildError> {
        let resource = Resource::builder();
        Ok(match self {
            Self::Database { catalog_id, name } => {
                resource.database(DatabaseResource::builder().catalog_id(catalog_id).name(name).build()?)
            }
            Self::Table { catalog_id, database, name } => resource.table(
                TableResource::builder().catalog_id(catalog_id).database_name(database).name(name).build()?,
            ),
            Self::TableWildcard { catalog_id, database } => resource.table(
                TableResource::builder()
                    .catalog_id(catalog_id)
                    .database_name(database)
                    .table_wildcard(TableWildcard::builder().build())
                    .build()?,
            ),
            Self::DataCellsFilter { catalog_id, database, table, name } => resource.data_cells_filter(
                DataCellsFilterResource::builder()
                    .table_catalog_id(catalog_id)
                    .database_name(database)
                    .table_name(table)
                    .name(name)
                    .build(),
            ),
        }
        .build())
    }

    /// The resource a listed permission is on, in this model's terms, or None when the model
    /// cannot say it (or the entry names no catalog).
    ///
    /// Lake Formation lists a SELECT granted on a table as a `TableWithColumns` with a column
    /// wildcard, apart from the table's other permissions, and a table wildcard as a table named
    /// `ALL_TABLES`; both are read back as what was granted. A column list, or a wildcard with
    /// excluded columns, is a narrower grant than a whole table and is left out.
    pub(crate) fn from_sdk(resource: &Resource) -> Option<Self> {
        if let Some(filter) = resource.data_cells_filter() {
            return Some(Self::DataCellsFilter {
                catalog_id: filter.table_catalog_id()?.to_owned(),
                database: filter.database_name()?.to_owned(),
                table: filter.table_name()?.to_owned(),
                name: filter.name()?.to_owned(),
            });
        }
        if let Some(db) = resource.database() {
            return Some(Self::database(db.catalog_id()?, db.name()));
        }
        if let Some(table) = resource.table() {
            let catalog_id = table.catalog_id()?.to_owned();
            let database = table.database_name().to_owned();
            return match (table.name(), table.table_wildcard()) {
                (Some(name), None) if name != ALL_TABLES => {
                    Some(Self::Table { catalog_id, database, name: name.to_owned() })
                }
                (Some(_), None) | (_, Some(_)) => Some(Self::TableWildcard { catalog_id, database }),
                (None, None) => None,
            };
        }
        let columns = resource.table_with_columns()?;
        whole_table(columns)?;
        let catalog_id = columns.catalog_id()?.to_owned();
        let database = columns.database_name().to_owned();
        Some(match columns.name() {
            ALL_TABLES => Self::TableWildcard { catalog_id, database },
            name => Self::Table { catalog_id, database, name: name.to_owned() },
        })
    }
}

/// Some(()) when a `TableWithColumns` covers every column.
fn whole_table(columns: &TableWithColumnsResource) -> Option<()> {
    let wildcard = columns.column_wildcard()?;
    (columns.column_names().is_empty() && wildcard.excluded_column_names().is_empty()).then_some(())
}

impl fmt::Display for LfResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Database { catalog_id, name } => write!(f, "database {catalog_id}:{name}"),
            Self::Table { catalog_id, database, name } => write!(f, "table {catalog_id}:{database}.{name}"),
            Self::TableWildcard { catalog_id, database } => {
                write!(f, "every table of {catalog_id}:{database}")
            }
            Self::DataCellsFilter { catalog_id, database, table, name } => {
                write!(f, "data cells filter {name} of table {catalog_id}:{database}.{table}")
            }
        }
    }
}

/// The Lake Formation permissions shares use: DESCRIBE (see it), SELECT (read), and INSERT,
/// DELETE, ALTER, DROP for write and modify shares. `All` is Lake Formation's "Super": it is
/// read back so that verification counts it as every other permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LfPermission {
    Describe,
    Select,
    Alter,
    Insert,
    Delete,
    Drop,
    All,
}

impl LfPermission {
    /// Lake Formation's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Describe => "DESCRIBE",
            Self::Select => "SELECT",
            Self::Alter => "ALTER",
            Self::Insert => "INSERT",
            Self::Delete => "DELETE",
            Self::Drop => "DROP",
            Self::All => "ALL",
        }
    }

    /// None for the permissions this model leaves out (CREATE_TABLE, DATA_LOCATION_ACCESS, ...).
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Describe, Self::Select, Self::Alter, Self::Insert, Self::Delete, Self::Drop, Self::All]
            .into_iter()
            .find(|p| p.as_str() == name)
    }

    pub(crate) fn to_sdk(self) -> Permission {
        Permission::from(self.as_str())
    }
}

impl fmt::Display for LfPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Permissions on one resource for one principal: an IAM role's ARN (same account), or an
/// account id (cross account: that account's administrators pass them on through resource
/// links, which needs the grant option on them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    pub principal: String,
    pub resource: LfResource,
    pub permissions: Vec<LfPermission>,
    /// Whether the principal may grant all of `permissions` on.
    pub grant_option: bool,
}

impl Grant {
    pub fn new(principal: impl Into<String>, resource: LfResource, permissions: &[LfPermission]) -> Self {
        Self { principal: principal.into(), resource, permissions: permissions.to_vec(), grant_option: false }
    }

    /// The same grant, with the grant option on its permissions.
    pub fn with_grant_option(self) -> Self {
        Self { grant_option: true, ..self }
    }

    /// The grant-option permissions to send: all of them, or none.
    pub(crate) fn sdk_grantable(&self) -> Option<Vec<Permission>> {
        self.grant_option.then(|| self.sdk_permissions())
    }

    /// The permissions once each, in a stable order.
    pub(crate) fn permission_set(&self) -> BTreeSet<LfPermission> {
        self.permissions.iter().copied().collect()
    }

    /// Why Lake Formation would refuse this grant before it is even sent, if it would.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.principal.trim().is_empty() {
            return Some("the principal is empty".into());
        }
        if self.permissions.is_empty() {
            return Some("no permissions are named".into());
        }
        self.resource.problem()
    }

    pub(crate) fn sdk_principal(&self) -> DataLakePrincipal {
        sdk_principal(&self.principal)
    }

    pub(crate) fn sdk_permissions(&self) -> Vec<Permission> {
        self.permission_set().into_iter().map(LfPermission::to_sdk).collect()
    }
}

pub(crate) fn sdk_principal(identifier: &str) -> DataLakePrincipal {
    DataLakePrincipal::builder().data_lake_principal_identifier(identifier).build()
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let permissions: Vec<&str> = self.permission_set().into_iter().map(LfPermission::as_str).collect();
        write!(f, "{} on {} to {}", permissions.join(", "), self.resource, self.principal)?;
        if self.grant_option {
            f.write_str(" with grant option")?;
        }
        Ok(())
    }
}

impl From<&sluice_core::shares::PlannedGrant> for Grant {
    fn from(p: &sluice_core::shares::PlannedGrant) -> Self {
        let resource = match (&p.table, &p.data_filter) {
            (Some(table), Some(name)) => LfResource::DataCellsFilter {
                catalog_id: p.catalog_id.clone(),
                database: p.database.clone(),
                table: table.clone(),
                name: name.clone(),
            },
            (Some(table), None) => LfResource::table(&p.catalog_id, &p.database, table),
            (None, _) => LfResource::database(&p.catalog_id, &p.database),
        };
        // The planner names only permissions this enum has.
        let permissions: Vec<LfPermission> =
            p.permissions.iter().filter_map(|s| LfPermission::parse(s)).collect();
        Grant { grant_option: p.grant_option, ..Grant::new(p.principal.clone(), resource, &permissions) }
    }
}
