//! Bringing the schema up to date: migrations, then the permission catalog.

use anyhow::Context;
use sea_orm::DatabaseConnection;
use sluice_migrations::{Migrator, MigratorTrait};

pub use sluice_core::db::connect;

/// Applies pending migrations and syncs the permission catalog.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")?;
    sluice_core::Core::new(db.clone()).sync_catalog().await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    Ok(())
}
