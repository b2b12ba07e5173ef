//! The audit trail. A successful mutation writes its row inside its own transaction; a refused
//! or failed one writes a row afterwards, so attempts are visible too.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use sluice_entities::activity;

use crate::{Actor, Error, Result, uri::new_sid};

pub const SUCCESS: &str = "success";
pub const DENIED: &str = "denied";
pub const FAILED: &str = "failed";

async fn insert(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_uri: &str,
    target_type: &str,
    summary: &str,
    outcome: &str,
) -> Result<()> {
    activity::Entity::insert(activity::ActiveModel {
        activity_uri: Set(new_sid()),
        action: Set(action.to_owned()),
        actor: Set(actor.username().to_owned()),
        actor_issuer: Set(Some(actor.issuer().to_owned())),
        target_uri: Set(target_uri.to_owned()),
        target_type: Set(target_type.to_owned()),
        summary: Set(summary.to_owned()),
        outcome: Set(outcome.to_owned()),
        created: Set(chrono::Utc::now()),
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
    insert(db, actor, action, target_uri, target_type, summary, SUCCESS).await
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
    if let Err(write_err) = insert(db, actor, action, target_uri, target_type, &summary, outcome).await {
        tracing::error!(error = %write_err.chain(), action, target_uri, "could not record a failed mutation in the audit trail");
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
    record_failure(db, actor, action, target.0, target.1, &result).await;
    result
}
