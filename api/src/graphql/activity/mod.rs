//! The activity trail: `listActivity`, paged, newest first. Platform admins see every row; a
//! team sees the rows of the resources it may read. Core decides; the export of a time range is
//! served over HTTP (`GET /audit/export`, see `server::audit_export`), not through GraphQL, so
//! that it can stream.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::{
    audit::{Activity, ActivityFilter, Outcome, parse_time},
    page::PageRequest,
};

use crate::graphql::{GqlResult, actor, core, paged::paged};

/// One audited mutation.
#[derive(SimpleObject)]
#[graphql(name = "Activity")]
pub struct ActivityGql {
    activity_uri: String,
    /// When it happened (RFC 3339).
    created: String,
    /// Who: a user name, an IAM caller's mapped user, or `system:<task>` for the platform.
    actor: String,
    /// `user`, `iam` (signed with AWS credentials through an IAM principal mapping) or `system`.
    actor_kind: String,
    /// Who vouched for the actor: a token's issuer, `sluice:iam` or `sluice:system`.
    actor_issuer: Option<String>,
    /// The AWS principal (ARN) of an IAM-signed request.
    actor_principal: Option<String>,
    /// The operation, named as the API names it (`updateDataset`, `approveShareObject`, …).
    action: String,
    target_type: String,
    target_uri: String,
    /// `success`, `denied` or `failed`.
    outcome: String,
    /// What was done; for a refusal or failure, what the caller was told.
    summary: String,
    /// Why a refused or failed mutation did not happen; null for a success.
    reason: Option<String>,
}

impl From<Activity> for ActivityGql {
    fn from(a: Activity) -> Self {
        Self {
            reason: a.reason().map(str::to_owned),
            activity_uri: a.activity_uri,
            created: a.created.to_rfc3339(),
            actor: a.actor,
            actor_kind: a.actor_kind.as_str().to_owned(),
            actor_issuer: a.actor_issuer,
            actor_principal: a.actor_principal,
            action: a.action,
            target_type: a.target_type,
            target_uri: a.target_uri,
            outcome: a.outcome.as_str().to_owned(),
            summary: a.summary,
        }
    }
}

paged!(ActivitySearchResult, ActivityGql);

#[derive(InputObject, Default)]
#[graphql(name = "ActivityFilter")]
pub struct ActivityFilterInput {
    /// The actor's user name, exactly.
    actor: Option<String>,
    target_uri: Option<String>,
    /// As rows spell it: `dataset`, `dataset_table`, `share_object`, …
    target_type: Option<String>,
    action: Option<String>,
    /// `success`, `denied` or `failed`.
    outcome: Option<String>,
    /// Rows created at or after this time: RFC 3339, or a date (its start, UTC).
    from: Option<String>,
    /// Rows created before this time.
    to: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
}

impl ActivityFilterInput {
    /// The filter as core takes it, and the page asked for.
    pub(crate) fn into_core(self) -> sluice_core::Result<(ActivityFilter, PageRequest)> {
        let page = PageRequest::new(self.page, self.page_size)?;
        let time = |field: &str, value: Option<String>| {
            value.filter(|v| !v.trim().is_empty()).map(|v| parse_time(field, &v)).transpose()
        };
        let filter = ActivityFilter {
            actor: self.actor,
            target_uri: self.target_uri,
            target_type: self.target_type,
            action: self.action,
            outcome: self
                .outcome
                .filter(|o| !o.trim().is_empty())
                .as_deref()
                .map(Outcome::parse)
                .transpose()?,
            from: time("from", self.from)?,
            to: time("to", self.to)?,
        };
        Ok((filter, page))
    }
}

#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// The audit trail, newest first: every mutation, refused and failed ones included. Platform
    /// admins see everything; a team sees the activity on the resources it may read.
    async fn list_activity(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityFilterInput>,
    ) -> async_graphql::Result<ActivitySearchResult> {
        let actor = actor(ctx)?;
        let (filter, page) = filter.unwrap_or_default().into_core().gql()?;
        let found = core(ctx)?.activity().list(actor, &filter, page).await.gql()?;
        Ok(ActivitySearchResult(found.map(Into::into)))
    }
}
