//! Opening the metadata database and bringing its schema up to date.

use sluice_core::Core;

/// Connects; the database is reached only through core's services from then on.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Core> {
    Ok(Core::connect(url, max_connections).await?)
}

/// Applies pending migrations and syncs the permission catalog.
pub async fn migrate(core: &Core) -> anyhow::Result<()> {
    core.migrate().await.map_err(|e| anyhow::anyhow!("applying migrations: {}", e.chain()))
}
