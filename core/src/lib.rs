//! Sluice's domain: actors, authorization, organizations, environments, datasets, shares, the
//! catalog, tasks and the audit trail.
//! No HTTP, GraphQL or AWS types live here; the API, the worker and the long tasks all call in.

pub mod access;
pub mod actor;
pub mod audit;
pub mod authz;
pub mod catalog;
pub mod credentials;
pub mod datasets;
pub mod db;
pub mod env;
pub mod environments;
pub mod error;
pub mod events;
pub mod feeds;
pub mod glossaries;
pub mod iam;
mod labels;
pub mod notifications;
pub mod organizations;
pub mod page;
pub mod read_epoch;
pub mod shares;
pub mod system;
pub mod tags;
pub mod tasks;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod uri;
pub mod votes;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use actor::Actor;
pub use error::{Error, Result};

/// The services, over one database. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    db: DatabaseConnection,
    groups: Arc<authz::tenant::GroupRegistry>,
    aws: Option<Arc<environments::AwsSettings>>,
    share_permissions: Arc<Vec<String>>,
    search: Option<Arc<dyn catalog::SearchIndex>>,
    catalog_visibility: catalog::CatalogVisibility,
    event_targets: events::TargetPolicy,
}

impl Core {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            groups: Arc::default(),
            aws: None,
            share_permissions: Arc::new(vec!["Read".into()]),
            search: None,
            catalog_visibility: catalog::CatalogVisibility::Open,
            event_targets: events::TargetPolicy::default(),
        }
    }

    /// The Lake Formation access shares may ask for, beyond Read: `Write`, `Modify`.
    pub fn with_share_permissions(mut self, extra: &[String]) -> Self {
        let mut allowed = vec!["Read".to_owned()];
        allowed.extend(extra.iter().filter(|p| p.as_str() != "Read").cloned());
        self.share_permissions = Arc::new(allowed);
        self
    }

    /// How linked accounts are reached; environments need it.
    pub fn with_aws(mut self, aws: environments::AwsSettings) -> Self {
        self.aws = Some(Arc::new(aws));
        self
    }

    /// The catalog's search index, and who finds what in it.
    pub fn with_search(
        mut self,
        index: Arc<dyn catalog::SearchIndex>,
        visibility: catalog::CatalogVisibility,
    ) -> Self {
        self.search = Some(index);
        self.catalog_visibility = visibility;
        self
    }

    /// Where webhooks may point (`SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS`).
    pub fn with_event_targets(mut self, targets: events::TargetPolicy) -> Self {
        self.event_targets = targets;
        self
    }

    /// Organizations' event subscriptions (webhooks) and their delivery logs.
    pub fn events(&self) -> events::Events<'_> {
        events::Events { db: &self.db, targets: self.event_targets }
    }

    /// The delivery side of events, for the worker's delivery loop.
    pub fn event_outbox(&self) -> events::EventOutbox {
        events::EventOutbox { db: self.db.clone() }
    }

    /// The event-bus relay's cursor, for the worker's relay loop.
    pub fn event_relay(&self) -> events::EventRelay {
        events::EventRelay::new(self.db.clone())
    }

    pub fn catalog(&self) -> catalog::Catalog<'_> {
        catalog::Catalog { db: &self.db, index: self.search.as_ref(), visibility: self.catalog_visibility }
    }

    /// Short-lived credentials and links of teams' own roles (data.all's access tokens).
    pub fn credentials(&self) -> credentials::Credentials<'_> {
        credentials::Credentials { db: &self.db, aws: &self.aws }
    }

    pub fn datasets(&self) -> datasets::Datasets<'_> {
        datasets::Datasets { db: &self.db, aws: &self.aws, visibility: self.catalog_visibility }
    }

    pub fn feeds(&self) -> feeds::Feeds<'_> {
        feeds::Feeds { db: &self.db, visibility: self.catalog_visibility }
    }

    pub fn glossaries(&self) -> glossaries::Glossaries<'_> {
        glossaries::Glossaries { db: &self.db, visibility: self.catalog_visibility }
    }

    pub fn notifications(&self) -> notifications::Notifications<'_> {
        notifications::Notifications { db: &self.db }
    }

    pub fn tags(&self) -> tags::Tags<'_> {
        tags::Tags { db: &self.db, aws: &self.aws }
    }

    pub fn votes(&self) -> votes::Votes<'_> {
        votes::Votes { db: &self.db, visibility: self.catalog_visibility }
    }

    /// Who can read what: `getEffectiveAccess` and `getPrincipalAccess`.
    pub fn access(&self) -> access::Access<'_> {
        access::Access { db: &self.db, aws: &self.aws }
    }

    pub fn environments(&self) -> environments::Environments<'_> {
        environments::Environments { db: &self.db, aws: &self.aws }
    }

    /// Connects to the metadata database (`SLUICE_DATABASE_URL`): the only way other crates
    /// reach it, and then only through the services, never as a connection of their own.
    pub async fn connect(url: &str, max_connections: u32) -> std::result::Result<Self, db::ConnectError> {
        Ok(Self::new(db::connect(url, max_connections).await?))
    }

    /// Applies pending migrations, then brings the permission catalog up to this release's.
    pub async fn migrate(&self) -> Result<()> {
        use sluice_migrations::MigratorTrait;
        sluice_migrations::Migrator::up(&self.db, None).await?;
        self.sync_catalog().await
    }

    /// How many migrations this release has that the database lacks.
    pub async fn pending_migrations(&self) -> Result<usize> {
        use sluice_migrations::MigratorTrait;
        Ok(sluice_migrations::Migrator::get_pending_migrations(&self.db).await?.len())
    }

    /// Whether the metadata database answers; the health probes' check.
    pub async fn ping(&self) -> Result<()> {
        use sea_orm::ConnectionTrait;
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// What the API's read cache keys its entries by (see `read_epoch`).
    pub fn epoch_reader(&self) -> read_epoch::EpochReader {
        read_epoch::EpochReader::new(self.db.clone())
    }

    /// The table-backed task queue of the embedded deployment.
    pub fn embedded_queue(&self) -> tasks::EmbeddedQueue {
        tasks::EmbeddedQueue::new(self.db.clone())
    }

    /// Tells this process's task loops to look now, for work written by a process they cannot
    /// hear: a long task's child process on a SQLite file. (On Postgres every process's writes
    /// are announced already, so this does nothing there.)
    pub fn wake_task_loops(&self) {
        tasks::wakeup::wake_sqlite_loops(&self.db);
    }

    /// Publishes pending tasks to `queue`.
    pub fn dispatcher(&self, queue: Arc<dyn tasks::TaskQueue>) -> tasks::Dispatcher {
        tasks::Dispatcher::new(self.db.clone(), queue)
    }

    pub fn iam_principals(&self) -> iam::IamPrincipals<'_> {
        iam::IamPrincipals { db: &self.db }
    }

    pub fn organizations(&self) -> organizations::Organizations<'_> {
        organizations::Organizations { db: &self.db }
    }

    pub fn shares(&self) -> shares::Shares<'_> {
        shares::Shares {
            db: &self.db,
            allowed_permissions: self.share_permissions.clone(),
            visibility: self.catalog_visibility,
        }
    }

    /// The activity trail: `listActivity` and the export.
    pub fn activity(&self) -> audit::Trail<'_> {
        audit::Trail { db: &self.db }
    }

    pub fn tasks(&self) -> tasks::Tasks<'_> {
        tasks::Tasks { db: &self.db }
    }

    pub fn tenant(&self) -> authz::tenant::TenantAdmin<'_> {
        authz::tenant::TenantAdmin { db: &self.db }
    }

    /// Called once per authenticated request: a group seen for the first time gets its tenant
    /// policy before anything checks it.
    pub async fn admit(&self, actor: &Actor) -> Result<()> {
        self.groups.ensure_known(&self.db, actor.groups()).await
    }

    /// Brings the permission catalog in the database up to this release's.
    pub async fn sync_catalog(&self) -> Result<()> {
        authz::sync(&self.db).await
    }
}
