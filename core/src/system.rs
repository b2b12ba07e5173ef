//! The platform acting on its own: the worker's handlers, the long tasks and the schedules the
//! operator sets up. Each acts as a named system actor (`Actor::system("share.process")`), which
//! the activity trail records, and reaches only what this handle offers: the bookkeeping of the
//! work a user's authorized request queued (tasks, stacks, share processing, table syncs, the
//! catalog). None of it reads or changes a tenant's data on a user's behalf.
//!
//! Only the worker, `ecs-tasks` and the API's start-up make one; `core/tests/architecture`
//! keeps it so.

use serde_json::Value;

use crate::{
    Actor, Core, Result, audit,
    authz::{Authorized, Tenant, tenant_grants},
    catalog::{self, SearchIndex},
    datasets::{self, tables::TableSync},
    environments::{
        PivotRole,
        platform::{self as env_platform, DeployInputs},
        stacks::{self, DeployRecord, Stack},
    },
    shares::{
        self,
        processing::{self, Mode, Work},
    },
    tasks::{Task, store},
};

/// What the platform may do on its own, as one named task.
pub struct System<'a> {
    core: &'a Core,
    proof: Authorized<Tenant, tenant_grants::System>,
}

impl Core {
    /// The platform acting as `task` (`share.process`, `stack.deploy`, …).
    pub fn system(&self, task: &'static str) -> System<'_> {
        let actor = Actor::system(task);
        // A system actor always passes; the proof records which task acted.
        let proof = crate::authz::authorize_system(&actor).unwrap_or_else(|_| unreachable!("a system actor"));
        System { core: self, proof }
    }
}

impl System<'_> {
    pub fn actor(&self) -> &Actor {
        self.proof.actor()
    }

    fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.core.db
    }

    /// Whether the metadata database answers.
    pub async fn ping(&self) -> Result<()> {
        use sea_orm::ConnectionTrait;
        self.db().execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Records what the task did on `target` in the activity trail.
    async fn record(&self, action: &str, target: (&str, &str), summary: &str) -> Result<()> {
        audit::record(self.db(), self.actor(), action, target.0, target.1, summary).await
    }
}

/// Task bookkeeping: the runner's and the long tasks' side of the outbox.
impl System<'_> {
    pub async fn task(&self, task_uri: &str) -> Result<Task> {
        store::require(self.db(), task_uri).await
    }

    /// Moves a pending task to started; `None` when another consumer has it or it has ended.
    pub async fn start_task(&self, task_uri: &str) -> Result<Option<Task>> {
        store::start(self.db(), task_uri).await
    }

    pub async fn task_succeeded(&self, task_uri: &str, response: &Value) -> Result<bool> {
        store::succeed(self.db(), task_uri, response).await
    }

    pub async fn task_failed(&self, task_uri: &str, error: &str) -> Result<bool> {
        store::fail(self.db(), task_uri, error).await
    }

    pub async fn retry_task_later(&self, task_uri: &str, error: &str) -> Result<bool> {
        store::retry_later(self.db(), task_uri, error).await
    }

    pub async fn task_launched(&self, task_uri: &str, response: &Value) -> Result<bool> {
        store::record_launch(self.db(), task_uri, response).await
    }

    pub async fn task_progress(&self, task_uri: &str, progress: &Value) -> Result<()> {
        store::report_progress(self.db(), task_uri, progress).await
    }

    /// Started tasks, oldest first, for the tracker of long tasks.
    pub async fn started_tasks(&self, limit: u64) -> Result<Vec<Task>> {
        store::started(self.db(), limit).await
    }

    /// Tasks waiting to be dispatched or run, for the metrics.
    pub async fn task_backlog(&self) -> Result<u64> {
        store::backlog(self.db()).await
    }

    /// Queues a rebuild of the catalog index, e.g. at start-up when the index had to be made.
    pub async fn queue_reindex(&self) -> Result<Task> {
        catalog::enqueue_reindex(self.db(), self.actor().username()).await
    }
}

/// Stacks: what a deploy needs, and what it found.
impl System<'_> {
    pub async fn environment_deploy_inputs(&self, stack_uri: &str) -> Result<DeployInputs> {
        env_platform::deploy_inputs(self.db(), stack_uri).await
    }

    /// `None` when the dataset was deleted before its deploy ran.
    pub async fn dataset_deploy_inputs(
        &self,
        stack_uri: &str,
    ) -> Result<Option<datasets::DatasetDeployInputs>> {
        datasets::deploy_inputs(self.db(), stack_uri).await
    }

    pub async fn stack(&self, stack_uri: &str) -> Result<Stack> {
        stacks::load(self.db(), stack_uri).await
    }

    /// The pivot role of a stack's account; see `environments::platform::pivot_for`.
    pub async fn pivot_for(
        &self,
        stack: &Stack,
        pivot_role_name: &str,
        external_id: Option<&str>,
    ) -> Result<PivotRole> {
        env_platform::pivot_for(self.db(), stack, pivot_role_name, external_id).await
    }

    pub async fn record_deploy(&self, stack_uri: &str, record: DeployRecord) -> Result<()> {
        let status = record.status.clone();
        let txn = crate::db::write_txn(self.db()).await?;
        stacks::record_deploy(&txn, stack_uri, record).await?;
        if stacks::is_failure(&status) {
            let stack = stacks::load(&txn, stack_uri).await?;
            if let Some(org) =
                crate::events::organization_of_environment(&txn, &stack.environment_uri).await?
            {
                let ids = [
                    ("stackUri", stack.stack_uri.as_str()),
                    ("targetUri", stack.target_uri.as_str()),
                    ("environmentUri", stack.environment_uri.as_str()),
                ];
                let event = crate::events::NewEvent::new(
                    crate::events::EventType::StackFailed,
                    &org,
                    (&stack.target_uri, "stack"),
                    &ids,
                );
                crate::events::record(&txn, self.actor(), event).await?;
            }
        }
        txn.commit().await?;
        if status != stacks::DEPLOYING {
            self.record("recordStackDeploy", (stack_uri, "stack"), &status).await?;
        }
        Ok(())
    }

    /// Forgets a deleted stack once it is gone from AWS.
    pub async fn forget_stack(&self, stack_uri: &str) -> Result<()> {
        // Found first: the row stays its target's teams' once the stack is gone.
        let scope = audit::scope_of(self.db(), "stack", stack_uri).await?;
        env_platform::forget_stack(self.db(), stack_uri).await?;
        let (target, summary) = ((stack_uri, "stack"), "deleted from AWS");
        match scope {
            Some(scope) => {
                audit::record_in(self.db(), self.actor(), "forgetStack", target, scope, summary).await
            }
            None => self.record("forgetStack", target, summary).await,
        }
    }
}

/// Datasets: table syncs and the registration of imported buckets.
impl System<'_> {
    /// Starts a sync of the dataset's Glue database; at most `cap` tables are kept.
    pub async fn start_table_sync(&self, dataset_uri: &str, cap: u64) -> Result<TableSync> {
        TableSync::start(self.db(), self.actor(), dataset_uri, cap).await
    }

    pub async fn import_registration(
        &self,
        dataset_uri: &str,
    ) -> Result<Option<datasets::ImportRegistration>> {
        datasets::import_registration(self.db(), dataset_uri).await
    }

    /// What the crawl task of `dataset_uri` needs; `None` when the dataset is gone.
    pub async fn crawl_inputs(
        &self,
        dataset_uri: &str,
        prefix: Option<&str>,
    ) -> Result<Option<datasets::CrawlInputs>> {
        datasets::crawl_inputs(self.db(), dataset_uri, prefix).await
    }

    /// Remembers that the dataset's crawler exists, once the crawl task made it.
    pub async fn record_crawler(&self, dataset_uri: &str, crawler_name: &str) -> Result<()> {
        datasets::record_crawler(self.db(), dataset_uri, crawler_name).await
    }
}

/// Share processing: the worker's side of approvals and revokes.
impl System<'_> {
    pub async fn begin_share_work(
        &self,
        share_uri: &str,
        mode: Mode,
        item_uris: &[String],
    ) -> Result<Option<Work>> {
        processing::begin(self.db(), share_uri, mode, item_uris).await
    }

    pub async fn share_item_done(
        &self,
        item: &shares::ShareItem,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        processing::item_done(self.db(), item, outcome).await
    }

    pub async fn finish_share_work(&self, share_uri: &str) -> Result<shares::ShareStatus> {
        let status = processing::finish(self.db(), self.actor(), share_uri).await?;
        self.record("processShareObject", (share_uri, shares::RESOURCE_TYPE), status.as_str()).await?;
        Ok(status)
    }

    pub async fn share_note(&self, share_uri: &str, message: &str) -> Result<()> {
        processing::note(self.db(), share_uri, message).await
    }

    pub async fn shared_table_count(&self, share_uri: &str) -> Result<usize> {
        processing::shared_tables(self.db(), share_uri).await
    }

    /// The share's shared items, for verifying and repairing them; `None` when none is left.
    pub async fn shared_work(&self, share_uri: &str, item_uris: &[String]) -> Result<Option<Work>> {
        processing::shared(self.db(), share_uri, item_uris).await
    }

    pub async fn set_item_health(&self, item: &shares::ShareItem, problem: Option<String>) -> Result<()> {
        processing::set_health(self.db(), item, problem).await
    }

    /// The folders (and whether the whole bucket) the share holds through its access point
    /// once the running share or revoke is done.
    pub async fn s3_kept(&self, share_uri: &str) -> Result<processing::KeptS3> {
        processing::s3_kept(self.db(), share_uri).await
    }

    /// Revokes the shares whose access expired and warns those whose access ends within
    /// `warning_days` (`ecs-tasks expire-shares`).
    pub async fn expire_shares(&self, warning_days: u16) -> Result<shares::ExpiryRun> {
        let within = chrono::Duration::days(i64::from(warning_days));
        let run = shares::expire_due(self.db(), self.actor(), chrono::Utc::now(), within).await?;
        let summary = format!(
            "{} expired share(s) revoked, {} warned, {} busy until the next run",
            run.revoked.len(),
            run.warned.len(),
            run.busy.len()
        );
        self.record("expireShares", ("platform", "platform"), &summary).await?;
        Ok(run)
    }

    /// Records, for every dataset, the Lake Formation grants on its resources that Sluice did
    /// not make (`ecs-tasks verify-shares`), read through `reader`.
    pub async fn record_drift(
        &self,
        reader: &dyn crate::access::GrantReader,
    ) -> Result<crate::access::drift::DriftRun> {
        let run = crate::access::drift::record(self.db(), reader).await?;
        let summary = format!(
            "{} grant(s) outside Sluice on {} dataset(s); {} dataset(s) could not be read",
            run.grants,
            run.datasets,
            run.unreadable.len()
        );
        self.record("recordAccessDrift", ("platform", "platform"), &summary).await?;
        Ok(run)
    }

    /// How many grants outside Sluice the last runs recorded, over every dataset.
    pub async fn drift_count(&self) -> Result<u64> {
        crate::access::drift::count(self.db()).await
    }

    /// Queues a verification of every share with shared items; returns how many.
    pub async fn queue_verify_all(&self) -> Result<usize> {
        let queued = shares::queue_verify_all(self.db()).await?;
        self.record("verifyShares", ("platform", "platform"), &format!("{queued} share(s) queued")).await?;
        Ok(queued)
    }
}

/// The audit trail's retention (`SLUICE_AUDIT_RETENTION_DAYS`).
impl System<'_> {
    /// Deletes the activity rows created more than `days` days ago, `batch` per statement, and
    /// says so in the trail when there were any; returns how many.
    pub async fn prune_activity(&self, days: u32, batch: u64) -> Result<u64> {
        let cutoff = chrono::Utc::now() - chrono::TimeDelta::days(i64::from(days));
        let deleted = audit::retention::prune(self.db(), cutoff, batch.max(1)).await?;
        if deleted > 0 {
            let summary = format!("deleted {deleted} row(s) created before {}", cutoff.to_rfc3339());
            self.record("pruneActivity", ("platform", "platform"), &summary).await?;
        }
        Ok(deleted)
    }
}

/// Events' retention (`SLUICE_EVENT_RETENTION_DAYS`).
impl System<'_> {
    /// Deletes the finished deliveries and the events older than `days` days that nobody is
    /// owed any more, `batch` per statement, and says so in the trail when there were any;
    /// returns (deliveries, events) deleted.
    pub async fn prune_events(&self, days: u32, batch: u64) -> Result<(u64, u64)> {
        let cutoff = chrono::Utc::now() - chrono::TimeDelta::days(i64::from(days));
        let relayed = crate::events::relayed_up_to(self.db(), cutoff).await?;
        let (deliveries, recorded) =
            crate::events::retention::prune(self.db(), cutoff, batch, relayed).await?;
        if deliveries + recorded > 0 {
            let summary = format!(
                "deleted {deliveries} delivery row(s) and {recorded} event(s) from before {}",
                cutoff.to_rfc3339()
            );
            self.record("pruneEvents", ("platform", "platform"), &summary).await?;
        }
        Ok((deliveries, recorded))
    }
}

/// The catalog index.
impl System<'_> {
    pub async fn apply_index_task(
        &self,
        index: &dyn SearchIndex,
        target_uri: &str,
        payload: &Value,
    ) -> Result<catalog::Indexed> {
        catalog::apply_index_task(self.db(), index, target_uri, payload).await
    }

    /// One page of a renamed term's reindex (`glossary.reindex-term`).
    pub async fn reindex_term_page(
        &self,
        term_uri: &str,
        payload: &Value,
    ) -> Result<crate::glossaries::ReindexPage> {
        crate::glossaries::reindex_term_page(self.db(), term_uri, payload).await
    }

    pub async fn rebuild_index(&self, index: &dyn SearchIndex) -> Result<catalog::Rebuilt> {
        let rebuilt = catalog::rebuild(self.db(), index).await?;
        self.record("rebuildCatalog", ("platform", "platform"), "rebuilt").await?;
        Ok(rebuilt)
    }

    pub async fn reconcile_index(&self, index: &dyn SearchIndex) -> Result<catalog::Reconciled> {
        catalog::reconcile(self.db(), index).await
    }
}
