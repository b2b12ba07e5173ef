//! Folder items of a share: one bucket policy, one KMS grant and (across accounts) one role
//! policy hold all of a share's folders, so a run writes them once, from the folders the share
//! keeps, and then checks each item of the run against what AWS shows.

use serde_json::Value;
use sluice_cloud::{Access, KeyGrant};
use sluice_core::shares::{
    FolderAccess,
    folders::statement_sids,
    processing::{Mode, Work, WorkItem},
};

use super::shares::{Sessions, chain};
use crate::handler::HandlerContext;

/// The folder access the share keeps once this run is done.
async fn kept_access(ctx: &HandlerContext, work: &Work) -> anyhow::Result<FolderAccess> {
    let prefixes =
        ctx.core.system("share.process").folders_kept(&work.share.share_uri).await.map_err(chain)?;
    Ok(FolderAccess::of(work, prefixes))
}

/// The dataset key's ARN, when the bucket has one.
async fn key_arn(sessions: &Sessions, work: &Work, access: &FolderAccess) -> anyhow::Result<Option<String>> {
    let Some(alias) = &access.key_alias else { return Ok(None) };
    let found =
        Access::new(&sessions.source).key_arn(alias, &work.source.account_id, &work.source.region).await?;
    match found {
        Some(arn) => Ok(Some(arn)),
        None => anyhow::bail!(
            "the dataset's KMS alias {alias} is missing in account {}; redeploy the dataset stack (updateStack)",
            work.source.account_id
        ),
    }
}

fn key_grant(access: &FolderAccess) -> KeyGrant {
    KeyGrant {
        name: access.grant_name.clone(),
        grantee: access.principal.clone(),
        operations: access.key_operations.iter().map(|o| (*o).to_owned()).collect(),
    }
}

/// Writes the bucket statements, key grant (on `key`, the dataset key's ARN) and role policy
/// `access` calls for; with no prefixes left, removes them.
async fn apply(
    sessions: &Sessions,
    work: &Work,
    access: &FolderAccess,
    key: Option<&str>,
) -> anyhow::Result<()> {
    let share = &work.share.share_uri;
    let source = Access::new(&sessions.source);
    source
        .replace_statements(&access.bucket, &statement_sids(share), &access.bucket_statements(share))
        .await?;
    if let Some(key) = key {
        if access.prefixes.is_empty() {
            source.revoke_key_grants(key, &access.grant_name).await?;
        } else {
            source.ensure_key_grant(key, &key_grant(access)).await?;
        }
    }
    if let Some(policy) = &access.role_policy {
        let target = Access::new(&sessions.target);
        match access.role_policy_document(key) {
            Some(document) => {
                target.put_role_policy(&policy.role_name, &policy.policy_name, &document).await?
            }
            None => target.delete_role_policy(&policy.role_name, &policy.policy_name).await?,
        }
    }
    Ok(())
}

/// What AWS shows of a share's folder access, read once for all of its items.
struct Shown {
    statements: Vec<Value>,
    /// The dataset key's ARN, and whether the share's grant on it gives what `access` needs.
    key: Option<(String, bool)>,
    role_policy: Option<Value>,
}

async fn shown(sessions: &Sessions, access: &FolderAccess, key: Option<&str>) -> anyhow::Result<Shown> {
    let source = Access::new(&sessions.source);
    let statements = source.bucket_statements(&access.bucket).await?;
    let key = match key {
        None => None,
        Some(key) => {
            let wanted = key_grant(access);
            let grants = source.key_grants(key, &access.grant_name).await?;
            let granted = grants.iter().any(|(_, g)| {
                g.grantee == wanted.grantee && wanted.operations.iter().all(|o| g.operations.contains(o))
            });
            Some((key.to_owned(), granted))
        }
    };
    let role_policy = match &access.role_policy {
        None => None,
        Some(policy) => {
            Access::new(&sessions.target).role_policy(&policy.role_name, &policy.policy_name).await?
        }
    };
    Ok(Shown { statements, key, role_policy })
}

/// What `shown` lacks of the access `prefix` needs (when `granted`), or still holds of it (when
/// not): empty when the folder is as it should be.
fn problems(
    shown: &Shown,
    share_uri: &str,
    access: &FolderAccess,
    prefix: &str,
    granted: bool,
) -> Vec<String> {
    let mut problems = vec![];
    let verb = if granted { "does not grant" } else { "still grants" };
    if access.grants_prefix(&shown.statements, share_uri, prefix) != granted {
        problems
            .push(format!("the policy of bucket {} {verb} s3://{}/{prefix}/", access.bucket, access.bucket));
    }
    if let Some((key, has)) = &shown.key {
        // The key grant goes only with the share's last folder.
        let should = granted || !access.prefixes.is_empty();
        if *has != should {
            let state = if should { "is missing" } else { "is still there" };
            problems.push(format!("KMS grant {} on {key} {state}", access.grant_name));
        }
    }
    if let Some(policy) = &access.role_policy {
        let resource = format!("arn:aws:s3:::{}/{prefix}/*", access.bucket);
        let names = shown.role_policy.as_ref().is_some_and(|doc| doc.to_string().contains(&resource));
        if names != granted {
            problems.push(format!(
                "inline policy {} of role {} in account {} {verb} {resource}",
                policy.policy_name, policy.role_name, policy.account
            ));
        }
    }
    problems
}

/// Each item's problems against what AWS shows; an item whose folder left the dataset has its
/// own.
fn judge(
    shown: &Shown,
    work: &Work,
    access: &FolderAccess,
    items: &[WorkItem],
    granted: bool,
) -> Vec<(WorkItem, Result<(), String>)> {
    items
        .iter()
        .map(|item| {
            let outcome = match &item.s3_prefix {
                None => Err(gone(item)),
                Some(prefix) => {
                    let found = problems(shown, &work.share.share_uri, access, prefix, granted);
                    if found.is_empty() { Ok(()) } else { Err(found.join("; ")) }
                }
            };
            (item.clone(), outcome)
        })
        .collect()
}

fn gone(item: &WorkItem) -> String {
    format!("folder {} is no longer in the dataset", item.item.item_name)
}

/// Every item gets `error`.
fn all_failed(items: &[WorkItem], error: &anyhow::Error) -> Vec<(WorkItem, Result<(), String>)> {
    items.iter().map(|i| (i.clone(), Err(format!("{error:#}")))).collect()
}

/// Runs the folder items of a share or revoke run: one write for all of them, then each item's
/// outcome from one reading of what AWS shows.
pub(super) async fn run(
    ctx: &HandlerContext,
    sessions: &Sessions,
    work: &Work,
    items: &[WorkItem],
) -> anyhow::Result<Vec<(WorkItem, Result<(), String>)>> {
    if items.is_empty() {
        return Ok(vec![]);
    }
    let access = kept_access(ctx, work).await?;
    let done = async {
        let key = key_arn(sessions, work, &access).await?;
        apply(sessions, work, &access, key.as_deref()).await?;
        shown(sessions, &access, key.as_deref()).await
    }
    .await;
    Ok(match done {
        Ok(shown) => judge(&shown, work, &access, items, work.mode == Mode::Share),
        Err(e) => all_failed(items, &e),
    })
}

/// Verifies the shared folder items (and, with `repair`, writes the share's folder access again,
/// once, when any is unhealthy): each item's problem, or None when healthy.
pub(super) async fn check(
    ctx: &HandlerContext,
    sessions: &Sessions,
    work: &Work,
    items: &[WorkItem],
    repair: bool,
) -> anyhow::Result<Vec<(WorkItem, Option<String>)>> {
    if items.is_empty() {
        return Ok(vec![]);
    }
    let access = kept_access(ctx, work).await?;
    let checked = async {
        let key = key_arn(sessions, work, &access).await?;
        let mut outcomes =
            judge(&shown(sessions, &access, key.as_deref()).await?, work, &access, items, true);
        if repair && outcomes.iter().any(|(_, o)| o.is_err()) {
            apply(sessions, work, &access, key.as_deref()).await?;
            outcomes = judge(&shown(sessions, &access, key.as_deref()).await?, work, &access, items, true);
        }
        anyhow::Ok(outcomes)
    }
    .await;
    // A folder that left the dataset is reported as such, whatever AWS answered.
    let outcomes = checked.unwrap_or_else(|e| all_failed(items, &e));
    Ok(outcomes
        .into_iter()
        .map(|(item, outcome)| {
            let problem = if item.s3_prefix.is_none() { Some(gone(&item)) } else { outcome.err() };
            (item, problem)
        })
        .collect())
}
