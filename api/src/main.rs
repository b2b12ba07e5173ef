//! `sluice`: the API server and its operator commands.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use sluice_api::{
    AppState,
    auth::{DevIssuer, IamSettings, IamVerifier, Verifier},
    build_app,
    config::Config,
    db,
    graphql::{self, gate::Gate, read_cache::ReadCache},
    telemetry,
};
use sluice_core::environments::AwsSettings;
use sluice_worker::{
    Metrics,
    serve::{MetricsState, Pipeline, metrics_router},
    wiring,
};
use tokio_util::sync::CancellationToken;

// glibc's malloc took a sixth of the server's CPU at 16 clients (arena locks, consolidation);
// with mimalloc a cached getDataset went from about 3,700 to 7,100 req/s on 2 cores. Version 2
// (api/Cargo.toml): version 3 hands freed memory back to the OS a second later rather than 10 ms,
// and peaked at 130–151 MB where version 2 peaked at 112–120 MB, at the same throughput.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "sluice", version, about = "Self-hostable data sharing for AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API (configured by SLUICE_* variables; embedded mode with none set).
    Serve,
    /// Apply database migrations and sync the permission catalog, then exit.
    Migrate,
    /// Print a token from the local dev issuer, for `Authorization: Bearer …`.
    DevToken {
        /// User name (the `cognito:username` claim).
        #[arg(long)]
        user: String,
        /// A team (IdP group); repeat for several.
        #[arg(long = "group")]
        groups: Vec<String>,
        /// Lifetime in minutes.
        #[arg(long, default_value_t = 60)]
        ttl_minutes: u64,
    },
    /// Print the GraphQL schema (SDL), as checked in at api/schema.graphql.
    PrintSchema,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // One line with the whole cause chain: operators read it in container logs.
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::PrintSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::DevToken { user, groups, ttl_minutes } => {
            let config = load_config()?;
            let dev = DevIssuer::load_or_create(&config.dev_key_path(), config.public_url.clone())?;
            println!("{}", dev.mint(&user, &groups, Duration::from_secs(ttl_minutes * 60))?);
            Ok(())
        }
        Command::Migrate => {
            let config = load_config()?;
            telemetry::init(config.log_json);
            let core = db::connect(config.database_url(), 2).await?;
            db::migrate(&core).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve => serve(load_config()?).await,
    }
}

fn load_config() -> anyhow::Result<Config> {
    Config::from_env().context("invalid configuration")
}

async fn serve(config: Config) -> anyhow::Result<()> {
    telemetry::init(config.log_json);
    let core = db::connect(config.database_url(), config.db_max_connections).await?;
    if config.auto_migrate {
        db::migrate(&core).await?;
    } else {
        let pending = core.pending_migrations().await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        anyhow::ensure!(
            pending == 0,
            "{pending} database migrations are pending: run `sluice migrate` first (or set SLUICE_AUTO_MIGRATE=true)"
        );
    }
    let aws_config = sluice_cloud::sdk_config().await;
    let trust_account_id = match &config.trust_account_id {
        Some(id) => id.clone(),
        None => own_account(&aws_config).await,
    };
    let core = core.with_aws(AwsSettings {
        trust_account_id,
        pivot_role_name: config.pivot_role_name.clone(),
        linker: Arc::new(sluice_cloud::PivotLinker::new(aws_config.clone())),
        resources: Arc::new(sluice_cloud::PivotLinker::new(aws_config.clone())),
        grants: Arc::new(sluice_cloud::PivotLinker::new(aws_config.clone())),
        credentials: config.credential_vending.as_ref().map(|v| {
            Arc::new(sluice_cloud::RoleVendor::new(aws_config, v.federation_url.clone()))
                as Arc<dyn sluice_core::credentials::CredentialVendor>
        }),
    });
    let search = wiring::search(&config.search, &core).await?;
    let core = core
        .with_share_permissions(&config.share_permissions)
        .with_event_targets(config.worker.webhooks.targets)
        .with_search(search.clone(), config.catalog_visibility);
    core.sync_catalog().await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;

    let mut issuers = Vec::new();
    if let Some(oidc) = &config.oidc {
        issuers.push(oidc.clone());
    }
    let dev_issuer = if config.dev_issuer {
        let dev = DevIssuer::load_or_create(&config.dev_key_path(), config.public_url.clone())?;
        issuers.push(dev.settings(config.dev_jwks_url()));
        Some(Arc::new(dev))
    } else {
        None
    };
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let verifier = Arc::new(Verifier::new(issuers, config.admin_group.clone(), http));
    let iam = match &config.iam {
        Some(iam) => {
            let settings = IamSettings {
                sts_endpoint: reqwest::Url::parse(&iam.sts_endpoint).context("SLUICE_IAM_STS_ENDPOINT")?,
                region: iam.region.clone(),
                server_id: iam.server_id.clone(),
            };
            tracing::info!(sts = %settings.sts_endpoint, server_id = %settings.server_id, "IAM authentication on");
            Some(Arc::new(
                IamVerifier::new(settings, config.admin_group.clone())?.with_failure_limit(iam.failure_limit),
            ))
        }
        None => None,
    };
    let limits = config.graphql;
    // The dispatcher runs in every API replica; the worker too in embedded mode.
    let pipeline = Pipeline {
        queue: wiring::queue(&config.queue, &core).await,
        launcher: wiring::launcher(&config.launcher, config.database_url()).await,
        core: core.clone(),
        settings: config.worker.clone(),
        metrics: Metrics::new(),
        aws: None,
        search,
    };
    let stop = CancellationToken::new();
    let mut background = pipeline.start(&stop, true, config.embedded_worker);
    let read_cache = Arc::new(ReadCache::new(config.read_cache_entries, core.epoch_reader()));
    if let Some(bind) = config.metrics_bind {
        let metrics = MetricsState {
            metrics: pipeline.metrics.clone(),
            queue: pipeline.queue.clone(),
            core: core.clone(),
        };
        serve_metrics(bind, metrics, &stop, &mut background).await?;
    }
    let state = AppState {
        schema: graphql::build_schema(core.clone(), limits),
        gate: Arc::new(Gate::new(limits)),
        trusted_proxy_hops: config.trusted_proxy_hops,
        core,
        verifier,
        dev_issuer: dev_issuer.clone(),
        iam,
        max_body_bytes: config.max_body_bytes,
        documents: Default::default(),
        exports: Default::default(),
        read_cache,
        web: Some(sluice_api::web::WebUi {
            dir: config.frontend_dir.clone(),
            sign_in: config.sign_in.clone(),
            admin_group: config.admin_group.clone(),
        }),
    };
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {} (SLUICE_BIND)", config.bind))?;
    tracing::info!(
        url = %format!("{}/graphql", config.public_url),
        queue = pipeline.queue.kind(),
        worker = if config.embedded_worker { "embedded" } else { "external" },
        launcher = pipeline.launcher.kind(),
        ui = %format!("{}/", config.public_url),
        "Sluice is serving GraphQL and the web UI"
    );
    if dev_issuer.is_some() {
        tracing::info!("dev issuer on: get a token with `sluice dev-token --user alice --group TeamA`");
    }
    sluice_api::server::serve(listener, build_app(state), shutdown_signal()).await?;
    stop.cancel();
    while background.join_next().await.is_some() {}
    Ok(())
}

/// `/metrics` on its own listener: it reads the queue and the database on every scrape, and says
/// how busy the platform is, so it is kept off the public one.
async fn serve_metrics(
    bind: std::net::SocketAddr,
    metrics: MetricsState,
    stop: &CancellationToken,
    background: &mut tokio::task::JoinSet<()>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind} (SLUICE_METRICS_BIND)"))?;
    let stopped = stop.clone().cancelled_owned();
    background.spawn(async move {
        if let Err(err) = axum::serve(listener, metrics_router(metrics)).with_graceful_shutdown(stopped).await
        {
            tracing::error!(error = %err, "the metrics server stopped");
        }
    });
    tracing::info!(metrics = %bind, "serving /metrics");
    Ok(())
}

/// The account Sluice runs in, from STS; empty (onboarding then says what to set) when AWS
/// cannot be asked.
async fn own_account(config: &sluice_cloud::sdk::aws_config::SdkConfig) -> String {
    let client = sluice_cloud::sdk::sts::Client::new(config);
    match tokio::time::timeout(Duration::from_secs(5), sluice_cloud::caller_identity(&client)).await {
        Ok(Ok(arn)) => arn.split(':').nth(4).unwrap_or_default().to_owned(),
        Ok(Err(err)) => {
            tracing::warn!(error = %format!("{err:#}"), "could not learn Sluice's AWS account; set SLUICE_TRUST_ACCOUNT_ID");
            String::new()
        }
        Err(_) => {
            tracing::warn!("STS did not answer in 5 s; set SLUICE_TRUST_ACCOUNT_ID");
            String::new()
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
