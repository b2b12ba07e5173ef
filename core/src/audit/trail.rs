//! Reading the trail: `listActivity`, newest first and paged, and the export (`export`).
//!
//! Platform admins see every row. Anyone else sees the rows whose scope they may read (see
//! `scope`): a team sees the activity on the resources it holds a permission on, refusals of
//! outsiders included, and nothing of another team's resources. A row whose resource is gone
//! (its dataset deleted, its share deleted) has no readers left and is shown to platform admins
//! only. Visibility follows the permissions held now, not those held when the row was written.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use sluice_entities::activity;

use super::scope;
use crate::{
    Actor, Error, Result,
    actor::{IAM_ISSUER, SYSTEM_ISSUER},
    authz,
    page::{self, Page, PageRequest},
};

/// How a mutation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Success,
    /// Refused by an authorization check; the row's summary says why.
    Denied,
    /// Failed after the checks (bad input, a conflict, a wrong state, an internal error); the
    /// summary says what the caller was told.
    Failed,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => super::SUCCESS,
            Self::Denied => super::DENIED,
            Self::Failed => super::FAILED,
        }
    }

    /// `success`, `denied` or `failed`, in any case.
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            super::SUCCESS => Ok(Self::Success),
            super::DENIED => Ok(Self::Denied),
            super::FAILED => Ok(Self::Failed),
            other => Err(Error::validation(
                "outcome",
                format!("{other:?} is not an outcome; use success, denied or failed"),
            )),
        }
    }

    fn from_stored(value: &str) -> Result<Self> {
        Self::parse(value)
            .map_err(|_| Error::Internal(format!("an activity row's outcome is {value:?}").into()))
    }
}

/// Who acted: a person with a token, a caller signed in with AWS credentials through an IAM
/// principal mapping, or the platform's own task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorKind {
    User,
    Iam,
    System,
}

impl ActorKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Iam => "iam",
            Self::System => "system",
        }
    }

    /// Rows written before the issuer was recorded name system actors `system:<task>`.
    fn of(issuer: Option<&str>, username: &str) -> Self {
        match issuer {
            Some(SYSTEM_ISSUER) => Self::System,
            Some(IAM_ISSUER) => Self::Iam,
            None if username.starts_with("system:") => Self::System,
            _ => Self::User,
        }
    }
}

/// One row of the trail: who did what, to which target, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub activity_uri: String,
    pub created: DateTime<Utc>,
    /// The user name (an IAM caller's mapped user; `system:<task>` for the platform).
    pub actor: String,
    pub actor_kind: ActorKind,
    /// Who vouched for the actor: a token's issuer, `sluice:iam` or `sluice:system`.
    pub actor_issuer: Option<String>,
    /// The AWS principal (ARN) of an IAM-signed request.
    pub actor_principal: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_uri: String,
    pub outcome: Outcome,
    /// What was done; for a refusal or failure, what the caller was told.
    pub summary: String,
}

impl Activity {
    /// Why a refused or failed mutation did not happen; `None` for a success.
    pub fn reason(&self) -> Option<&str> {
        (self.outcome != Outcome::Success).then_some(self.summary.as_str())
    }

    pub(super) fn from_model(row: activity::Model) -> Result<Self> {
        Ok(Self {
            actor_kind: ActorKind::of(row.actor_issuer.as_deref(), &row.actor),
            outcome: Outcome::from_stored(&row.outcome)?,
            activity_uri: row.activity_uri,
            created: row.created,
            actor: row.actor,
            actor_issuer: row.actor_issuer,
            actor_principal: row.actor_principal,
            action: row.action,
            target_type: row.target_type,
            target_uri: row.target_uri,
            summary: row.summary,
        })
    }
}

/// What to list; every field narrows, and exact values are matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// The actor's user name.
    pub actor: Option<String>,
    pub target_uri: Option<String>,
    pub target_type: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Rows created at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Rows created before this time.
    pub to: Option<DateTime<Utc>>,
}

impl ActivityFilter {
    fn condition(&self) -> Result<Condition> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return Err(Error::validation("to", "must be later than from"));
        }
        let mut all = Condition::all();
        let text = |value: &Option<String>| {
            value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
        };
        if let Some(actor) = text(&self.actor) {
            all = all.add(activity::Column::Actor.eq(actor));
        }
        if let Some(uri) = text(&self.target_uri) {
            all = all.add(activity::Column::TargetUri.eq(uri));
        }
        if let Some(kind) = text(&self.target_type) {
            all = all.add(activity::Column::TargetType.eq(kind));
        }
        if let Some(action) = text(&self.action) {
            all = all.add(activity::Column::Action.eq(action));
        }
        if let Some(outcome) = self.outcome {
            all = all.add(activity::Column::Outcome.eq(outcome.as_str()));
        }
        if let Some(from) = self.from {
            all = all.add(activity::Column::Created.gte(from));
        }
        if let Some(to) = self.to {
            all = all.add(activity::Column::Created.lt(to));
        }
        Ok(all)
    }
}

/// Reads a time the API was given: RFC 3339 (`2026-12-08T10:00:00Z`), or a date
/// (`2026-12-08`), which is that day's start in UTC.
pub fn parse_time(field: &str, value: &str) -> Result<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Some(start) =
        NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(start.and_utc());
    }
    Err(Error::validation(
        field,
        format!("{value:?} is not a time; use RFC 3339 (2026-12-08T10:00:00Z) or a date (2026-12-08)"),
    ))
}

/// The rows the actor sees: everything for platform admins, the rows of their teams' resources
/// for anyone else. One condition for the list and the export alike.
pub(super) fn visible(actor: &Actor, db: &DatabaseConnection) -> Condition {
    match authz::authorize_admin(actor) {
        Ok(_everything) => Condition::all(),
        Err(_) => scope::readable(actor, db.get_database_backend()),
    }
}

/// The activity trail, as its readers see it.
pub struct Trail<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

impl Trail<'_> {
    /// The rows the actor may see that match `filter`, newest first.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<Activity>> {
        let query = activity::Entity::find()
            .filter(visible(actor, self.db))
            .filter(filter.condition()?)
            .order_by_desc(activity::Column::Created)
            .order_by_desc(activity::Column::ActivityUri);
        page::fetch(self.db, query, page).await?.try_map(Activity::from_model)
    }

    /// The rows the actor may see that match `filter`, oldest first, in batches read one at a
    /// time (see [`super::ActivityExport`]). An export names its time range: `from` and `to`
    /// are required.
    pub fn export(&self, actor: &Actor, filter: &ActivityFilter) -> Result<super::ActivityExport> {
        if filter.from.is_none() {
            return Err(Error::required("from"));
        }
        if filter.to.is_none() {
            return Err(Error::required("to"));
        }
        let condition = Condition::all().add(visible(actor, self.db)).add(filter.condition()?);
        Ok(super::ActivityExport::new(self.db.clone(), condition))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_or_dates_in_utc() {
        let at = parse_time("from", "2026-12-08T10:00:00+01:00").expect("rfc3339");
        assert_eq!(at.to_rfc3339(), "2026-12-08T09:00:00+00:00");
        let day = parse_time("to", " 2026-12-08 ").expect("date");
        assert_eq!(day.to_rfc3339(), "2026-12-08T00:00:00+00:00");
        let bad = parse_time("to", "yesterday").expect_err("words");
        assert_eq!(bad.code(), "BAD_USER_INPUT");
        assert_eq!(bad.field(), Some("to"));
    }

    #[test]
    fn outcomes_parse_in_any_case_and_nothing_else() {
        assert_eq!(Outcome::parse("DENIED").expect("denied"), Outcome::Denied);
        assert_eq!(Outcome::parse("success").expect("success"), Outcome::Success);
        assert_eq!(Outcome::parse("refused").expect_err("unknown").field(), Some("outcome"));
    }

    #[test]
    fn the_actor_kind_follows_the_issuer() {
        assert_eq!(ActorKind::of(Some(SYSTEM_ISSUER), "system:share.process"), ActorKind::System);
        assert_eq!(ActorKind::of(Some(IAM_ISSUER), "etl"), ActorKind::Iam);
        assert_eq!(ActorKind::of(Some("https://cognito"), "alice"), ActorKind::User);
        assert_eq!(ActorKind::of(None, "system:stack.deploy"), ActorKind::System);
        assert_eq!(ActorKind::of(None, "alice"), ActorKind::User);
    }

    #[test]
    fn an_empty_or_backwards_range_is_refused_and_blank_fields_are_ignored() {
        let from = parse_time("from", "2026-12-08").expect("from");
        let backwards = ActivityFilter { from: Some(from), to: Some(from), ..Default::default() };
        assert_eq!(backwards.condition().expect_err("empty").field(), Some("to"));
        let blank = ActivityFilter { actor: Some("  ".into()), ..Default::default() };
        assert!(blank.condition().expect("blank").is_empty());
    }
}
