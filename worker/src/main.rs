//! `sluice-worker`: consumes the task queue (SQS in the cloud), tracks long tasks, and serves
//! `/metrics`. Configured by `SLUICE_*` variables, like `sluice serve`.

use std::net::SocketAddr;

use anyhow::Context;
use sluice_core::env::{DatabaseSettings, Env};
use sluice_worker::{
    Metrics, WorkerSettings,
    serve::{MetricsState, Pipeline, metrics_router},
    wiring::{self, LauncherSettings, QueueSettings},
};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let env = Env::process();
    let database = DatabaseSettings::from_env(&env).context("invalid configuration")?;
    let settings = WorkerSettings::from_env(&env).context("invalid configuration")?;
    let queue_settings = QueueSettings::from_env(&env).context("invalid configuration")?;
    let launcher_settings = LauncherSettings::from_env(&env).context("invalid configuration")?;
    let search_settings = sluice_search::SearchSettings::from_env(&env).context("invalid configuration")?;
    let metrics_bind: SocketAddr = env
        .parse("SLUICE_WORKER_METRICS_BIND", "127.0.0.1:9464", "an address like 0.0.0.0:9464")
        .context("invalid configuration")?;
    let json = env.choice("SLUICE_LOG_FORMAT", "text", &["text", "json"]).context("invalid configuration")?
        == "json";
    init_logs(json);

    let core =
        sluice_core::Core::connect(&database.url, u32::try_from(settings.concurrency + 4).unwrap_or(16))
            .await?;
    let pipeline = Pipeline {
        queue: wiring::queue(&queue_settings, &core).await,
        launcher: wiring::launcher(&launcher_settings, &database.url).await,
        core: core.clone(),
        settings,
        metrics: Metrics::new(),
        aws: None,
        search: wiring::search(&search_settings, &core).await?,
    };
    let stop = CancellationToken::new();
    // Embedded queues are dispatched by `sluice serve`; a worker of its own dispatches nothing.
    let mut tasks = pipeline.start(&stop, false, true);

    let listener = tokio::net::TcpListener::bind(metrics_bind)
        .await
        .with_context(|| format!("binding {metrics_bind} (SLUICE_WORKER_METRICS_BIND)"))?;
    let router = metrics_router(MetricsState {
        metrics: pipeline.metrics.clone(),
        queue: pipeline.queue.clone(),
        core,
    });
    let metrics_stop = stop.clone();
    tasks.spawn(async move {
        let served =
            axum::serve(listener, router).with_graceful_shutdown(metrics_stop.cancelled_owned()).await;
        if let Err(err) = served {
            tracing::error!(error = %err, "the metrics server stopped");
        }
    });
    tracing::info!(queue = pipeline.queue.kind(), launcher = pipeline.launcher.kind(), metrics = %metrics_bind, "sluice-worker running");

    shutdown_signal().await;
    tracing::info!("SIGTERM: finishing in-flight tasks");
    stop.cancel();
    while tasks.join_next().await.is_some() {}
    Ok(())
}

fn init_logs(json: bool) {
    use tracing_subscriber::{EnvFilter, fmt, prelude::*};
    let filter = std::env::var("SLUICE_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,sea_orm=warn,aws=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(fmt::layer().json()).init();
    } else {
        registry.with(fmt::layer().with_writer(std::io::stderr)).init();
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
