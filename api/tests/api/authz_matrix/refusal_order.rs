//! Refusal order: a caller without the permission is refused for that before any input rule
//! runs, so bad input never tells them what the resource holds (its key, its prefix, its teams)
//! or that the input would have been wrong. Each mutation below carries input that its owner
//! is refused for as BAD_USER_INPUT, which shows the input is bad; everyone else gets FORBIDDEN,
//! with nothing of that refusal in the message, and a denied activity row.

use serde_json::{Value, json};

use super::{Ctx, denied_rows, fixture::World};
use crate::support::{Backend, TestApp, error_code, on_both_backends};

struct BadInput {
    op: &'static str,
    doc: &'static str,
    vars: fn(&Ctx) -> Value,
    /// The teammate holds the permission (so gets the input error like the owner).
    teammate_may: bool,
}

fn bad_inputs() -> Vec<BadInput> {
    vec![
        BadInput {
            op: "updateDataset",
            doc: "mutation($ds: String!) { updateDataset(datasetUri: $ds, input: {KmsAlias: \"alias/other\"}) { datasetUri } }",
            vars: |c| json!({"ds": c.dataset}),
            teammate_may: false,
        },
        BadInput {
            op: "updateDataset",
            doc: "mutation($ds: String!) { updateDataset(datasetUri: $ds, input: {label: \"evil\u{202e}txt\"}) { datasetUri } }",
            vars: |c| json!({"ds": c.dataset}),
            teammate_may: false,
        },
        BadInput {
            op: "updateDatasetTable",
            doc: "mutation($t: String) { updateDatasetTable(tableUri: $t, input: {label: \"a\u{0007}b\"}) { tableUri } }",
            vars: |c| json!({"t": c.table}),
            teammate_may: false,
        },
        BadInput {
            op: "createTableDataFilter",
            doc: "mutation($t: String!) { createTableDataFilter(tableUri: $t, input: {filterName: \"cols\", filterType: \"COLUMN\", includedCols: [\"no_such_column\"]}) { filterUri } }",
            vars: |c| json!({"t": c.table}),
            teammate_may: false,
        },
        BadInput {
            op: "updateShareItemFilters",
            doc: "mutation($i: String!) { updateShareItemFilters(input: {shareItemUri: $i, label: \"EU\", filterUris: [\"nosuchfl\"]}) }",
            vars: |c| json!({"i": c.share_item}),
            teammate_may: true,
        },
        BadInput {
            op: "createDatasetStorageLocation",
            doc: "mutation($ds: String!) { createDatasetStorageLocation(datasetUri: $ds, input: {label: \"All\", prefix: \"*\"}) { locationUri } }",
            vars: |c| json!({"ds": c.dataset}),
            teammate_may: false,
        },
        BadInput {
            op: "updateEnvironment",
            doc: "mutation($env: String!) { updateEnvironment(environmentUri: $env, input: {resourcePrefix: \"other\"}) { label } }",
            vars: |c| json!({"env": c.env}),
            teammate_may: false,
        },
        BadInput {
            op: "updateEnvironment",
            doc: "mutation($env: String!) { updateEnvironment(environmentUri: $env, input: {vpcId: \"vpc-1\"}) { label } }",
            vars: |c| json!({"env": c.env}),
            teammate_may: false,
        },
        BadInput {
            op: "inviteGroupOnEnvironment",
            doc: "mutation($env: String!) { inviteGroupOnEnvironment(input: {environmentUri: $env, groupUri: \"TeamD\", permissions: [\"NO_SUCH_PERMISSION\"]}) { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            teammate_may: false,
        },
        BadInput {
            op: "addConsumptionPrincipalToEnvironment",
            // A role in another account than the environment's.
            doc: "mutation($env: String!) { addConsumptionPrincipalToEnvironment(input: {consumptionPrincipalName: \"etl\", groupUri: \"TeamA\", IAMPrincipalArn: \"arn:aws:iam::123456789012:role/etl\", environmentUri: $env, dataallManaged: EXTERNALLY_MANAGED}) { consumptionPrincipalUri } }",
            vars: |c| json!({"env": c.env}),
            teammate_may: false,
        },
        BadInput {
            op: "updateKeyValueTags",
            // A key AWS reserves.
            doc: "mutation($env: String!) { updateKeyValueTags(input: {targetUri: $env, targetType: \"environment\", tags: [{key: \"aws:owner\", value: \"me\", cascade: false}]}) { key } }",
            vars: |c| json!({"env": c.env}),
            teammate_may: false,
        },
        BadInput {
            op: "updateOrganization",
            doc: "mutation($org: String!) { updateOrganization(organizationUri: $org, input: {label: \"\u{202e}\"}) { label } }",
            vars: |c| json!({"org": c.org}),
            teammate_may: false,
        },
        BadInput {
            op: "createShareObject",
            doc: "mutation($ds: String!, $env: String!, $team: String!) { createShareObject(datasetUri: $ds, input: {environmentUri: $env, groupUri: $team, principalId: $team, principalType: \"Redshift\", permissions: [Read]}) { shareUri } }",
            vars: |c| json!({"ds": c.dataset, "env": c.env, "team": c.team}),
            teammate_may: true,
        },
    ]
}

async fn a_refusal_comes_before_any_input_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.token("alice", &["TeamA"]);
    let teammate = app.token("bob", &["TeamB"]);
    let outsider = app.token("carol", &["TeamC"]);
    app.ok(&teammate, "{ listOrganizations { count } }", json!({})).await;
    for case in bad_inputs() {
        let world = World::build(&app, &owner, case.op).await;
        // createShareObject is TeamB's request in these rows, and TeamA administers the dataset.
        let (by_owner, owner_team) =
            if case.op == "createShareObject" { (&teammate, "TeamB") } else { (&owner, "TeamA") };
        let bad = app.gql(Some(by_owner), case.doc, (case.vars)(&world.ctx(owner_team))).await;
        assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{}: the input is bad: {bad}", case.op);
        // The rule in Sluice's words, without data.all's prefix, which every error shares.
        let rule = bad["errors"][0]["extensions"]["reason"].as_str().expect("reason").to_owned();

        let mut others = vec![("outsider", "carol", &outsider, "TeamC")];
        if !case.teammate_may {
            others.push(("teammate", "bob", &teammate, "TeamB"));
        }
        for (persona, username, token, team) in others {
            let before = denied_rows(&app, username).await;
            let body = app.gql(Some(token), case.doc, (case.vars)(&world.ctx(team))).await;
            assert_eq!(error_code(&body), Some("FORBIDDEN"), "{} as {persona}: {body}", case.op);
            let message = body["errors"][0]["message"].as_str().expect("message");
            let reason = body["errors"][0]["extensions"]["reason"].as_str().expect("reason");
            assert!(
                !message.contains(&rule) && !rule.contains(reason) && !reason.contains(&rule),
                "{} as {persona}: {message}",
                case.op
            );
            assert!(
                denied_rows(&app, username).await > before,
                "{} as {persona}: recorded as denied",
                case.op
            );
        }
    }
}

on_both_backends!(a_refusal_comes_before_any_input_rule);
