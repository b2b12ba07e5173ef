//! Filling the activity trail fast, for tests of its lists, export and retention: rows are
//! written directly, many per statement, in one transaction.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use sluice_entities::activity;

use crate::audit::Scope;

/// What every row of a [`fill`] holds; the summary gets the row's number appended.
#[derive(Debug, Clone)]
pub struct Rows {
    pub action: String,
    pub actor: String,
    pub target_uri: String,
    pub target_type: String,
    pub outcome: String,
    pub summary: String,
    /// `None`: platform admins only see them.
    pub scope: Option<Scope>,
}

impl Rows {
    /// Successful `action`s of `actor` on `target_type` `target_uri`, scoped to the target when
    /// it is a dataset, environment, organization or share.
    pub fn of(action: &str, actor: &str, target: (&str, &str), scope: Option<Scope>) -> Self {
        Self {
            action: action.into(),
            actor: actor.into(),
            target_uri: target.0.into(),
            target_type: target.1.into(),
            outcome: crate::audit::SUCCESS.into(),
            summary: format!("{action} by {actor}"),
            scope,
        }
    }
}

/// Writes `count` rows like `rows`, the first created at `first` and each `step` after the one
/// before. Returns their URIs, oldest first.
pub async fn fill(
    db: &DatabaseConnection,
    rows: &Rows,
    count: usize,
    first: DateTime<Utc>,
    step: TimeDelta,
) -> Vec<String> {
    const PER_STATEMENT: usize = 500;
    let txn = db.begin().await.expect("a transaction");
    let mut uris = Vec::with_capacity(count);
    let mut at = first;
    for start in (0..count).step_by(PER_STATEMENT) {
        let end = (start + PER_STATEMENT).min(count);
        let models: Vec<activity::ActiveModel> = (start..end)
            .map(|i| {
                // Within the column's 32 characters, unique across fills.
                let uri = format!("t{i:08}{}", &crate::uri::new_sid()[..16]);
                uris.push(uri.clone());
                let created = at;
                at += step;
                activity::ActiveModel {
                    activity_uri: Set(uri),
                    action: Set(rows.action.clone()),
                    actor: Set(rows.actor.clone()),
                    actor_issuer: Set(Some(super::TEST_ISSUER.to_owned())),
                    actor_principal: Set(None),
                    target_uri: Set(rows.target_uri.clone()),
                    target_type: Set(rows.target_type.clone()),
                    summary: Set(format!("{} #{i}", rows.summary)),
                    outcome: Set(rows.outcome.clone()),
                    created: Set(created),
                    scope_type: Set(rows.scope.as_ref().map(|s| s.kind.as_str().to_owned())),
                    scope_uri: Set(rows.scope.as_ref().map(|s| s.uri.clone())),
                }
            })
            .collect();
        activity::Entity::insert_many(models).exec_without_returning(&txn).await.expect("activity rows");
    }
    txn.commit().await.expect("commit");
    uris
}
