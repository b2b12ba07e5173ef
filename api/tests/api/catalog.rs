//! Catalog search over GraphQL: a dataset becomes searchable once its index task has run,
//! visibility follows SLUICE_CATALOG_VISIBILITY, and only admins rebuild the index.

use serde_json::{Value, json};
use sluice_core::catalog::CatalogVisibility;

use crate::{
    environments::link,
    organizations::create_org,
    support::{Backend, Options, TestApp, error_code, on_both_backends},
};

const SEARCH: &str = r#"query($input: SearchCatalogInput) { searchCatalog(input: $input) {
  count page pages pageSize hasNext hasPrevious
  nodes { kind uri datasetUri label name snippet highlight }
  facets { resourceKind { value count } tags { value count } topics { value count } region { value count }
           environmentUri { value count } organizationUri { value count } confidentiality { value count } }
} }"#;
const CREATE: &str = r#"mutation($input: NewDatasetInput!) { createDataset(input: $input) { datasetUri } }"#;

/// TeamA's organization and environment, and its dataset "Sales Orders" with TeamD as
/// stewards. Returns (app, alice of TeamA, carol of TeamC, org, env, dataset).
async fn setup(options: Options, backend: Backend) -> (TestApp, String, String, String, String, String) {
    let app = TestApp::spawn_with(backend, options).await;
    let alice = app.token("alice", &["TeamA"]);
    let carol = app.token("carol", &["TeamC"]);
    let org = create_org(&app, &alice, "Org", "TeamA").await;
    let env =
        link(&app, &alice, &org, "111122223333").await["environmentUri"].as_str().expect("env").to_owned();
    let input = json!({"input": {"label": "Sales Orders", "organizationUri": org, "environmentUri": env,
        "SamlAdminGroupName": "TeamA", "stewards": "TeamD", "tags": ["eu"], "topics": ["Sales"],
        "description": "Every order our customers placed, by day"}});
    let dataset =
        app.ok(&alice, CREATE, input).await["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    (app, alice, carol, org, env, dataset)
}

async fn search(app: &TestApp, token: &str, input: Value) -> Value {
    app.ok(token, SEARCH, json!({"input": input})).await["searchCatalog"].clone()
}

async fn a_created_dataset_is_searchable_once_its_task_has_run(backend: Backend) {
    let (app, alice, carol, org, env, dataset) = setup(Options::default(), backend).await;
    assert_eq!(search(&app, &alice, json!({"term": "orders"})).await["count"], 0, "not before its task ran");
    assert!(app.run_index_tasks().await >= 1);

    let found = search(&app, &carol, json!({"term": "custmers"})).await;
    assert_eq!(found["count"], 1, "anyone signed in finds it, despite a typo: {found}");
    let hit = &found["nodes"][0];
    assert_eq!((hit["kind"].as_str(), hit["uri"].as_str()), (Some("dataset"), Some(dataset.as_str())));
    assert_eq!(hit["datasetUri"], dataset.as_str());
    assert_eq!(hit["label"], "Sales Orders");
    assert_eq!(hit["highlight"], "Every order our <em>customers</em> placed, by day");
    assert_eq!(hit["snippet"], "Every order our customers placed, by day");
    let facets = &found["facets"];
    assert_eq!(facets["resourceKind"], json!([{"value": "dataset", "count": 1}]));
    assert_eq!(facets["tags"], json!([{"value": "eu", "count": 1}]));
    assert_eq!(facets["topics"], json!([{"value": "Sales", "count": 1}]));
    assert_eq!(facets["region"], json!([{"value": "eu-west-1", "count": 1}]));
    assert_eq!(facets["environmentUri"], json!([{"value": env, "count": 1}]));
    assert_eq!(facets["organizationUri"], json!([{"value": org, "count": 1}]));
    assert_eq!(facets["confidentiality"], json!([{"value": "Unclassified", "count": 1}]));

    let by = |filters: Value| json!({"filters": filters});
    assert_eq!(search(&app, &alice, by(json!({"resourceKind": ["table", "folder"]}))).await["count"], 0);
    assert_eq!(search(&app, &alice, by(json!({"tags": ["eu"], "region": ["eu-west-1"]}))).await["count"], 1);
    assert_eq!(search(&app, &alice, by(json!({"environmentUri": ["elsewhere"]}))).await["count"], 0);
    let paged = search(&app, &alice, json!({"page": 1, "pageSize": 1})).await;
    assert_eq!((paged["pages"].as_i64(), paged["hasNext"].as_bool()), (Some(1), Some(false)));

    for input in
        [json!({"pageSize": 0}), json!({"page": 1000, "pageSize": 100}), json!({"term": "x".repeat(201)})]
    {
        let bad = app.gql(Some(&alice), SEARCH, json!({"input": input})).await;
        assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{input}");
    }
    assert_eq!(error_code(&app.gql(None, SEARCH, json!({})).await), Some("UNAUTHENTICATED"));

    let delete = "mutation($d: String!) { deleteDataset(datasetUri: $d) }";
    app.ok(&alice, delete, json!({"d": dataset})).await;
    app.run_index_tasks().await;
    assert_eq!(
        search(&app, &alice, json!({"term": "orders"})).await["count"],
        0,
        "deleted, and gone from search"
    );
}

async fn restricted_visibility_shows_teams_only_what_they_may_read(backend: Backend) {
    let options = Options { catalog_visibility: CatalogVisibility::Restricted, ..Default::default() };
    let (app, alice, carol, _org, _env, dataset) = setup(options, backend).await;
    app.run_index_tasks().await;
    let steward = app.token("dora", &["TeamD"]);
    for (who, token, expected) in
        [("admin team", &alice, 1), ("stewards", &steward, 1), ("outsider", &carol, 0)]
    {
        let found = search(&app, token, json!({"term": "orders"})).await;
        assert_eq!(found["count"], expected, "{who}: {found}");
        let kinds = &found["facets"]["resourceKind"];
        assert_eq!(
            kinds.as_array().map(Vec::len),
            Some(expected),
            "{who}: facets count visible entries only"
        );
    }
    assert_eq!(search(&app, &alice, json!({})).await["nodes"][0]["uri"], dataset.as_str());
}

async fn only_platform_admins_queue_a_reindex(backend: Backend) {
    let (app, alice, _carol, _org, _env, _dataset) = setup(Options::default(), backend).await;
    let start = "mutation { startReindexCatalog { taskUri action status targetType } }";
    assert_eq!(error_code(&app.gql(Some(&alice), start, json!({})).await), Some("FORBIDDEN"));
    let admin = app.token("root", &["DAAdministrators"]);
    let task = app.ok(&admin, start, json!({})).await["startReindexCatalog"].clone();
    assert_eq!(
        (task["action"].as_str(), task["status"].as_str(), task["targetType"].as_str()),
        (Some("catalog.reindex"), Some("pending"), Some("platform"))
    );
    let get = "query($t: String!) { getTask(taskUri: $t) { action } }";
    assert_eq!(
        app.ok(&admin, get, json!({"t": task["taskUri"]})).await["getTask"]["action"],
        "catalog.reindex"
    );
}

on_both_backends!(
    a_created_dataset_is_searchable_once_its_task_has_run,
    restricted_visibility_shows_teams_only_what_they_may_read,
    only_platform_admins_queue_a_reindex,
);
