//! The authorization matrix: every query and mutation in the schema, for an anonymous caller,
//! an outsider, a member, a second team of the same organization and a platform admin. A new
//! operation without a row fails the build.

use std::collections::BTreeSet;

use async_graphql_parser::types::{TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};

use fixture::World;

use crate::support::{Backend, TestApp, error_code, on_both_backends};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Succeeds with data.
    Allowed,
    /// Succeeds, but the list at this field is empty: the caller sees nothing.
    Filtered(&'static str),
    /// Succeeds with null: the caller may ask, and there is nothing of theirs to show.
    Nothing,
    Forbidden,
    /// Refused as bad input on this field, after the permission check passed: what the caller
    /// named is not theirs to use.
    Invalid(&'static str),
    /// Answered as missing, as if it did not exist: the caller may not learn that it does.
    Missing,
}

use Expect::{Allowed, Filtered, Forbidden, Invalid, Missing, Nothing};

/// What a case's variables may refer to.
struct Ctx<'a> {
    org: &'a str,
    /// An environment in `org`, owned by TeamA, with TeamB invited.
    env: &'a str,
    stack: &'a str,
    /// An account no environment uses yet.
    account: &'a str,
    /// The account of `env`.
    env_account: &'a str,
    /// A consumption principal of `env`, owned by TeamA.
    principal: &'a str,
    /// A failed task on `org`.
    task: &'a str,
    /// The caller's own team.
    team: &'a str,
    /// A dataset in `env`, administered by TeamA.
    dataset: &'a str,
    /// A table of `dataset`, and a column of it.
    table: &'a str,
    column: &'a str,
    /// A folder of `dataset`.
    folder: &'a str,
    /// A share of `table` that TeamB requested for itself (a Group share in `env`), which TeamA
    /// approves as the dataset's admin team; submitted for the deciding cases, shared for
    /// revoking.
    share: &'a str,
    /// The share's item.
    share_item: &'a str,
    /// A ROW filter on `table`, made by TeamA.
    data_filter: &'a str,
    /// `data_filter` attached to `share_item` by TeamB, while the share is a draft (for the
    /// cases that read or remove an attachment).
    attached_filter: &'a str,
    /// An IAM principal mapping.
    mapping: &'a str,
    /// TeamA's glossary, a category of it, a term in the category, and a link of the term to
    /// `table`.
    glossary: &'a str,
    category: &'a str,
    term: &'a str,
    link: &'a str,
    /// TeamA's notification of TeamB's submitted share.
    notification: &'a str,
    /// A webhook of `org`, made by TeamA, its admin team.
    subscription: &'a str,
    /// A dead delivery of `subscription` (a test event given up).
    delivery: &'a str,
    /// A VPC registered in `env` for TeamA.
    network: &'a str,
}

struct Case {
    op: &'static str,
    doc: &'static str,
    vars: fn(&Ctx) -> Value,
    /// carol of TeamC, which belongs to nothing and has no tenant permissions.
    outsider: Expect,
    /// alice of TeamA: owns the organization, the environment and the dataset, and approves the
    /// share.
    member: Expect,
    /// bob of TeamB: invited to the organization and the environment with the default
    /// permissions, administers nothing, and requested the share.
    teammate: Expect,
    /// dave of the platform's admin group.
    admin: Expect,
}

mod access_cases;
mod activity_cases;
mod activity_visibility;
mod compat_cases;
mod credential_cases;
mod data_cases;
mod data_filter_cases;
mod environment_depth_cases;
mod event_cases;
mod fixture;
mod glossary_cases;
mod network_cases;
mod notification_cases;
mod platform_cases;
mod refusal_order;
mod share_bulk_cases;
mod share_expiry_cases;

fn cases() -> Vec<Case> {
    let mut all = platform_cases::cases();
    all.extend(data_cases::cases());
    all.extend(data_filter_cases::cases());
    all.extend(glossary_cases::cases());
    all.extend(notification_cases::cases());
    all.extend(event_cases::cases());
    all.extend(share_bulk_cases::cases());
    all.extend(share_expiry_cases::cases());
    all.extend(compat_cases::cases());
    all.extend(activity_cases::cases());
    all.extend(access_cases::cases());
    all.extend(environment_depth_cases::cases());
    all.extend(credential_cases::cases());
    all.extend(network_cases::cases());
    all
}

fn schema_operations() -> BTreeSet<String> {
    let doc = async_graphql_parser::parse_schema(sluice_api::graphql::sdl()).expect("the schema parses");
    let mut ops = BTreeSet::new();
    for def in doc.definitions {
        if let TypeSystemDefinition::Type(ty) = def {
            let name = ty.node.name.node.as_str();
            if let ("Query" | "Mutation", TypeKind::Object(object)) = (name, &ty.node.kind) {
                ops.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
            }
        }
    }
    ops
}

#[test]
fn every_operation_in_the_schema_has_a_row() {
    let rows: BTreeSet<String> = cases().iter().map(|c| c.op.to_owned()).collect();
    let ops = schema_operations();
    let missing: Vec<_> = ops.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&ops).collect();
    assert!(missing.is_empty(), "operations with no authorization cases: {missing:?}");
    assert!(stale.is_empty(), "cases for operations the schema no longer has: {stale:?}");
    for case in cases() {
        assert!(case.doc.contains(case.op), "the {} case must call {}", case.op, case.op);
    }
}

fn check(persona: &str, case: &Case, expect: Option<Expect>, body: &Value) {
    let label = format!("{} as {persona}: {body}", case.op);
    match expect {
        None => assert_eq!(error_code(body), Some("UNAUTHENTICATED"), "{label}"),
        Some(Forbidden) => assert_eq!(error_code(body), Some("FORBIDDEN"), "{label}"),
        Some(Missing) => assert_eq!(error_code(body), Some("NOT_FOUND"), "{label}"),
        Some(Invalid(field)) => {
            assert_eq!(error_code(body), Some("BAD_USER_INPUT"), "{label}");
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{label}");
        }
        Some(Allowed) => {
            assert!(body.get("errors").is_none(), "{label}");
            assert!(!body["data"][case.op].is_null(), "{label}");
        }
        Some(Nothing) => {
            assert!(body.get("errors").is_none(), "{label}");
            assert!(body["data"].get(case.op).is_some_and(Value::is_null), "{label}");
        }
        Some(Filtered(field)) => {
            assert!(body.get("errors").is_none(), "{label}");
            assert_eq!(body["data"][field]["count"], 0, "{label}");
            if !body["data"][field]["nodes"].is_null() {
                assert_eq!(body["data"][field]["nodes"], json!([]), "{label}");
            }
        }
    }
}

/// Who calls a case: `token` (none: anonymous) of `username` in `team`, and what they get
/// (none: UNAUTHENTICATED).
struct Persona<'a> {
    name: &'static str,
    username: &'static str,
    token: Option<&'a str>,
    team: &'static str,
    expect: Option<Expect>,
}

/// The activity rows recording a refusal of `actor`.
async fn denied_rows(app: &TestApp, actor: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use sluice_entities::activity;
    activity::Entity::find()
        .filter(activity::Column::Actor.eq(actor))
        .filter(activity::Column::Outcome.eq("denied"))
        .count(&app.db)
        .await
        .expect("activity")
}

async fn every_operation_enforces_its_authorization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("dave", &["DAAdministrators"]);
    let member = app.token("alice", &["TeamA"]);
    let outsider = app.token("carol", &["TeamC"]);
    let teammate = app.token("bob", &["TeamB"]);
    // Register TeamC, then take its tenant permissions away, so it is an outsider to everything.
    app.ok(&outsider, "{ listOrganizations { count } }", json!({})).await;
    app.ok(
        &admin,
        "mutation { updateGroupTenantPermissions(input: {groupUri: \"TeamC\", permissions: []}) }",
        json!({}),
    )
    .await;
    app.ok(&teammate, "{ listOrganizations { count } }", json!({})).await;
    let viewers =
        activity_visibility::Viewers { alice: &member, bob: &teammate, carol: &outsider, dave: &admin };

    for case in cases() {
        let personas = [
            Persona { name: "anonymous", username: "", token: None, team: "TeamA", expect: None },
            Persona {
                name: "outsider",
                username: "carol",
                token: Some(&outsider),
                team: "TeamC",
                expect: Some(case.outsider),
            },
            Persona {
                name: "member",
                username: "alice",
                token: Some(&member),
                team: "TeamA",
                expect: Some(case.member),
            },
            Persona {
                name: "teammate",
                username: "bob",
                token: Some(&teammate),
                team: "TeamB",
                expect: Some(case.teammate),
            },
            Persona {
                name: "admin",
                username: "dave",
                token: Some(&admin),
                team: "DAAdministrators",
                expect: Some(case.admin),
            },
        ];
        for Persona { name: persona, username, token, team, expect } in personas {
            // A fresh world per call, so one case's mutation never decides another's outcome.
            let world = World::build(&app, &member, case.op).await;
            let vars = (case.vars)(&world.ctx(team));
            let denied_before = denied_rows(&app, username).await;
            let called_at = chrono::Utc::now();
            let body = app.gql(token, case.doc, vars).await;
            check(persona, &case, expect, &body);
            if token.is_some() && case.doc.starts_with("mutation") {
                let rows = activity_visibility::written(&app, username, called_at).await;
                if expect == Some(Forbidden) {
                    assert!(!rows.is_empty(), "{} as {persona}: the refusal's row is found", case.op);
                }
                let ctx = world.ctx(team);
                activity_visibility::check(&app, &viewers, &case, persona, &ctx, &rows).await;
            }
            if expect == Some(Forbidden) && case.doc.starts_with("mutation") {
                assert!(
                    denied_rows(&app, username).await > denied_before,
                    "{} as {persona}: a refused mutation is recorded as denied",
                    case.op
                );
            }
        }
    }
}

on_both_backends!(every_operation_enforces_its_authorization);
