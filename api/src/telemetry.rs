//! Structured logs through tracing; JSON when `SLUICE_LOG_FORMAT=json`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// `SLUICE_LOG` (or `RUST_LOG`) sets the filter; the default is `info`.
pub fn init(json: bool) {
    let filter = std::env::var("SLUICE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(fmt::layer().json().with_current_span(false)).init();
    } else {
        registry.with(fmt::layer().with_writer(std::io::stderr)).init();
    }
}
