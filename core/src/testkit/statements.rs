//! Counting the SQL statements a core sends, for tests of how quiet an idle Sluice is.
#![allow(clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use super::{TestDb, pg_wire};
use crate::Core;

/// Statements counted so far.
#[derive(Clone, Debug)]
pub enum Statements {
    /// Postgres: everything on the wire.
    Wire(pg_wire::Counter),
    /// SQLite: every statement sea-orm ran.
    Ran(Arc<AtomicU64>),
}

impl Statements {
    pub fn count(&self) -> u64 {
        match self {
            Self::Wire(counter) => counter.get(),
            Self::Ran(count) => count.load(Ordering::Relaxed),
        }
    }
}

/// A core on `db`'s database, opened as `sluice serve` opens it, whose statements are counted.
/// On Postgres it connects through a counting proxy, so every statement counts: BEGIN, COMMIT,
/// and the LISTEN of the wake-up connection too. On SQLite it counts what sea-orm runs, which
/// leaves out BEGIN and COMMIT.
pub async fn counted_core(db: &TestDb, max_connections: u32) -> (Core, Statements) {
    if db.url.starts_with("sqlite:") {
        let mut conn = crate::db::connect(&db.url, max_connections).await.expect("open the database");
        let count = Arc::new(AtomicU64::new(0));
        let counted = count.clone();
        conn.set_metric_callback(move |_| {
            counted.fetch_add(1, Ordering::Relaxed);
        });
        return (Core::new(conn), Statements::Ran(count));
    }
    let (upstream, proxied) = through_proxy(&db.url);
    let (addr, counter) = pg_wire::start(upstream).await.expect("start the counting proxy");
    let url = proxied.replace("{proxy}", &addr.to_string());
    let core = Core::connect(&url, max_connections).await.expect("connect through the proxy");
    (core, Statements::Wire(counter))
}

/// The `host:port` a Postgres URL names, and the URL with `{proxy}` in their place and TLS off.
fn through_proxy(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a Postgres URL");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (credentials, host_port) = match authority.rsplit_once('@') {
        Some((credentials, host_port)) => (format!("{credentials}@"), host_port),
        None => (String::new(), authority),
    };
    let host_port = if host_port.contains(':') { host_port.to_owned() } else { format!("{host_port}:5432") };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let query: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("sslmode=")).collect();
    let query = query.into_iter().chain(["sslmode=disable"]).collect::<Vec<_>>().join("&");
    (host_port, format!("{scheme}://{credentials}{{proxy}}/{path}?{query}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_is_pointed_at_the_proxy_without_tls() {
        assert_eq!(
            super::through_proxy("postgres://postgres:pw@127.0.0.1:5432/db?sslmode=prefer"),
            ("127.0.0.1:5432".into(), "postgres://postgres:pw@{proxy}/db?sslmode=disable".into())
        );
        assert_eq!(
            super::through_proxy("postgres://localhost/db"),
            ("localhost:5432".into(), "postgres://{proxy}/db?sslmode=disable".into())
        );
    }
}
