//! Every mutation's activity rows, whatever the call's outcome, are visible through
//! `listActivity` to the teams that may read what the row is about, and to no one else: TeamC
//! (the outsider) never, platform admins always. Run inside the matrix, for every mutation and
//! every signed-in persona, so a new operation is checked as soon as it has its row.
//!
//! Who may read what comes from the world (`fixture`): TeamA owns the organization, environment,
//! dataset (with its table, column and folder) and glossary, and approves TeamB's share; TeamB
//! is invited to the organization and the environment, may not list the environment's
//! consumption roles, and requested the share. What a call makes, or takes away, is said per
//! operation below.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sluice_entities::activity;

use super::{Case, Ctx};
use crate::support::TestApp;

/// Whether TeamA (alice) and TeamB (bob) should see a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Readers {
    team_a: bool,
    team_b: bool,
}

const BOTH: Readers = Readers { team_a: true, team_b: true };
const TEAM_A: Readers = Readers { team_a: true, team_b: false };
const NOBODY: Readers = Readers { team_a: false, team_b: false };

/// The teams of the caller's team alone.
fn team(team: &str) -> Readers {
    Readers { team_a: team == "TeamA", team_b: team == "TeamB" }
}

/// Who should see `row`, written by a call of `case` from a member of `ctx.team`.
fn readers(case: &Case, ctx: &Ctx, row: &activity::Model) -> Readers {
    let op = case.op;
    let succeeded = row.outcome == "success";
    let target = row.target_uri.as_str();
    let is = |uri: &str| !uri.is_empty() && uri == target;
    // What a successful call took away: the resource, or TeamB's place in it.
    if succeeded {
        match op {
            "deleteDataset" | "deleteEnvironment" | "deleteShareObject" | "deleteGlossary" => return NOBODY,
            "removeGroupFromOrganization" | "removeGroupFromEnvironment" => return TEAM_A,
            _ => {}
        }
    }
    // Networks are read by every team of the environment.
    if is(ctx.org) || is(ctx.stack) || is(ctx.task) || is(ctx.network) {
        return BOTH;
    }
    if is(ctx.env) {
        // Rows naming consumption roles are for the teams that may list them.
        return if op.contains("ConsumptionPrincipal") { TEAM_A } else { BOTH };
    }
    if [ctx.dataset, ctx.table, ctx.column, ctx.folder, ctx.data_filter].into_iter().any(is) {
        return TEAM_A;
    }
    if is(ctx.share) || is(ctx.share_item) || is(ctx.attached_filter) {
        return BOTH;
    }
    if [ctx.glossary, ctx.category, ctx.term, ctx.link].into_iter().any(is) {
        return TEAM_A;
    }
    if is(ctx.mapping) || is(ctx.notification) {
        // IAM mappings are the platform admins' business; notifications are read, not audited.
        return NOBODY;
    }
    if !succeeded {
        // A refusal or failure names what the caller asked for: a team, a mapping, nothing.
        return NOBODY;
    }
    // What the call made.
    match op {
        "createOrganization" | "createEnvironment" | "createDataset" | "importDataset" | "createGlossary" => {
            team(ctx.team)
        }
        // Requested by the caller's team, approved by the dataset's.
        "createShareObject" => Readers { team_a: true, team_b: ctx.team == "TeamB" },
        // Registered in the environment, which both teams are in.
        "createNetwork" => BOTH,
        "addSharedItem" => BOTH,
        "createDatasetStorageLocation" | "createCategory" | "createTerm" | "createTableDataFilter" => TEAM_A,
        // The platform's own business, and IAM mappings: admins only.
        "startHealthCheck"
        | "startReindexCatalog"
        | "createIamPrincipalMapping"
        | "updateGroupTenantPermissions" => NOBODY,
        other => panic!(
            "{other} wrote {} on {} {target}, which the world does not name: say who should see it in {}",
            row.action,
            row.target_type,
            file!()
        ),
    }
}

/// The viewers, by their tokens.
pub(super) struct Viewers<'a> {
    pub alice: &'a str,
    pub bob: &'a str,
    pub carol: &'a str,
    pub dave: &'a str,
}

/// The rows `username` wrote since `since`.
pub(super) async fn written(app: &TestApp, username: &str, since: DateTime<Utc>) -> Vec<activity::Model> {
    activity::Entity::find()
        .filter(activity::Column::Actor.eq(username))
        .filter(activity::Column::Created.gte(since))
        .all(&app.db)
        .await
        .expect("activity")
}

/// Whether `token`'s listActivity shows `row`.
async fn sees(app: &TestApp, token: &str, row: &activity::Model) -> bool {
    let filter = json!({
        "targetUri": row.target_uri,
        "action": row.action,
        "actor": row.actor,
        "from": row.created.to_rfc3339(),
        "pageSize": 100,
    });
    let data = app
        .ok(
            token,
            "query($f: ActivityFilter) { listActivity(filter: $f) { nodes { activityUri summary } } }",
            json!({"f": filter}),
        )
        .await;
    data["listActivity"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .any(|n| n["activityUri"] == row.activity_uri.as_str())
}

/// Checks every row a call wrote against who should see it.
pub(super) async fn check(
    app: &TestApp,
    viewers: &Viewers<'_>,
    case: &Case,
    persona: &str,
    ctx: &Ctx<'_>,
    rows: &[activity::Model],
) {
    for row in rows {
        let expected = readers(case, ctx, row);
        let label = format!(
            "{} as {persona}: its {} row ({} on {} {})",
            case.op, row.outcome, row.action, row.target_type, row.target_uri
        );
        assert!(sees(app, viewers.dave, row).await, "{label}: platform admins see every row");
        assert!(!sees(app, viewers.carol, row).await, "{label}: TeamC, which holds nothing, sees it");
        assert_eq!(sees(app, viewers.alice, row).await, expected.team_a, "{label}: TeamA");
        assert_eq!(sees(app, viewers.bob, row).await, expected.team_b, "{label}: TeamB");
    }
}
