//! The port the effective-access view reads AWS through: the Lake Formation grants on a
//! dataset's databases and tables, as the account that holds them lists them. The AWS adapter is
//! in `cloud/`; the test kit has an in-memory one.

use crate::environments::{LinkError, PivotRole};

/// A Lake Formation resource: a database, or one of its tables, in the Data Catalog of
/// `catalog_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LakeResource {
    pub catalog_id: String,
    pub database: String,
    /// None for the database itself.
    pub table: Option<String>,
}

impl std::fmt::Display for LakeResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.table {
            Some(table) => write!(f, "table {}.{table} of catalog {}", self.database, self.catalog_id),
            None => write!(f, "database {} of catalog {}", self.database, self.catalog_id),
        }
    }
}

/// One principal's grant on one resource, as Lake Formation lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenGrant {
    /// A role ARN, an account id, or Lake Formation's `IAM_ALLOWED_PRINCIPALS`.
    pub principal: String,
    pub resource: LakeResource,
    /// Lake Formation's names: `SELECT`, `DESCRIBE`, `ALL`, ...
    pub permissions: Vec<String>,
    /// Those the principal may grant on.
    pub grantable: Vec<String>,
}

#[async_trait::async_trait]
pub trait GrantReader: Send + Sync {
    /// Every grant on each of `resources`, read through `pivot` in its account.
    async fn lake_grants(
        &self,
        pivot: &PivotRole,
        resources: &[LakeResource],
    ) -> Result<Vec<SeenGrant>, LinkError>;
}
