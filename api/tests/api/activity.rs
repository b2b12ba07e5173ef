//! `listActivity`: who sees which rows of the audit trail, its filters and its paging.

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::{Value, json};
use sluice_core::{
    audit::Scope,
    testkit::activity::{Rows, fill},
};

use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const LIST: &str = "query($f: ActivityFilter) { listActivity(filter: $f) {
    count page pages pageSize hasNext hasPrevious
    nodes { activityUri created actor actorKind actorIssuer actorPrincipal action targetType targetUri outcome summary reason } } }";

async fn list(app: &TestApp, token: &str, filter: Value) -> Value {
    app.ok(token, LIST, json!({"f": filter})).await["listActivity"].clone()
}

/// `(action, outcome, targetUri)` of every row `token` sees, newest first.
async fn seen(app: &TestApp, token: &str) -> Vec<(String, String, String)> {
    let page = list(app, token, json!({"pageSize": 100})).await;
    assert!(page["count"].as_i64().expect("count") <= 100, "more than one page: {page}");
    page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let text = |f: &str| n[f].as_str().expect(f).to_owned();
            (text("action"), text("outcome"), text("targetUri"))
        })
        .collect()
}

fn has(rows: &[(String, String, String)], action: &str, outcome: &str, target: &str) -> bool {
    rows.iter().any(|(a, o, t)| a == action && o == outcome && t == target)
}

async fn each_team_sees_the_activity_of_what_it_may_read_and_nothing_else(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    let dave = app.token("dave", &["DAAdministrators"]);
    let TwoTeams { org, env, dataset, table } = two_teams(&app).await;
    // TeamB is a second team of the same organization (two_teams invites it), and of the
    // environment.
    let arn = "arn:aws:iam::111122223333:role/etl/loader";
    app.ok(
        &alice,
        "mutation($i: AddConsumptionPrincipalToEnvironmentInput!) { addConsumptionPrincipalToEnvironment(input: $i) { consumptionPrincipalUri } }",
        json!({"i": {"consumptionPrincipalName": "etl", "groupUri": "TeamA", "IAMPrincipalArn": arn, "environmentUri": env, "dataallManaged": "EXTERNALLY_MANAGED"}}),
    )
    .await;
    let update = "mutation($d: String!) { updateDataset(datasetUri: $d, input: {description: \"orders\"}) { datasetUri } }";
    app.ok(&alice, update, json!({"d": dataset})).await;
    // An outsider and the other team try the dataset, and are refused.
    let refused = app.gql(Some(&carol), update, json!({"d": dataset})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let refused = app
        .gql(Some(&bob), "mutation($d: String!) { deleteDataset(datasetUri: $d) }", json!({"d": dataset}))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let share = app
        .ok(
            &bob,
            r#"mutation($d: String!, $t: String, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: "Table",
            input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#,
            json!({"d": dataset, "t": table, "e": env}),
        )
        .await["createShareObject"]["shareUri"]
        .as_str()
        .expect("share")
        .to_owned();
    // What only platform admins may read: groups' tenant permissions.
    app.ok(
        &dave,
        "mutation { updateGroupTenantPermissions(input: {groupUri: \"TeamZ\", permissions: []}) }",
        json!({}),
    )
    .await;

    let a = seen(&app, &alice).await;
    assert!(has(&a, "updateDataset", "success", &dataset), "{a:?}");
    assert!(has(&a, "updateDataset", "denied", &dataset), "TeamA sees the outsider's attempt: {a:?}");
    assert!(has(&a, "deleteDataset", "denied", &dataset), "{a:?}");
    assert!(has(&a, "syncTables", "success", &dataset), "the platform's own task on it: {a:?}");
    assert!(has(&a, "addConsumptionPrincipalToEnvironment", "success", &env), "{a:?}");
    assert!(has(&a, "createShareObject", "success", &share), "as the dataset's approver: {a:?}");
    assert!(has(&a, "inviteGroupToOrganization", "success", &org), "{a:?}");
    assert!(!a.iter().any(|(action, ..)| action == "updateGroupTenantPermissions"), "{a:?}");

    let b = seen(&app, &bob).await;
    assert!(has(&b, "createShareObject", "success", &share), "{b:?}");
    assert!(has(&b, "inviteGroupOnEnvironment", "success", &env), "{b:?}");
    assert!(has(&b, "inviteGroupToOrganization", "success", &org), "{b:?}");
    assert!(
        !b.iter().any(|(.., target)| target == &dataset || target == &table),
        "only TeamA's dataset: {b:?}"
    );
    assert!(
        !b.iter().any(|(action, ..)| action == "addConsumptionPrincipalToEnvironment"),
        "TeamB may not list the environment's consumption roles, so it reads no row naming them: {b:?}"
    );
    let page = list(&app, &bob, json!({"pageSize": 100})).await;
    assert!(!page.to_string().contains(arn), "{page}");

    let c = list(&app, &carol, json!({})).await;
    assert_eq!(
        (c["count"].as_i64(), c["nodes"].clone()),
        (Some(0), json!([])),
        "not even its own refusal: {c}"
    );

    let d = seen(&app, &dave).await;
    assert!(has(&d, "updateDataset", "denied", &dataset), "{d:?}");
    assert!(has(&d, "updateGroupTenantPermissions", "success", "TeamZ"), "{d:?}");
    assert_eq!(d.len() as i64, list(&app, &dave, json!({})).await["count"].as_i64().expect("count"));
}

async fn a_refusal_says_who_was_refused_and_why(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let TwoTeams { dataset, .. } = two_teams(&app).await;
    let update =
        "mutation($d: String!) { updateDataset(datasetUri: $d, input: {description: \"x\"}) { datasetUri } }";
    app.gql(Some(&carol), update, json!({"d": dataset})).await;
    let page = list(&app, &alice, json!({"targetUri": dataset, "outcome": "denied"})).await;
    assert_eq!(page["count"], 1, "{page}");
    let row = &page["nodes"][0];
    assert_eq!(
        (&row["actor"], &row["actorKind"], &row["actorIssuer"], &row["action"], &row["targetType"]),
        (&json!("carol"), &json!("user"), &json!(app.base_url), &json!("updateDataset"), &json!("dataset"))
    );
    assert_eq!(row["actorPrincipal"], Value::Null);
    let reason = row["reason"].as_str().expect("a refusal has a reason");
    assert!(reason.contains(&format!("UPDATE_DATASET on dataset {dataset} is not granted")), "{reason}");
    assert_eq!(row["summary"], row["reason"]);
    let success = list(&app, &alice, json!({"targetUri": dataset, "action": "syncTables"})).await;
    let sync = &success["nodes"][0];
    assert_eq!(
        (&sync["actorKind"], &sync["actor"], &sync["reason"]),
        (&json!("system"), &json!("system:test"), &Value::Null)
    );
}

async fn rows_outlive_the_tables_folders_and_items_they_name_but_not_the_dataset(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let dave = app.token("dave", &["DAAdministrators"]);
    let TwoTeams { dataset, table, .. } = two_teams(&app).await;
    let folder = app
        .ok(
            &alice,
            "mutation($d: String!) { createDatasetStorageLocation(datasetUri: $d, input: {label: \"Raw\", prefix: \"raw\"}) { locationUri } }",
            json!({"d": dataset}),
        )
        .await["createDatasetStorageLocation"]["locationUri"]
        .as_str()
        .expect("folder")
        .to_owned();
    app.ok(
        &alice,
        "mutation($l: String!) { deleteDatasetStorageLocation(locationUri: $l) }",
        json!({"l": folder}),
    )
    .await;
    app.ok(&alice, "mutation($t: String!) { deleteDatasetTable(tableUri: $t) }", json!({"t": table})).await;
    let a = seen(&app, &alice).await;
    assert!(has(&a, "createDatasetStorageLocation", "success", &folder), "{a:?}");
    assert!(has(&a, "deleteDatasetStorageLocation", "success", &folder), "who deleted the folder: {a:?}");
    assert!(has(&a, "deleteDatasetTable", "success", &table), "{a:?}");

    // Once the dataset is gone, no team holds anything on it: its rows are the admins'.
    app.ok(&alice, "mutation($d: String!) { deleteDataset(datasetUri: $d) }", json!({"d": dataset})).await;
    let a = seen(&app, &alice).await;
    assert!(!a.iter().any(|(.., t)| t == &dataset || t == &folder || t == &table), "{a:?}");
    let d = seen(&app, &dave).await;
    assert!(has(&d, "deleteDataset", "success", &dataset), "{d:?}");
    assert!(has(&d, "deleteDatasetStorageLocation", "success", &folder), "{d:?}");
}

async fn filters_narrow_and_pages_run_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let TwoTeams { dataset, .. } = two_teams(&app).await;
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("time");
    let minute = TimeDelta::minutes(1);
    let scope = Some(Scope::dataset(&dataset));
    let updates = fill(
        &app.db,
        &Rows::of("updateDataset", "erin", (&dataset, "dataset"), scope.clone()),
        25,
        start,
        minute,
    )
    .await;
    let mut denied = Rows::of("deleteDataset", "frank", (&dataset, "dataset"), scope.clone());
    denied.outcome = "denied".into();
    fill(&app.db, &denied, 3, start + TimeDelta::hours(1), minute).await;
    // Another team's rows, which alice never sees whatever she asks.
    fill(
        &app.db,
        &Rows::of("updateDataset", "erin", ("elsewhere", "dataset"), Some(Scope::dataset("elsewhere"))),
        5,
        start,
        minute,
    )
    .await;

    let by_actor = json!({"actor": "erin", "pageSize": 10});
    let first = list(&app, &alice, by_actor.clone()).await;
    assert_eq!(
        (
            &first["count"],
            &first["page"],
            &first["pages"],
            &first["pageSize"],
            &first["hasNext"],
            &first["hasPrevious"]
        ),
        (&json!(25), &json!(1), &json!(3), &json!(10), &json!(true), &json!(false))
    );
    let uris = |page: &Value| -> Vec<String> {
        page["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["activityUri"].as_str().expect("uri").to_owned())
            .collect()
    };
    // Newest first: the last row written leads.
    assert_eq!(uris(&first)[0], updates[24]);
    let last = list(&app, &alice, json!({"actor": "erin", "pageSize": 10, "page": 3})).await;
    assert_eq!((&last["hasNext"], &last["hasPrevious"]), (&json!(false), &json!(true)));
    assert_eq!(uris(&last), updates[..5].iter().rev().cloned().collect::<Vec<_>>());
    let past_the_end = list(&app, &alice, json!({"actor": "erin", "page": 9})).await;
    assert_eq!((&past_the_end["count"], &past_the_end["nodes"]), (&json!(25), &json!([])));

    let count = |filter: Value| {
        let app = &app;
        let alice = &alice;
        async move { list(app, alice, filter).await["count"].as_i64().expect("count") }
    };
    assert_eq!(count(json!({"outcome": "DENIED", "targetUri": dataset})).await, 3);
    assert_eq!(count(json!({"action": "deleteDataset"})).await, 3);
    assert_eq!(count(json!({"targetType": "dataset", "actor": "frank"})).await, 3);
    assert_eq!(count(json!({"targetUri": "elsewhere"})).await, 0);
    // From is included, to is not: minutes 10 to 19 of the updates.
    let range = json!({"actor": "erin", "from": "2026-01-01T00:10:00Z", "to": "2026-01-01T00:20:00+00:00"});
    assert_eq!(count(range).await, 10);
    assert_eq!(count(json!({"actor": "erin", "from": "2026-01-02"})).await, 0);
    assert_eq!(count(json!({"actor": "erin", "to": "2026-01-01"})).await, 0);
    // Page sizes are bounded like every list's.
    let capped = list(&app, &alice, json!({"pageSize": 5000})).await;
    assert_eq!(capped["pageSize"], 100);

    for (filter, field) in [
        (json!({"outcome": "refused"}), "outcome"),
        (json!({"from": "last week"}), "from"),
        (json!({"from": "2026-01-02", "to": "2026-01-01"}), "to"),
        (json!({"pageSize": 0}), "pageSize"),
    ] {
        let body = app.gql(Some(&alice), LIST, json!({"f": filter})).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{filter}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{filter}: {body}");
    }
}

/// Every row's `(action, target, scope)`, by URI.
async fn scopes(
    app: &TestApp,
) -> std::collections::BTreeMap<String, (String, String, Option<String>, Option<String>)> {
    use sea_orm::EntityTrait;
    sluice_entities::activity::Entity::find()
        .all(&app.db)
        .await
        .expect("activity")
        .into_iter()
        .map(|r| (r.activity_uri, (r.action, r.target_uri, r.scope_type, r.scope_uri)))
        .collect()
}

async fn an_upgrade_gives_earlier_rows_the_scopes_core_writes_now(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let dave = app.token("dave", &["DAAdministrators"]);
    let TwoTeams { org, env, dataset, table } = two_teams(&app).await;
    let run = |token: &str, doc: &str, vars: Value| {
        let (app, token, doc) = (&app, token.to_owned(), doc.to_owned());
        async move { app.ok(&token, &doc, vars).await }
    };
    // A row of every kind of target: the organization, the environment and its consumption
    // roles, the dataset, its table, column and folder, a share and its item, a glossary, its
    // category and term and a term's link, a stack and a task.
    // The organization's row: two_teams invited TeamB to it.
    run(
        &alice,
        "mutation($i: AddConsumptionPrincipalToEnvironmentInput!) { addConsumptionPrincipalToEnvironment(input: $i) { consumptionPrincipalUri } }",
        json!({"i": {"consumptionPrincipalName": "etl", "groupUri": "TeamA", "IAMPrincipalArn": "arn:aws:iam::111122223333:role/etl", "environmentUri": env, "dataallManaged": "EXTERNALLY_MANAGED"}}),
    )
    .await;
    let folder = run(&alice, "mutation($d: String!) { createDatasetStorageLocation(datasetUri: $d, input: {label: \"Raw\", prefix: \"raw\"}) { locationUri } }", json!({"d": dataset}))
        .await["createDatasetStorageLocation"]["locationUri"]
        .as_str()
        .expect("folder")
        .to_owned();
    run(&alice, "mutation($l: String) { updateDatasetStorageLocation(locationUri: $l, input: {description: \"d\"}) { locationUri } }", json!({"l": folder})).await;
    let page = sluice_core::page::PageRequest::new(Some(1), Some(1)).expect("page");
    let columns = app
        .core
        .datasets()
        .list_columns(&sluice_core::testkit::user("alice", &["TeamA"]), &table, None, page)
        .await
        .expect("columns");
    run(&alice, "mutation($c: String) { updateDatasetTableColumn(columnUri: $c, input: {description: \"d\"}) { columnUri } }", json!({"c": columns.nodes[0].column_uri})).await;
    let glossary = run(&bob, "mutation { createGlossary(input: {label: \"Sales terms\", readme: \"\", admin: \"TeamB\"}) { nodeUri } }", json!({}))
        .await["createGlossary"]["nodeUri"]
        .as_str()
        .expect("glossary")
        .to_owned();
    let category = run(&bob, "mutation($g: String!) { createCategory(parentUri: $g, input: {label: \"Sales\", readme: \"\"}) { nodeUri } }", json!({"g": glossary}))
        .await["createCategory"]["nodeUri"]
        .as_str()
        .expect("category")
        .to_owned();
    let term = run(&bob, "mutation($c: String!) { createTerm(parentUri: $c, input: {label: \"Churn\", readme: \"\"}) { nodeUri } }", json!({"c": category}))
        .await["createTerm"]["nodeUri"]
        .as_str()
        .expect("term")
        .to_owned();
    run(&alice, "mutation($t: String, $k: [String]) { updateDatasetTable(tableUri: $t, input: {terms: $k}) { tableUri } }", json!({"t": table, "k": [term]})).await;
    let links = app.core.glossaries().links_of(std::slice::from_ref(&table)).await.expect("links");
    run(
        &bob,
        "mutation($l: String!) { approveTermAssociation(linkUri: $l) }",
        json!({"l": links[&table][0].link_uri}),
    )
    .await;
    let share = run(
        &bob,
        r#"mutation($d: String!, $t: String, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: "Table",
        input: {environmentUri: $e, groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#,
        json!({"d": dataset, "t": table, "e": env}),
    )
    .await["createShareObject"]["shareUri"]
    .as_str()
    .expect("share")
    .to_owned();
    run(&bob, "mutation($s: String!, $f: String!) { addSharedItem(shareUri: $s, input: {itemUri: $f, itemType: StorageLocation}) { shareItemUri } }", json!({"s": share, "f": folder})).await;
    let stack = app
        .core
        .environments()
        .stack(&sluice_core::testkit::user("alice", &["TeamA"]), &env)
        .await
        .expect("stack");
    let deployed = sluice_core::environments::stacks::DeployRecord {
        status: "CREATE_COMPLETE".into(),
        ..Default::default()
    };
    app.core.system("test").record_deploy(&stack.stack_uri, deployed).await.expect("deployed");
    let new = sluice_core::tasks::NewTask {
        action: "test.noop".into(),
        target_uri: org.clone(),
        target_type: "organization".into(),
        payload: json!({}),
    };
    let task = sluice_core::testkit::outbox::failed(&app.core, new, "boom").await.task_uri;
    run(&dave, "mutation($t: String!) { retryTask(taskUri: $t) { status } }", json!({"t": task})).await;

    let written = scopes(&app).await;
    let kinds: std::collections::BTreeSet<&str> =
        written.values().filter_map(|(.., kind, _)| kind.as_deref()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["dataset", "environment", "environment.consumption", "glossary", "organization", "share_object"],
        "{written:#?}"
    );
    // The release before wrote no scope: the upgrade finds each from what exists.
    sluice_core::testkit::db::rerun_migration(&app.db, "m20261208_000022_activity_trail").await;
    let backfilled = scopes(&app).await;
    for (uri, row) in &written {
        assert_eq!(backfilled.get(uri), Some(row), "row {uri}");
    }
    assert_eq!(backfilled.len(), written.len());
}

on_both_backends!(
    an_upgrade_gives_earlier_rows_the_scopes_core_writes_now,
    each_team_sees_the_activity_of_what_it_may_read_and_nothing_else,
    a_refusal_says_who_was_refused_and_why,
    rows_outlive_the_tables_folders_and_items_they_name_but_not_the_dataset,
    filters_narrow_and_pages_run_newest_first,
);
