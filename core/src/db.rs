//! Opening the metadata database, for every binary.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("creating the data folder {0}")]
    DataDir(String, #[source] std::io::Error),
    #[error("connecting to the database (check SLUICE_DATABASE_URL)")]
    Connect(#[source] sea_orm::DbErr),
    #[error("configuring SQLite")]
    Sqlite(#[source] sea_orm::DbErr),
}

/// Opens the pool, creating the folder of a SQLite file first.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, ConnectError> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| ConnectError::DataDir(dir.display().to_string(), e))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(options).await.map_err(ConnectError::Connect)?;
    if url.starts_with("sqlite:") {
        // WAL lets the API read while the worker and long tasks write.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await.map_err(ConnectError::Sqlite)?;
    }
    Ok(db)
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(sqlite_path("sqlite://./.sluice/sluice.db?mode=rwc"), Some("./.sluice/sluice.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
