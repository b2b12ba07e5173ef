//! Folder items of a share: one bucket policy, one KMS grant and (across accounts) one role
//! policy hold all of a share's folders, so a run writes them once, from the folders the share
//! keeps, and then checks each item of the run against what AWS shows.

use sluice_cloud::{Access, KeyGrant};
use sluice_core::shares::{
    FolderAccess,
    folders::statement_sids,
    processing::{self, Mode, Work, WorkItem},
};

use super::shares::{Sessions, chain};
use crate::handler::HandlerContext;

/// The folder access the share keeps once this run is done.
pub(super) async fn kept_access(ctx: &HandlerContext, work: &Work) -> anyhow::Result<FolderAccess> {
    let prefixes = processing::folders_kept(&ctx.db, &work.share.share_uri).await.map_err(chain)?;
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

/// Writes the bucket statements, key grant and role policy `access` calls for; with no
/// prefixes left, removes them.
pub(super) async fn apply(sessions: &Sessions, work: &Work, access: &FolderAccess) -> anyhow::Result<()> {
    let share = &work.share.share_uri;
    let source = Access::new(&sessions.source);
    source
        .replace_statements(&access.bucket, &statement_sids(share), &access.bucket_statements(share))
        .await?;
    let key = key_arn(sessions, work, access).await?;
    if let Some(key) = &key {
        if access.prefixes.is_empty() {
            source.revoke_key_grants(key, &access.grant_name).await?;
        } else {
            source.ensure_key_grant(key, &key_grant(access)).await?;
        }
    }
    if let Some(policy) = &access.role_policy {
        let target = Access::new(&sessions.target);
        match access.role_policy_document(key.as_deref()) {
            Some(document) => {
                target.put_role_policy(&policy.role_name, &policy.policy_name, &document).await?
            }
            None => target.delete_role_policy(&policy.role_name, &policy.policy_name).await?,
        }
    }
    Ok(())
}

/// What AWS does not show of the access `prefix` needs (all of it, when `granted`), or still
/// shows of it (when not): empty when the folder is as it should be.
pub(super) async fn problems(
    sessions: &Sessions,
    work: &Work,
    access: &FolderAccess,
    prefix: &str,
    granted: bool,
) -> anyhow::Result<Vec<String>> {
    let share = &work.share.share_uri;
    let source = Access::new(&sessions.source);
    let mut problems = vec![];
    let statements = source.bucket_statements(&access.bucket).await?;
    if access.grants_prefix(&statements, share, prefix) != granted {
        problems.push(format!(
            "the policy of bucket {} {} s3://{}/{prefix}/",
            access.bucket,
            verb(granted),
            access.bucket
        ));
    }
    let key = key_arn(sessions, work, access).await?;
    if let Some(key) = &key {
        let wanted = key_grant(access);
        let grants = source.key_grants(key, &access.grant_name).await?;
        let has = grants.iter().any(|(_, g)| {
            g.grantee == wanted.grantee && wanted.operations.iter().all(|o| g.operations.contains(o))
        });
        // The key grant goes only with the share's last folder.
        let should = granted || !access.prefixes.is_empty();
        if has != should {
            problems.push(format!(
                "KMS grant {} on {key} {}",
                access.grant_name,
                if should { "is missing" } else { "is still there" }
            ));
        }
    }
    if let Some(policy) = &access.role_policy {
        let shown = Access::new(&sessions.target).role_policy(&policy.role_name, &policy.policy_name).await?;
        let resource = format!("arn:aws:s3:::{}/{prefix}/*", access.bucket);
        let names = shown.as_ref().is_some_and(|doc| doc.to_string().contains(&resource));
        if names != granted {
            problems.push(format!(
                "inline policy {} of role {} in account {} {} {resource}",
                policy.policy_name,
                policy.role_name,
                policy.account,
                verb(granted)
            ));
        }
    }
    Ok(problems)
}

fn verb(granted: bool) -> &'static str {
    if granted { "does not grant" } else { "still grants" }
}

/// Runs the folder items of a share or revoke run: one write for all of them, then each item's
/// outcome from what AWS shows.
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
    let applied = apply(sessions, work, &access).await.map_err(|e| format!("{e:#}"));
    let mut outcomes = vec![];
    for item in items {
        let outcome = match (&applied, &item.s3_prefix) {
            (Err(e), _) => Err(e.clone()),
            (Ok(()), None) => Err(format!("folder {} is no longer in the dataset", item.item.item_name)),
            (Ok(()), Some(prefix)) => {
                match problems(sessions, work, &access, prefix, work.mode == Mode::Share).await {
                    Ok(problems) if problems.is_empty() => Ok(()),
                    Ok(problems) => Err(problems.join("; ")),
                    Err(e) => Err(format!("{e:#}")),
                }
            }
        };
        outcomes.push((item.clone(), outcome));
    }
    Ok(outcomes)
}
