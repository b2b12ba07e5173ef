//! Links of terms to data: made by the item's team, approved by the glossary's, and only
//! approved ones make an item findable by the term.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use sluice_core::{glossaries::REINDEX_TERM_ACTION, tasks::TaskStatus, testkit::outbox};

use super::{category, glossary, term};
use crate::support::{
    Backend, TestApp, error_code, on_both_backends,
    two_teams::{TwoTeams, two_teams},
};

const LINK_TABLE: &str = "mutation($u: String, $t: [String]) { updateDatasetTable(tableUri: $u, input: {terms: $t}) { tableUri } }";
const LINK_DATASET: &str = "mutation($u: String!, $t: [String]) { updateDataset(datasetUri: $u, input: {terms: $t}) { datasetUri } }";
const LINK_COLUMN: &str = "mutation($u: String, $t: [String]) { updateDatasetTableColumn(columnUri: $u, input: {terms: $t}) { columnUri description terms { count nodes { approvedByOwner term { label } } } } }";
const TABLE_TERMS: &str = "query($u: String!) { getDatasetTable(tableUri: $u) { terms { count nodes { nodeUri label } } termLinks { nodes { linkUri approvedByOwner approvedBySteward owner targetType term { label } target { label } } } columns { nodes { columnUri description } } } }";
const ASSOCIATIONS: &str = "query($u: String!) { getGlossary(nodeUri: $u) { stats { associations } associations { count nodes { linkUri approvedByOwner targetUri targetType target { label } term { label } } } } }";
const APPROVE: &str = "mutation($l: String!) { approveTermAssociation(linkUri: $l) }";
const DISMISS: &str = "mutation($l: String!) { dismissTermAssociation(linkUri: $l) }";
const SEARCH: &str = r#"query($i: SearchCatalogInput) { searchCatalog(input: $i) { count nodes { kind uri label upvotes } facets { terms { value count } } } }"#;

async fn search(app: &TestApp, token: &str, input: Value) -> Value {
    app.ok(token, SEARCH, json!({"i": input})).await["searchCatalog"].clone()
}

fn found(results: &Value) -> Vec<String> {
    results["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["uri"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Runs the pending `glossary.reindex-term` pages as the worker would, then the index tasks.
async fn run_reindex(app: &TestApp) {
    use sluice_entities::task;
    loop {
        let pending = task::Entity::find()
            .filter(task::Column::Action.eq(REINDEX_TERM_ACTION))
            .filter(task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .order_by_asc(task::Column::Created)
            .all(&app.db)
            .await
            .expect("tasks");
        if pending.is_empty() {
            break;
        }
        let system = app.core.system("glossary.reindex-term");
        for t in pending {
            outbox::mark_dispatched(&app.core, vec![t.task_uri.clone()]).await;
            system.start_task(&t.task_uri).await.expect("start");
            let payload: Value = serde_json::from_str(&t.payload).expect("payload");
            let page = system.reindex_term_page(&t.target_uri, &payload).await.expect("page");
            system.task_succeeded(&t.task_uri, &json!(page)).await.expect("succeed");
        }
    }
    app.run_index_tasks().await;
}

async fn a_link_counts_in_the_catalog_once_the_glossary_team_approves_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { dataset, table, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let bob = app.token("bob", &["TeamB"]);
    let carol = app.token("carol", &["TeamC"]);
    // TeamB owns the vocabulary; TeamA owns the data.
    let g = glossary(&app, &bob, "Business terms", "TeamB").await;
    let customers = category(&app, &bob, &g, "Customers").await;
    let churn = term(&app, &bob, &customers, "Customer churn", "Customers who stopped buying").await;
    let revenue = term(&app, &bob, &g, "Revenue", "").await;

    // Only the item's team links; bob owns the term, not the table.
    let refused = app.gql(Some(&bob), LINK_TABLE, json!({"u": table, "t": [churn]})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let not_a_term = app.gql(Some(&alice), LINK_TABLE, json!({"u": table, "t": [customers]})).await;
    assert_eq!(error_code(&not_a_term), Some("BAD_USER_INPUT"), "a category is not linked: {not_a_term}");
    let unknown = app.gql(Some(&alice), LINK_TABLE, json!({"u": table, "t": ["nosuchterm"]})).await;
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "terms", "{unknown}");

    app.ok(&alice, LINK_TABLE, json!({"u": table, "t": [churn, revenue]})).await;
    let read = app.ok(&carol, TABLE_TERMS, json!({"u": table})).await["getDatasetTable"].clone();
    assert_eq!(read["terms"]["count"], 2, "linked terms show, pending or not: {read}");
    let links = read["termLinks"]["nodes"].as_array().expect("links").clone();
    assert!(
        links.iter().all(|l| l["approvedByOwner"] == false && l["approvedBySteward"] == true),
        "{links:?}"
    );
    assert!(links.iter().all(|l| l["owner"] == "alice" && l["targetType"] == "DatasetTable"), "{links:?}");
    assert_eq!(links[0]["target"]["label"], "orders");
    app.run_index_tasks().await;
    assert_eq!(
        search(&app, &carol, json!({"term": "customer churn"})).await["count"],
        0,
        "pending links don't count"
    );

    // bob's team decides: churn approved, revenue dismissed.
    let pending = app.ok(&bob, ASSOCIATIONS, json!({"u": g})).await["getGlossary"].clone();
    assert_eq!(pending["stats"]["associations"], 2);
    let link_of = |label: &str| {
        pending["associations"]["nodes"]
            .as_array()
            .expect("links")
            .iter()
            .find(|l| l["term"]["label"] == label)
            .and_then(|l| l["linkUri"].as_str())
            .expect(label)
            .to_owned()
    };
    let (churn_link, revenue_link) = (link_of("Customer churn"), link_of("Revenue"));
    for token in [&alice, &carol] {
        let refused = app.gql(Some(token), APPROVE, json!({"l": churn_link})).await;
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "only the glossary's team approves: {refused}");
    }
    assert_eq!(app.ok(&bob, APPROVE, json!({"l": churn_link})).await["approveTermAssociation"], true);
    assert_eq!(app.ok(&bob, APPROVE, json!({"l": churn_link})).await["approveTermAssociation"], false);
    assert_eq!(app.ok(&bob, DISMISS, json!({"l": revenue_link})).await["dismissTermAssociation"], true);
    app.run_index_tasks().await;

    let hits = search(&app, &carol, json!({"term": "customer churn"})).await;
    assert_eq!(found(&hits), vec![table.clone()], "the table is found by its approved term: {hits}");
    assert!(
        found(&search(&app, &carol, json!({"term": "revenue"})).await).is_empty(),
        "not by a dismissed one"
    );
    let faceted = search(&app, &carol, json!({"filters": {"terms": ["Customer churn"]}})).await;
    assert_eq!(found(&faceted), vec![table.clone()], "{faceted}");
    assert_eq!(faceted["facets"]["terms"], json!([{"value": "Customer churn", "count": 1}]));
    let after = app.ok(&carol, TABLE_TERMS, json!({"u": table})).await["getDatasetTable"]["terms"].clone();
    assert_eq!(after["count"], 1, "the dismissed link is gone: {after}");

    // A rename reaches the index through the outbox.
    let rename = "mutation($u: String!) { updateTerm(nodeUri: $u, input: {label: \"Attrition\"}) { label } }";
    app.ok(&bob, rename, json!({"u": churn})).await;
    run_reindex(&app).await;
    assert_eq!(found(&search(&app, &carol, json!({"term": "attrition"})).await), vec![table.clone()]);
    assert!(found(&search(&app, &carol, json!({"term": "customer churn"})).await).is_empty());

    // A linked term is not deleted by mistake; with cascade its links go and the index follows.
    let delete = "mutation($u: String!, $c: Boolean) { deleteTerm(nodeUri: $u, cascade: $c) }";
    let held = app.gql(Some(&bob), delete, json!({"u": churn})).await;
    assert_eq!(error_code(&held), Some("INVALID_STATE"), "{held}");
    assert!(held["errors"][0]["message"].as_str().unwrap_or_default().contains("1 link to data"), "{held}");
    assert_eq!(app.ok(&bob, delete, json!({"u": churn, "c": true})).await["deleteTerm"], 1);
    app.run_index_tasks().await;
    assert!(found(&search(&app, &carol, json!({"term": "attrition"})).await).is_empty());
    let _ = dataset;
}

async fn the_glossary_team_links_without_waiting_and_columns_count_for_their_table(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { dataset, table, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let g = glossary(&app, &alice, "Ours", "TeamA").await;
    let key = term(&app, &alice, &g, "Order key", "").await;
    let region = term(&app, &alice, &g, "Sales region", "").await;

    app.ok(&alice, LINK_DATASET, json!({"u": dataset, "t": [region]})).await;
    let column =
        app.ok(&alice, TABLE_TERMS, json!({"u": table})).await["getDatasetTable"]["columns"]["nodes"][0]
            .clone();
    let column_uri = column["columnUri"].as_str().expect("column").to_owned();
    let linked =
        app.ok(&alice, LINK_COLUMN, json!({"u": column_uri, "t": [key]})).await["updateDatasetTableColumn"]
            .clone();
    assert_eq!(
        linked["terms"]["nodes"][0]["approvedByOwner"], true,
        "alice's team owns the glossary: {linked}"
    );
    assert_eq!(linked["description"], column["description"], "a terms-only change keeps the description");
    app.run_index_tasks().await;
    assert_eq!(found(&search(&app, &carol, json!({"term": "order key"})).await), vec![table.clone()]);
    let regional = found(&search(&app, &carol, json!({"term": "sales region"})).await);
    assert_eq!(regional, vec![dataset.clone()], "the dataset's own term: {regional:?}");

    // An empty list unlinks; the table is found by the term no more.
    app.ok(&alice, LINK_COLUMN, json!({"u": column_uri, "t": []})).await;
    app.run_index_tasks().await;
    assert!(found(&search(&app, &carol, json!({"term": "order key"})).await).is_empty());

    // The dataset's deletion takes its links with it.
    app.ok(&alice, "mutation($u: String!) { deleteDataset(datasetUri: $u) }", json!({"u": dataset})).await;
    let stats = app.ok(&alice, ASSOCIATIONS, json!({"u": g})).await["getGlossary"]["stats"].clone();
    assert_eq!(stats["associations"], 0, "{stats}");
}

async fn the_catalog_sorts_by_votes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let TwoTeams { env, dataset, .. } = two_teams(&app).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let create = "mutation($e: String!) { createDataset(input: {label: \"Archive\", environmentUri: $e, SamlAdminGroupName: \"TeamA\"}) { datasetUri } }";
    let archive = app.ok(&alice, create, json!({"e": env})).await["createDataset"]["datasetUri"]
        .as_str()
        .expect("ds")
        .to_owned();
    let vote = "mutation($u: String!) { upVote(input: {targetUri: $u, targetType: \"dataset\", upvote: true}) { upvote } }";
    app.ok(&carol, vote, json!({"u": dataset})).await;
    app.ok(&alice, vote, json!({"u": dataset})).await;
    app.ok(&carol, vote, json!({"u": archive})).await;
    let entry_tasks = sluice_entities::task::Entity::find()
        .filter(sluice_entities::task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .filter(sluice_entities::task::Column::Payload.contains("dataset-entry"))
        .all(&app.db)
        .await
        .expect("tasks");
    assert_eq!(entry_tasks.len(), 3, "each vote rewrites its dataset's own document only");
    app.run_index_tasks().await;
    let by_votes =
        search(&app, &carol, json!({"filters": {"resourceKind": ["dataset"]}, "sortBy": "votes"})).await;
    assert_eq!(found(&by_votes), vec![dataset.clone(), archive.clone()], "{by_votes}");
    assert_eq!(by_votes["nodes"][0]["upvotes"], 2);
    let by_label =
        search(&app, &carol, json!({"filters": {"resourceKind": ["dataset"]}, "sortBy": "label"})).await;
    assert_eq!(found(&by_label), vec![archive, dataset], "{by_label}");
}

on_both_backends!(
    a_link_counts_in_the_catalog_once_the_glossary_team_approves_it,
    the_glossary_team_links_without_waiting_and_columns_count_for_their_table,
    the_catalog_sorts_by_votes
);
