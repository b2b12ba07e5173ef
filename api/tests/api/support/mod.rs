//! `TestApp`: the real router on a real socket over a fresh database, with helpers to mint
//! tokens and send GraphQL.

use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::Duration,
};

use serde_json::{Value, json};
use sluice_api::{
    AppState,
    auth::{DevIssuer, FailureLimit, IamSettings, IamVerifier, IssuerSettings, Verifier},
    build_app,
    graphql::{
        Limits, build_schema,
        gate::Gate,
        read_cache::{DEFAULT_ENTRIES, ReadCache},
    },
};
use sluice_core::{
    Core,
    catalog::{CatalogVisibility, SearchIndex},
    credentials::CredentialVendor,
    environments::AccountLinker,
    testkit::fake_aws,
};
use sluice_search::TantivyIndex;
use sluice_worker::{
    Metrics,
    serve::{MetricsState, metrics_router},
};

pub use sluice_core::testkit::{Backend, TestDb};

pub mod two_teams;

pub const ADMIN_GROUP: &str = "DAAdministrators";

/// One RSA key for the whole test binary: generating one per test would dominate the run.
fn dev_key_path() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir")).path().join("dev-key.pem")
}

pub struct TestApp {
    pub base_url: String,
    /// `/metrics`, on its own listener as `sluice serve` serves it.
    pub metrics_url: String,
    pub core: Core,
    pub dev: Arc<DevIssuer>,
    /// The catalog index the API searches; [`Self::run_index_tasks`] writes it.
    pub search: Arc<dyn SearchIndex>,
    /// The API's read cache, to tell answers it served from ones it ran.
    pub read_cache: Arc<ReadCache>,
    /// The test's database, for checks that read rows directly (the audit trail).
    pub db: sea_orm::DatabaseConnection,
    http: reqwest::Client,
    _db: TestDb,
}

#[derive(Default)]
pub struct Options {
    /// Extra trusted issuers, e.g. a moto Cognito pool.
    pub issuers: Vec<IssuerSettings>,
    pub limits: Option<Limits>,
    pub max_body_bytes: Option<usize>,
    /// Checks pivot roles; default `fake_aws::FakeAccounts`.
    pub linker: Option<Arc<dyn AccountLinker>>,
    /// Vends credentials; default `fake_aws::FakeAccounts`.
    pub vendor: Option<Arc<dyn CredentialVendor>>,
    /// As `SLUICE_CREDENTIAL_VENDING=false`.
    pub vending_off: bool,
    /// Turns IAM authentication on, e.g. against moto's STS.
    pub iam: Option<IamSettings>,
    /// Serves a web UI folder at `/`.
    pub web: Option<sluice_api::web::WebUi>,
    /// `SLUICE_CATALOG_VISIBILITY`; default open.
    pub catalog_visibility: CatalogVisibility,
    /// `SLUICE_TRUSTED_PROXY_HOPS`; default 0.
    pub trusted_proxy_hops: usize,
    /// Failed IAM sign-ins allowed per client address; default as `sluice serve`.
    pub iam_failure_limit: Option<FailureLimit>,
}

pub use sluice_core::testkit::fake_aws::{MISSING_PREFIX, REFUSED_ACCOUNT};

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Self {
        let test_db = TestDb::new(backend).await;
        let mut aws = fake_aws::aws_settings();
        if let Some(linker) = options.linker.clone() {
            aws.linker = linker;
        }
        if let Some(vendor) = options.vendor.clone() {
            aws.credentials = Some(vendor);
        }
        if options.vending_off {
            aws.credentials = None;
        }
        let search: Arc<dyn SearchIndex> = Arc::new(TantivyIndex::in_memory().expect("search index"));
        let core = Core::new(test_db.db.clone())
            .with_aws(aws)
            .with_search(search.clone(), options.catalog_visibility);
        core.sync_catalog().await.expect("catalog");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base_url = format!("http://{addr}");
        let dev = Arc::new(DevIssuer::load_or_create(&dev_key_path(), base_url.clone()).expect("dev issuer"));
        let mut issuers = options.issuers;
        issuers.push(dev.settings(format!("{base_url}/.well-known/jwks.json")));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client");
        let verifier =
            Verifier::new(issuers, ADMIN_GROUP.into(), http.clone()).with_refresh_cooldown(Duration::ZERO);
        let metrics = MetricsState {
            metrics: Metrics::new(),
            queue: Arc::new(core.embedded_queue()),
            core: core.clone(),
        };
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind metrics");
        let metrics_url = format!("http://{}/metrics", metrics_listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            axum::serve(metrics_listener, metrics_router(metrics)).await.expect("serve metrics");
        });
        let limits = options.limits.unwrap_or_default();
        let failure_limit = options.iam_failure_limit.unwrap_or_default();
        let read_cache = Arc::new(ReadCache::new(DEFAULT_ENTRIES, core.epoch_reader()));
        let state = AppState {
            schema: build_schema(core.clone(), limits),
            gate: Arc::new(Gate::new(limits)),
            trusted_proxy_hops: options.trusted_proxy_hops,
            core: core.clone(),
            verifier: Arc::new(verifier),
            dev_issuer: Some(dev.clone()),
            iam: options.iam.map(|settings| {
                Arc::new(
                    IamVerifier::new(settings, ADMIN_GROUP.into())
                        .expect("iam verifier")
                        .with_failure_limit(failure_limit),
                )
            }),
            max_body_bytes: options.max_body_bytes.unwrap_or(1 << 20),
            web: options.web,
            documents: Default::default(),
            exports: Default::default(),
            read_cache: read_cache.clone(),
        };
        tokio::spawn(async move {
            sluice_api::server::serve(listener, build_app(state), std::future::pending())
                .await
                .expect("serve");
        });
        Self {
            base_url,
            metrics_url,
            core,
            dev,
            http,
            search,
            read_cache,
            db: test_db.db.clone(),
            _db: test_db,
        }
    }

    /// Runs the pending catalog index tasks, in the order they were written, as the worker
    /// would; returns how many ran.
    pub async fn run_index_tasks(&self) -> usize {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        use sluice_core::{tasks::TaskStatus, testkit::outbox};
        let db = &self.db;
        let pending = sluice_entities::task::Entity::find()
            .filter(sluice_entities::task::Column::Action.eq(sluice_core::datasets::INDEX_ACTION))
            .filter(sluice_entities::task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .order_by_asc(sluice_entities::task::Column::Created)
            .order_by_asc(sluice_entities::task::Column::TaskUri)
            .all(db)
            .await
            .expect("tasks");
        let system = self.core.system("catalog.index");
        for task in &pending {
            outbox::mark_dispatched(&self.core, vec![task.task_uri.clone()]).await;
            system.start_task(&task.task_uri).await.expect("start");
            let payload: Value = serde_json::from_str(&task.payload).expect("payload");
            let done = system
                .apply_index_task(self.search.as_ref(), &task.target_uri, &payload)
                .await
                .expect("index task");
            system.task_succeeded(&task.task_uri, &json!(done)).await.expect("succeed");
        }
        pending.len()
    }

    /// A dev-issuer ID token for `user` in `groups`.
    pub fn token(&self, user: &str, groups: &[&str]) -> String {
        let groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        self.dev.mint(user, &groups, Duration::from_secs(600)).expect("mint")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let authorization = token.map(|t| format!("Bearer {t}"));
        self.post_authorized(path, authorization.as_deref(), body).await
    }

    /// POSTs with a whole Authorization header value, e.g. `SluiceIAM …`.
    pub async fn post_authorized(
        &self,
        path: &str,
        authorization: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base_url)).json(body);
        if let Some(value) = authorization {
            req = req.header("authorization", value);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Signs arbitrary claims with the dev issuer's key, with `header` fields overriding the
    /// RS256 default; for testing what the verifier refuses.
    pub fn sign(&self, header: jsonwebtoken::Header, claims: &Value) -> String {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(self.dev_key_pem().as_bytes()).expect("rsa key");
        jsonwebtoken::encode(&header, claims, &key).expect("sign")
    }

    pub fn dev_key_pem(&self) -> String {
        std::fs::read_to_string(dev_key_path()).expect("dev key")
    }

    pub fn dev_kid(&self) -> String {
        self.dev.jwks()["keys"][0]["kid"].as_str().expect("kid").to_owned()
    }

    /// Sends a GraphQL document; returns the whole response (`data` and `errors`).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, body) =
            self.post("/graphql", token, &json!({ "query": query, "variables": variables })).await;
        assert_eq!(status, 200, "GraphQL answered {status}: {body}");
        body
    }

    /// Like `gql`, but fails the test on any error and returns `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(Some(token), query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = self.http.get(format!("{}{path}", self.base_url)).send().await.expect("request");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

pub(crate) use sluice_core::on_both_backends;
