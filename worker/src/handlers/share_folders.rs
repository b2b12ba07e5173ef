//! Folder and bucket items of a share: one access point (with its policy), one bucket policy
//! statement delegating to access points, one KMS grant and (across accounts) one role policy
//! hold all of a share's folders, so a run writes them once, from what the share keeps, and then
//! checks each item of the run against what AWS shows. Every write also removes the share's
//! bucket policy statements from before access points, which is how re-applying moves a share.

use serde_json::Value;
use sluice_cloud::{Access, AccessPoints, KeyGrant};
use sluice_core::shares::{
    FolderAccess,
    folders::{DELEGATION_SID, delegates, delegation_statement, statement_sids},
    processing::{Mode, Work, WorkItem},
};

use super::shares::{Sessions, chain};
use crate::handler::HandlerContext;

/// The folder access the share keeps once this run is done.
async fn kept_access(ctx: &HandlerContext, work: &Work) -> anyhow::Result<FolderAccess> {
    let kept = ctx.core.system("share.process").s3_kept(&work.share.share_uri).await.map_err(chain)?;
    Ok(FolderAccess::of(work, kept.prefixes, kept.whole_bucket))
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

/// Writes the access point and its policy, the bucket's delegation to access points, the key
/// grant (on `key`, the dataset key's ARN) and role policy `access` calls for; with nothing
/// kept, removes them (the delegation stays: other shares of the bucket use it). Either way the
/// share's statements from before access points leave the bucket policy.
async fn apply(
    sessions: &Sessions,
    work: &Work,
    access: &FolderAccess,
    key: Option<&str>,
) -> anyhow::Result<()> {
    let share = &work.share.share_uri;
    let source = Access::new(&sessions.source);
    let points = AccessPoints::new(&sessions.source, &access.account);
    let mut sids = statement_sids(share).to_vec();
    match access.access_point_policy() {
        Some(policy) => {
            // The access point first, so no moment has the old statements gone and it missing.
            points.ensure(&access.access_point, &access.bucket).await?;
            points.put_policy(&access.access_point, &policy).await?;
            sids.push(DELEGATION_SID.to_owned());
            let delegation = delegation_statement(&access.bucket, &access.account);
            source.replace_statements(&access.bucket, &sids, &[delegation]).await?;
        }
        None => {
            source.replace_statements(&access.bucket, &sids, &[]).await?;
            points.delete(&access.access_point).await?;
        }
    }
    if let Some(key) = key {
        if access.is_empty() {
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
    /// The bucket policy's statements.
    statements: Vec<Value>,
    /// Whether the share's access point exists, and its policy.
    access_point: bool,
    access_point_policy: Option<Value>,
    /// The dataset key's ARN, and whether the share's grant on it gives what `access` needs.
    key: Option<(String, bool)>,
    role_policy: Option<Value>,
}

impl Shown {
    /// Whether the bucket policy still holds the share's statements from before access points.
    fn has_legacy_statements(&self, share_uri: &str) -> bool {
        let sids = statement_sids(share_uri);
        self.statements.iter().any(|s| sids.iter().any(|sid| s["Sid"] == sid.as_str()))
    }
}

async fn shown(sessions: &Sessions, access: &FolderAccess, key: Option<&str>) -> anyhow::Result<Shown> {
    let source = Access::new(&sessions.source);
    let statements = source.bucket_statements(&access.bucket).await?;
    let points = AccessPoints::new(&sessions.source, &access.account);
    let access_point = points.get(&access.access_point).await?.is_some();
    let access_point_policy = if access_point { points.policy(&access.access_point).await? } else { None };
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
    Ok(Shown { statements, access_point, access_point_policy, key, role_policy })
}

/// What `shown` lacks of the access `prefix` (None: the whole bucket) needs (when `granted`), or
/// still holds of it (when not): empty when the item is as it should be. A share's statements
/// from before access points still count as granting until the share is re-applied.
fn problems(
    shown: &Shown,
    share_uri: &str,
    access: &FolderAccess,
    prefix: Option<&str>,
    granted: bool,
) -> Vec<String> {
    let mut problems = vec![];
    let bucket = &access.bucket;
    let place = prefix.map_or_else(|| format!("s3://{bucket}/"), |p| format!("s3://{bucket}/{p}/"));
    let point = &access.access_point;
    let by_point = access.access_point_grants(shown.access_point_policy.as_ref(), prefix);
    let delegated = delegates(&shown.statements, bucket, &access.account);
    let legacy = access.legacy_grants(&shown.statements, share_uri, prefix);
    // A folder inside a bucket the share keeps stays reachable when the folder is revoked.
    let still_kept = !granted && prefix.is_some() && access.whole_bucket;
    if granted && !legacy {
        if !shown.access_point {
            problems.push(format!("access point {point} of bucket {bucket} is missing"));
        } else if !by_point {
            problems.push(format!("the policy of access point {point} does not grant {place}"));
        }
        if !delegated {
            problems.push(format!("the policy of bucket {bucket} does not delegate access to access points"));
        }
    }
    if !granted && !still_kept {
        if by_point {
            problems.push(format!("the policy of access point {point} still grants {place}"));
        }
        if legacy {
            problems.push(format!("the policy of bucket {bucket} still grants {place}"));
        }
    }
    if let Some((key, has)) = &shown.key {
        // The key grant goes only with the share's last item.
        let should = granted || !access.is_empty();
        if *has != should {
            let state = if should { "is missing" } else { "is still there" };
            problems.push(format!("KMS grant {} on {key} {state}", access.grant_name));
        }
    }
    if let Some(policy) = &access.role_policy {
        let document = shown.role_policy.as_ref();
        let legacy_resource =
            format!("arn:aws:s3:::{bucket}/{}*", prefix.map(|p| format!("{p}/")).unwrap_or_default());
        let names = access.role_policy_grants(document, prefix)
            || (legacy && document.is_some_and(|d| d.to_string().contains(&legacy_resource)));
        if names != granted && !still_kept {
            let verb = if granted { "does not grant" } else { "still grants" };
            problems.push(format!(
                "inline policy {} of role {} in account {} {verb} {place}",
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
            let prefix = match (&item.s3_prefix, item.is_bucket()) {
                (_, true) => Ok(None),
                (Some(prefix), false) => Ok(Some(prefix.trim_matches('/'))),
                (None, false) => Err(gone(item)),
            };
            let outcome = prefix.and_then(|prefix| {
                let found = problems(shown, &work.share.share_uri, access, prefix, granted);
                if found.is_empty() { Ok(()) } else { Err(found.join("; ")) }
            });
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

/// Runs the folder and bucket items of a share or revoke run: one write for all of them, then each item's
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
        let before = shown(sessions, &access, key.as_deref()).await?;
        let mut outcomes = judge(&before, work, &access, items, true);
        // Re-applying also moves a share from its bucket policy statements to its access point.
        let legacy = before.has_legacy_statements(&work.share.share_uri);
        if repair && (legacy || outcomes.iter().any(|(_, o)| o.is_err())) {
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
            let gone_folder = item.s3_prefix.is_none() && !item.is_bucket();
            let problem = if gone_folder { Some(gone(&item)) } else { outcome.err() };
            (item, problem)
        })
        .collect())
}
