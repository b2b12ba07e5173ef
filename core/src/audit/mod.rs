//! The audit trail. A successful mutation writes its row inside its own transaction; a refused
//! or failed one writes a row afterwards, so attempts are visible too.
//!
//! Each row records its scope, the resource whose readers see it (`scope`). Reading the trail
//! (`trail`: `listActivity`, the export) never changes it: rows are neither updated nor deleted
//! through the API, and only the worker's retention (`retention`, `SLUICE_AUDIT_RETENTION_DAYS`)
//! removes old ones, as the platform, through `Core::system`.

mod export;
pub(crate) mod retention;
mod scope;
mod trail;

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use sluice_entities::activity;

pub use export::{ActivityExport, EXPORT_BATCH, ExportFormat};
pub use retention::PRUNE_BATCH;
pub(crate) use scope::of_target as scope_of;
pub use scope::{Scope, ScopeKind};
pub use trail::{Activity, ActivityFilter, ActorKind, Outcome, Trail, parse_time};

use crate::{Actor, Error, Result, uri::new_sid};

pub const SUCCESS: &str = "success";
pub const DENIED: &str = "denied";
pub const FAILED: &str = "failed";

/// Writes one row. Without `scope`, the row's scope is found from its target.
#[allow(clippy::too_many_arguments)]
async fn insert(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_uri: &str,
    target_type: &str,
    scope: Option<Scope>,
    summary: &str,
    outcome: &str,
) -> Result<()> {
    let scope = match scope {
        Some(scope) => Some(scope),
        None => scope::of_target(db, target_type, target_uri).await?,
    };
    activity::Entity::insert(activity::ActiveModel {
        activity_uri: Set(new_sid()),
        action: Set(action.to_owned()),
        actor: Set(actor.username().to_owned()),
        actor_issuer: Set(Some(actor.issuer().to_owned())),
        actor_principal: Set(actor.principal().map(str::to_owned)),
        target_uri: Set(target_uri.to_owned()),
        target_type: Set(target_type.to_owned()),
        summary: Set(summary.to_owned()),
        outcome: Set(outcome.to_owned()),
        created: Set(chrono::Utc::now()),
        scope_type: Set(scope.as_ref().map(|s| s.kind.as_str().to_owned())),
        scope_uri: Set(scope.map(|s| s.uri)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Records a successful mutation; call it inside the mutation's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_uri: &str,
    target_type: &str,
    summary: &str,
) -> Result<()> {
    insert(db, actor, action, target_uri, target_type, None, summary, SUCCESS).await
}

/// [`record`] for a row whose scope its target no longer shows (a table, folder or item the
/// mutation deleted) or does not decide (a consumption role, read by fewer teams than its
/// environment).
pub async fn record_in(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: (&str, &str),
    scope: Scope,
    summary: &str,
) -> Result<()> {
    insert(db, actor, action, target.0, target.1, Some(scope), summary, SUCCESS).await
}

/// Records a refused or failed mutation. The caller's error is what the client needs, so a
/// failure to write this row is logged rather than returned.
pub async fn record_failure<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_uri: &str,
    target_type: &str,
    result: &Result<T>,
) {
    failure(db, actor, action, (target_uri, target_type), None, result).await;
}

/// [`record_failure`] with the row's scope named, as [`record_in`].
pub async fn record_failure_in<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: (&str, &str),
    scope: Scope,
    result: &Result<T>,
) {
    failure(db, actor, action, target, Some(scope), result).await;
}

async fn failure<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: (&str, &str),
    scope: Option<Scope>,
    result: &Result<T>,
) {
    let Err(err) = result else { return };
    let outcome = match err {
        Error::Forbidden(_) | Error::Unauthenticated => DENIED,
        _ => FAILED,
    };
    // Internal errors keep their detail out of the table, which admins may export.
    let summary = match err {
        Error::Internal(_) => "internal error".to_owned(),
        other => other.to_string(),
    };
    if let Err(write_err) = insert(db, actor, action, target.0, target.1, scope, &summary, outcome).await {
        tracing::error!(error = %write_err.chain(), action, target_uri = target.0, "could not record a failed mutation in the audit trail");
    }
}

/// Runs a mutation and records it in the trail if it was refused or failed; its success row is
/// its own to write, inside its transaction.
pub(crate) async fn audited<T>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: (&str, &str),
    mutation: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let result = mutation.await;
    failure(db, actor, action, target, None, &result).await;
    result
}
