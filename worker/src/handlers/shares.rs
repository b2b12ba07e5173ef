//! `share.process` and `share.revoke`: make an approved share's grants real, or take revoked
//! items' grants back, through the accounts' pivot roles.
//!
//! Items run concurrently up to [`CONCURRENCY`]. An item succeeds only when Lake Formation shows
//! every grant it needs (or, revoking, none of them); a failure marks that item failed with the
//! AWS error and the others carry on. Share tasks target their dataset, so the queue runs one
//! at a time per dataset: that is the lock that keeps parallel shares of one dataset apart.

use std::sync::Arc;

use anyhow::Context;
use futures::{StreamExt, stream};
use serde_json::json;
use sluice_cloud::{
    DataCellsFilterSpec, DataCellsFilters, FilterPresence, GlueCatalog, Grant, LakeGrants, LinkTarget,
    assume_pivot, sdk::aws_config::SdkConfig,
};
use sluice_core::{
    shares::{
        self, ItemPlan, item_plan,
        processing::{Mode, Work, WorkItem},
    },
    tasks::Task,
};

use super::share_folders;
use crate::handler::{HandlerContext, Outcome, TaskHandler};

/// Items processed at once.
pub const CONCURRENCY: usize = 4;

/// Processes shares with the handler context's AWS configuration (its credentials assume the
/// pivot roles).
#[derive(Default)]
pub struct ShareProcessor;

pub(super) struct Sessions {
    pub source: SdkConfig,
    pub target: SdkConfig,
}

pub(super) fn chain(e: sluice_core::Error) -> anyhow::Error {
    anyhow::anyhow!("{}", e.chain())
}

/// The grants of a plan on a table (or, with `false`, on a database).
fn on_tables(planned: &[shares::PlannedGrant], tables: bool) -> Vec<Grant> {
    planned.iter().filter(|g| g.table.is_some() == tables).map(Grant::from).collect()
}

/// Grants those of `wanted` that Lake Formation does not show yet, then checks it shows them
/// all. Granting only what is missing keeps a rerun from granting twice.
async fn ensure_granted(lake: &LakeGrants, wanted: &[Grant], place: &str) -> anyhow::Result<()> {
    let missing = lake.missing(wanted).await?;
    let to_grant: Vec<Grant> =
        wanted.iter().filter(|g| missing.iter().any(|m| m.resource == g.resource)).cloned().collect();
    for result in lake.batch_grant(&to_grant).await {
        result?;
    }
    let still = lake.missing(wanted).await?;
    anyhow::ensure!(still.is_empty(), "Lake Formation does not show {}{place}", list(&still));
    Ok(())
}

/// Revokes `granted`, then checks Lake Formation shows none of it.
async fn ensure_revoked(lake: &LakeGrants, granted: &[Grant], place: &str) -> anyhow::Result<()> {
    for result in lake.batch_revoke(granted).await {
        result?;
    }
    let missing = lake.missing(granted).await?;
    let left: Vec<Grant> = granted
        .iter()
        .filter(|g| {
            !missing.iter().any(|m| m.resource == g.resource && m.permissions.len() == g.permissions.len())
        })
        .cloned()
        .collect();
    anyhow::ensure!(left.is_empty(), "Lake Formation still shows {}{place}", list(&left));
    Ok(())
}

const IN_TARGET: &str = " in the target account";

/// The database-level grants every table of the share needs: made once, before the items.
async fn share_databases(sessions: &Sessions, plan: &ItemPlan) -> anyhow::Result<()> {
    ensure_granted(&LakeGrants::new(&sessions.source), &on_tables(&plan.grants_in_source, false), "").await?;
    if let Some(database) = &plan.shared_database {
        GlueCatalog::new(&sessions.target)
            .ensure_shared_database(database, "Resource links to tables shared with this account by Sluice")
            .await?;
        ensure_granted(
            &LakeGrants::new(&sessions.target),
            &on_tables(&plan.grants_in_target, false),
            IN_TARGET,
        )
        .await?;
    }
    Ok(())
}

/// Takes the database-level grants back once no item of the share holds grants.
async fn revoke_databases(sessions: &Sessions, plan: &ItemPlan) -> anyhow::Result<()> {
    if plan.shared_database.is_some() {
        ensure_revoked(
            &LakeGrants::new(&sessions.target),
            &on_tables(&plan.grants_in_target, false),
            IN_TARGET,
        )
        .await?;
    }
    ensure_revoked(&LakeGrants::new(&sessions.source), &on_tables(&plan.grants_in_source, false), "").await
}

/// Makes an item's table grants and link; it succeeds when Lake Formation shows them all. A
/// table that left Glue fails here with a clear reason (Lake Formation, and moto even more so,
/// would otherwise accept grants on it).
async fn share_item(sessions: &Sessions, plan: &ItemPlan, database: &str) -> anyhow::Result<()> {
    if GlueCatalog::new(&sessions.source).table(database, &plan.item).await?.is_none() {
        anyhow::bail!(
            "table {} is no longer in Glue database {database}; sync the dataset's tables, then remove the item",
            plan.item
        );
    }
    let filters = DataCellsFilters::new(&sessions.source);
    for filter in &plan.data_filters {
        filters.ensure(&DataCellsFilterSpec::from(filter)).await?;
    }
    ensure_granted(&LakeGrants::new(&sessions.source), &on_tables(&plan.grants_in_source, true), "").await?;
    if let (Some(database), Some(link)) = (&plan.shared_database, &plan.link) {
        let target_table = LinkTarget {
            catalog_id: link.target_catalog_id.clone(),
            database: link.target_database.clone(),
            name: link.target_table.clone(),
        };
        GlueCatalog::new(&sessions.target).ensure_resource_link(database, &link.name, &target_table).await?;
        ensure_granted(
            &LakeGrants::new(&sessions.target),
            &on_tables(&plan.grants_in_target, true),
            IN_TARGET,
        )
        .await?;
    }
    Ok(())
}

/// Takes an item's table grants and link away, in reverse order, then checks none is left; the
/// data cells filters Sluice made for it go last.
async fn revoke_item(sessions: &Sessions, plan: &ItemPlan) -> anyhow::Result<()> {
    if let (Some(database), Some(link)) = (&plan.shared_database, &plan.link) {
        ensure_revoked(
            &LakeGrants::new(&sessions.target),
            &on_tables(&plan.grants_in_target, true),
            IN_TARGET,
        )
        .await?;
        GlueCatalog::new(&sessions.target).delete_table_if_exists(database, &link.name).await?;
    }
    ensure_revoked(&LakeGrants::new(&sessions.source), &on_tables(&plan.grants_in_source, true), "").await?;
    let filters = DataCellsFilters::new(&sessions.source);
    for filter in &plan.data_filters {
        filters.delete(&DataCellsFilterSpec::from(filter)).await?;
    }
    Ok(())
}

/// The item's data cells filters the dataset's account does not have (none can be told on an
/// emulator without them).
async fn missing_filters(sessions: &Sessions, plan: &ItemPlan) -> anyhow::Result<Vec<String>> {
    let filters = DataCellsFilters::new(&sessions.source);
    let mut gone = vec![];
    for filter in &plan.data_filters {
        if filters.presence(&DataCellsFilterSpec::from(filter)).await? == FilterPresence::Missing {
            gone.push(format!("data cells filter {} (filter {})", filter.name, filter.filter_label));
        }
    }
    Ok(gone)
}

/// What of an item's grants (database-level included) Lake Formation does not show.
async fn missing_of(sessions: &Sessions, plan: &ItemPlan) -> anyhow::Result<Vec<Grant>> {
    let source: Vec<Grant> = plan.grants_in_source.iter().map(Grant::from).collect();
    let mut missing = LakeGrants::new(&sessions.source).missing(&source).await?;
    if plan.shared_database.is_some() {
        let target: Vec<Grant> = plan.grants_in_target.iter().map(Grant::from).collect();
        missing.extend(LakeGrants::new(&sessions.target).missing(&target).await?);
    }
    Ok(missing)
}

/// Verifies an item (and, with `repair`, makes what is missing again); None when healthy.
async fn check_item(sessions: &Sessions, work: &Work, item: &WorkItem, repair: bool) -> Option<String> {
    let plan = match item_plan(work, item) {
        Ok(plan) => plan,
        Err(reason) => return Some(reason),
    };
    let checked = async {
        let missing = missing_of(sessions, &plan).await?;
        let gone = missing_filters(sessions, &plan).await?;
        if (missing.is_empty() && gone.is_empty()) || !repair {
            return anyhow::Ok((missing, gone));
        }
        share_databases(sessions, &plan).await?;
        share_item(sessions, &plan, &work.dataset.glue_database_name).await?;
        Ok((missing_of(sessions, &plan).await?, missing_filters(sessions, &plan).await?))
    }
    .await;
    match checked {
        Ok((missing, gone)) if missing.is_empty() && gone.is_empty() => None,
        Ok((missing, gone)) => {
            let mut problems = vec![];
            if !gone.is_empty() {
                problems.push(format!("Lake Formation has no {}", gone.join("; ")));
            }
            if !missing.is_empty() {
                problems.push(format!("Lake Formation does not show {}", list(&missing)));
            }
            Some(problems.join("; "))
        }
        Err(e) => Some(format!("{e:#}")),
    }
}

fn list(grants: &[Grant]) -> String {
    grants.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl ShareProcessor {
    async fn sessions(&self, ctx: &HandlerContext, work: &Work) -> anyhow::Result<Sessions> {
        let base = ctx.aws().await;
        let source = assume_pivot(&base, &work.source.pivot)
            .await
            .context("assuming the dataset account's pivot role")?;
        let target = if work.cross_account() {
            assume_pivot(&base, &work.target.pivot)
                .await
                .context("assuming the target account's pivot role")?
        } else {
            source.clone()
        };
        Ok(Sessions { source, target })
    }

    async fn run(&self, ctx: &HandlerContext, work: Work) -> anyhow::Result<serde_json::Value> {
        let sessions = Arc::new(self.sessions(ctx, &work).await?);
        let work = Arc::new(work);
        let (folders, tables): (Vec<WorkItem>, Vec<WorkItem>) =
            work.items.iter().cloned().partition(WorkItem::is_s3);
        let first_plan = tables.iter().find_map(|i| item_plan(&work, i).ok());
        if let (Mode::Share, Some(plan)) = (work.mode, &first_plan) {
            share_databases(&sessions, plan).await?;
        }
        let mut outcomes: Vec<(WorkItem, Result<(), String>)> = stream::iter(tables)
            .map(|item| {
                let (sessions, work) = (sessions.clone(), work.clone());
                async move {
                    let outcome = match item_plan(&work, &item) {
                        Err(reason) => Err(reason),
                        Ok(plan) => match work.mode {
                            Mode::Share => {
                                share_item(&sessions, &plan, &work.dataset.glue_database_name).await
                            }
                            Mode::Revoke => revoke_item(&sessions, &plan).await,
                        }
                        .map_err(|e| format!("{e:#}")),
                    };
                    (item, outcome)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        outcomes.extend(share_folders::run(ctx, &sessions, &work, &folders).await?);
        let mut failed = vec![];
        for (item, outcome) in &outcomes {
            if let Err(e) = outcome {
                failed.push(json!({"item": item.item.item_name, "error": e}));
            }
            ctx.core
                .system("share.process")
                .share_item_done(&item.item, outcome.clone())
                .await
                .map_err(chain)?;
        }
        let still_shared = ctx
            .core
            .system("share.process")
            .shared_table_count(&work.share.share_uri)
            .await
            .map_err(chain)?;
        if let (Mode::Revoke, Some(plan), 0) = (work.mode, &first_plan, still_shared) {
            revoke_databases(&sessions, plan).await?;
        }
        if work.mode == Mode::Revoke && work.cross_account() {
            // The shared database goes once it holds no links.
            let shared = work.shared_database();
            let emptied = GlueCatalog::new(&sessions.target).delete_database_if_empty(&shared).await?;
            if emptied {
                ctx.core
                    .system("share.process")
                    .share_note(&work.share.share_uri, &format!("removed {shared}, which held no more links"))
                    .await
                    .map_err(chain)?;
            }
        }
        let status =
            ctx.core.system("share.process").finish_share_work(&work.share.share_uri).await.map_err(chain)?;
        Ok(json!({"status": status.as_str(), "items": outcomes.len(), "failed": failed}))
    }
}

impl ShareProcessor {
    /// `share.verify` and `share.reapply`: health of the shared items, repaired if asked.
    async fn check(
        &self,
        ctx: &HandlerContext,
        share_uri: &str,
        item_uris: &[String],
        repair: bool,
    ) -> anyhow::Result<serde_json::Value> {
        let Some(work) =
            ctx.core.system("share.verify").shared_work(share_uri, item_uris).await.map_err(chain)?
        else {
            return Ok(json!({"status": "SKIPPED", "reason": "the share is gone"}));
        };
        let sessions = self.sessions(ctx, &work).await?;
        let (folders, tables): (Vec<WorkItem>, Vec<WorkItem>) =
            work.items.iter().cloned().partition(WorkItem::is_s3);
        let mut checked = share_folders::check(ctx, &sessions, &work, &folders, repair).await?;
        for item in tables {
            let problem = check_item(&sessions, &work, &item, repair).await;
            checked.push((item, problem));
        }
        let mut unhealthy = vec![];
        for (item, problem) in checked {
            if let Some(p) = &problem {
                unhealthy.push(json!({"item": item.item.item_name, "problem": p}));
            }
            ctx.core.system("share.verify").set_item_health(&item.item, problem).await.map_err(chain)?;
        }
        let verb = if repair { "reapplied" } else { "verified" };
        let line = format!("{verb} {} item(s); {} unhealthy", work.items.len(), unhealthy.len());
        ctx.core.system("share.verify").share_note(share_uri, &line).await.map_err(chain)?;
        Ok(json!({"items": work.items.len(), "unhealthy": unhealthy}))
    }
}

#[async_trait::async_trait]
impl TaskHandler for ShareProcessor {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let share_uri = super::payload(task, "shareUri")?;
        let item_uris: Vec<String> = task
            .payload
            .get("itemUris")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        if task.action == shares::VERIFY_ACTION || task.action == shares::REAPPLY_ACTION {
            let repair = task.action == shares::REAPPLY_ACTION;
            return Ok(Outcome::Done(self.check(ctx, share_uri, &item_uris, repair).await?));
        }
        let mode = if task.action == shares::REVOKE_ACTION { Mode::Revoke } else { Mode::Share };
        let Some(work) = ctx
            .core
            .system("share.process")
            .begin_share_work(share_uri, mode, &item_uris)
            .await
            .map_err(chain)?
        else {
            return Ok(Outcome::Done(
                json!({"status": "SKIPPED", "reason": "nothing to process: the share is gone or done"}),
            ));
        };
        Ok(Outcome::Done(self.run(ctx, work).await?))
    }
}
