//! Row and column filters on tables, and filters attached to share items, in data.all's
//! operations: who makes them, what they check, when an item's filters may change, and what
//! the share's plan then grants.

use serde_json::{Value, json};

use crate::support::{Backend, TestApp, error_code, on_both_backends, two_teams::two_teams};

const CREATE: &str = "mutation($t: String!, $i: NewTableDataFilterInput!) { createTableDataFilter(tableUri: $t, input: $i) { filterUri tableUri label name filterType rowExpression includedCols } }";
const LIST: &str = "query($t: String!) { listTableDataFilters(tableUri: $t) { count nodes { filterUri label filterType } } }";
const UPDATE: &str = "mutation($i: ModifyFiltersTableShareItemInput!) { updateShareItemFilters(input: $i) }";
const ITEMS: &str = "query($s: String!) { getShareObject(shareUri: $s) { status items(filter: {isShared: true}) { nodes { shareItemUri attachedDataFilterUri } } plan { items { item dataFilters { name filterLabel rowExpression columns } grantsInSource { table dataFilter permissions } } } } }";

fn first_item(share: &Value) -> (String, Option<String>) {
    let node = &share["getShareObject"]["items"]["nodes"][0];
    (
        node["shareItemUri"].as_str().expect("item").to_owned(),
        node["attachedDataFilterUri"].as_str().map(str::to_owned),
    )
}

async fn filters_are_checked_attached_and_kept_while_in_use(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);

    // The dataset's admin team makes a row filter and a column filter.
    let row = app
        .ok(
            &alice,
            CREATE,
            json!({"t": world.table, "i": {"filterName": "eu", "filterType": "ROW", "rowExpression": "region = 'eu'", "description": "EU rows"}}),
        )
        .await;
    let eu = row["createTableDataFilter"]["filterUri"].as_str().expect("uri").to_owned();
    assert_eq!(row["createTableDataFilter"]["rowExpression"], "region = 'eu'");
    assert_eq!(row["createTableDataFilter"]["includedCols"], Value::Null);
    let cols = app
        .ok(
            &alice,
            CREATE,
            json!({"t": world.table, "i": {"filterName": "ids", "filterType": "COLUMN", "includedCols": ["id", "id"]}}),
        )
        .await;
    assert_eq!(cols["createTableDataFilter"]["includedCols"], json!(["id"]));

    // What the input rules refuse.
    let bad = |input: Value| json!({"t": world.table, "i": input});
    for (input, field) in [
        (json!({"filterName": "x", "filterType": "ROWS", "rowExpression": "a = 1"}), "filterType"),
        (json!({"filterName": "x", "filterType": "ROW"}), "rowExpression"),
        (json!({"filterName": "x", "filterType": "COLUMN", "includedCols": ["nope"]}), "includedCols"),
        (json!({"filterName": "x;y", "filterType": "ROW", "rowExpression": "a = 1"}), "filterName"),
    ] {
        let body = app.gql(Some(&alice), CREATE, bad(input.clone())).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{input}: {body}");
    }
    let twice = app
        .gql(
            Some(&alice),
            CREATE,
            bad(json!({"filterName": "eu", "filterType": "ROW", "rowExpression": "b = 2"})),
        )
        .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"), "{twice}");

    // TeamB sees the filters once it has asked for a share of the dataset.
    assert_eq!(error_code(&app.gql(Some(&bob), LIST, json!({"t": world.table})).await), Some("FORBIDDEN"));
    let created = app
        .ok(
            &bob,
            "mutation($d: String!, $t: String!, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: \"Table\", input: {environmentUri: $e, groupUri: \"TeamB\", principalId: \"TeamB\", principalType: \"Group\", permissions: [Read]}) { shareUri } }",
            json!({"d": world.dataset, "t": world.table, "e": world.env}),
        )
        .await;
    let share = created["createShareObject"]["shareUri"].as_str().expect("share").to_owned();
    let listed = app.ok(&bob, LIST, json!({"t": world.table})).await;
    assert_eq!(listed["listTableDataFilters"]["count"], 2);

    // TeamB attaches the row filter to its draft's item; the plan grants SELECT on it.
    let (item, attached) = first_item(&app.ok(&bob, ITEMS, json!({"s": share})).await);
    assert_eq!(attached, None);
    let foreign = app
        .gql(
            Some(&bob),
            UPDATE,
            json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": ["zzzzzzzz"]}}),
        )
        .await;
    assert_eq!(error_code(&foreign), Some("BAD_USER_INPUT"), "{foreign}");
    let ok = app
        .ok(
            &bob,
            UPDATE,
            json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": [eu], "filterNames": ["lies"]}}),
        )
        .await;
    assert_eq!(ok["updateShareItemFilters"], true);
    let read = app.ok(&bob, ITEMS, json!({"s": share})).await;
    let (_, attached) = first_item(&read);
    let attached = attached.expect("attached");
    let plan = &read["getShareObject"]["plan"]["items"][0];
    let name = format!("sluice_{item}_{eu}");
    assert_eq!(
        plan["dataFilters"],
        json!([{"name": name, "filterLabel": "eu", "rowExpression": "region = 'eu'", "columns": null}])
    );
    assert_eq!(
        plan["grantsInSource"],
        json!([
            {"table": null, "dataFilter": null, "permissions": ["DESCRIBE"]},
            {"table": "orders", "dataFilter": null, "permissions": ["DESCRIBE"]},
            {"table": "orders", "dataFilter": name, "permissions": ["SELECT"]},
        ])
    );
    let got = app
        .ok(
            &alice,
            "query($a: String!) { getShareItemDataFilters(attachedDataFilterUri: $a) { label dataFilterUris dataFilterNames itemUri } }",
            json!({"a": attached}),
        )
        .await;
    // The names are the filters' own, whatever the client sent.
    assert_eq!(
        got["getShareItemDataFilters"],
        json!({"label": "EU", "dataFilterUris": [eu], "dataFilterNames": ["eu"], "itemUri": world.table})
    );
    let by_attached = app
        .ok(
            &bob,
            "query($a: String) { listTableDataFiltersByAttached(attachedDataFilterUri: $a) { count nodes { filterUri } } }",
            json!({"a": attached}),
        )
        .await;
    assert_eq!(by_attached["listTableDataFiltersByAttached"]["nodes"], json!([{"filterUri": eu}]));

    // A filter in use is not deleted, and the refusal names the share.
    let refused = app
        .gql(Some(&alice), "mutation($f: String!) { deleteTableDataFilter(filterUri: $f) }", json!({"f": eu}))
        .await;
    assert_eq!(error_code(&refused), Some("INVALID_STATE"), "{refused}");
    assert!(refused["errors"][0]["message"].as_str().is_some_and(|m| m.contains(&share)), "{refused}");

    // Submitted: the requesters' hands are off, the approvers may still change the filters.
    app.ok(&bob, "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }", json!({"s": share}))
        .await;
    let late = app
        .gql(Some(&bob), UPDATE, json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": [eu]}}))
        .await;
    assert_eq!(error_code(&late), Some("INVALID_STATE"), "{late}");
    let remove = "mutation($a: String!) { removeShareItemFilter(attachedDataFilterUri: $a) }";
    let late = app.gql(Some(&bob), remove, json!({"a": attached})).await;
    assert_eq!(error_code(&late), Some("INVALID_STATE"), "{late}");

    // Shared: nobody changes them until the item is revoked.
    crate::support::two_teams::mark_shared(&app, &share).await;
    let shared = app.gql(Some(&alice), remove, json!({"a": attached})).await;
    assert_eq!(error_code(&shared), Some("INVALID_STATE"), "{shared}");
    set_item_status(&app, &item, "Revoke_Succeeded").await;
    assert_eq!(app.ok(&alice, remove, json!({"a": attached})).await["removeShareItemFilter"], true);
    let read = app.ok(&bob, ITEMS, json!({"s": share})).await;
    assert_eq!(first_item(&read).1, None);
    assert_eq!(read["getShareObject"]["plan"]["items"], json!([]), "a revoked item is not in the plan");
    let gone = app
        .gql(
            Some(&alice),
            "query($a: String!) { getShareItemDataFilters(attachedDataFilterUri: $a) { label } }",
            json!({"a": attached}),
        )
        .await;
    assert_eq!(error_code(&gone), Some("FORBIDDEN"), "{gone}");
    let deleted = app
        .ok(&alice, "mutation($f: String!) { deleteTableDataFilter(filterUri: $f) }", json!({"f": eu}))
        .await;
    assert_eq!(deleted["deleteTableDataFilter"], true);
    assert_eq!(app.ok(&alice, LIST, json!({"t": world.table})).await["listTableDataFilters"]["count"], 1);
}

on_both_backends!(filters_are_checked_attached_and_kept_while_in_use);

async fn removing_an_item_or_its_share_frees_its_filters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let made = app
        .ok(&alice, CREATE, json!({"t": world.table, "i": {"filterName": "eu", "filterType": "ROW", "rowExpression": "region = 'eu'"}}))
        .await;
    let eu = made["createTableDataFilter"]["filterUri"].as_str().expect("uri").to_owned();
    let request = "mutation($d: String!, $t: String!, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: \"Table\", input: {environmentUri: $e, groupUri: \"TeamB\", principalId: \"TeamB\", principalType: \"Group\", permissions: [Read]}) { shareUri } }";
    let vars = json!({"d": world.dataset, "t": world.table, "e": world.env});
    let share = app.ok(&bob, request, vars.clone()).await["createShareObject"]["shareUri"]
        .as_str()
        .expect("s")
        .to_owned();
    let (item, _) = first_item(&app.ok(&bob, ITEMS, json!({"s": share})).await);
    app.ok(&bob, UPDATE, json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": [eu]}})).await;
    let delete = "mutation($f: String!) { deleteTableDataFilter(filterUri: $f) }";
    assert_eq!(error_code(&app.gql(Some(&alice), delete, json!({"f": eu})).await), Some("INVALID_STATE"));

    // The item leaves the share: its filters go with it.
    app.ok(&bob, "mutation($i: String!) { removeSharedItem(shareItemUri: $i) }", json!({"i": item})).await;
    app.ok(
        &bob,
        "mutation($s: String!, $t: String!) { addSharedItem(shareUri: $s, input: {itemUri: $t, itemType: Table}) { shareItemUri } }",
        json!({"s": share, "t": world.table}),
    )
    .await;
    let (item, attached) = first_item(&app.ok(&bob, ITEMS, json!({"s": share})).await);
    assert_eq!(attached, None, "a new item starts whole");
    app.ok(&bob, UPDATE, json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": [eu]}})).await;

    // The share is deleted: so are its items' filters, and the filter may go.
    app.ok(&bob, "mutation($s: String!) { deleteShareObject(shareUri: $s) }", json!({"s": share})).await;
    assert_eq!(app.ok(&alice, delete, json!({"f": eu})).await["deleteTableDataFilter"], true);
}

on_both_backends!(removing_an_item_or_its_share_frees_its_filters);

async fn set_item_status(app: &TestApp, item: &str, status: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use sluice_entities::share_item as si;
    si::Entity::update_many()
        .col_expr(si::Column::Status, Expr::value(status))
        .filter(si::Column::ShareItemUri.eq(item))
        .exec(&app.db)
        .await
        .expect("status");
}

/// The filter rows of `table`, read from the database: a deleted table's are gone with it.
async fn filters_of_table(app: &TestApp, table: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    use sluice_entities::table_data_filter as tdf;
    tdf::Entity::find().filter(tdf::Column::TableUri.eq(table)).count(&app.db).await.expect("count")
}

async fn deleting_a_table_deletes_its_filters_unless_an_item_uses_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let mut filters = vec![];
    for (name, input) in [
        ("eu", json!({"filterName": "eu", "filterType": "ROW", "rowExpression": "region = 'eu'"})),
        ("ids", json!({"filterName": "ids", "filterType": "COLUMN", "includedCols": ["id"]})),
    ] {
        let made = app.ok(&alice, CREATE, json!({"t": world.table, "i": input})).await;
        filters.push(made["createTableDataFilter"]["filterUri"].as_str().expect(name).to_owned());
    }
    // TeamB's draft asks for the table through the row filter: the draft holds no grant, so
    // only the filter in use stands in the way.
    let request = "mutation($d: String!, $t: String!, $e: String!) { createShareObject(datasetUri: $d, itemUri: $t, itemType: \"Table\", input: {environmentUri: $e, groupUri: \"TeamB\", principalId: \"TeamB\", principalType: \"Group\", permissions: [Read]}) { shareUri } }";
    let vars = json!({"d": world.dataset, "t": world.table, "e": world.env});
    let share =
        app.ok(&bob, request, vars).await["createShareObject"]["shareUri"].as_str().expect("s").to_owned();
    let (item, _) = first_item(&app.ok(&bob, ITEMS, json!({"s": share})).await);
    app.ok(&bob, UPDATE, json!({"i": {"shareItemUri": item, "label": "EU", "filterUris": [filters[0]]}}))
        .await;

    let delete = "mutation($t: String!) { deleteDatasetTable(tableUri: $t) }";
    let refused = app.gql(Some(&alice), delete, json!({"t": world.table})).await;
    assert_eq!(error_code(&refused), Some("INVALID_STATE"), "{refused}");
    let reason = refused["errors"][0]["extensions"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("orders") && reason.contains(&share), "{refused}");
    assert_eq!(filters_of_table(&app, &world.table).await, 2, "a refused deletion keeps every filter");

    let (_, attached) = first_item(&app.ok(&bob, ITEMS, json!({"s": share})).await);
    let remove = "mutation($a: String!) { removeShareItemFilter(attachedDataFilterUri: $a) }";
    app.ok(&bob, remove, json!({"a": attached.expect("attached")})).await;
    assert_eq!(app.ok(&alice, delete, json!({"t": world.table})).await["deleteDatasetTable"], true);
    assert_eq!(filters_of_table(&app, &world.table).await, 0, "the table's filters went with it");
}

on_both_backends!(deleting_a_table_deletes_its_filters_unless_an_item_uses_one);

async fn deleting_a_dataset_deletes_its_tables_filters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let input = json!({"filterName": "eu", "filterType": "ROW", "rowExpression": "region = 'eu'"});
    app.ok(&alice, CREATE, json!({"t": world.table, "i": input})).await;
    let delete = "mutation($d: String!) { deleteDataset(datasetUri: $d) }";
    assert_eq!(app.ok(&alice, delete, json!({"d": world.dataset})).await["deleteDataset"], true);
    assert_eq!(filters_of_table(&app, &world.table).await, 0, "no filter outlives its dataset");
}

on_both_backends!(deleting_a_dataset_deletes_its_tables_filters);
