//! Catalog search over GraphQL: a dataset becomes searchable once its index task has run,
//! visibility follows SLUICE_CATALOG_VISIBILITY, and only admins rebuild the index.

use serde_json::{Value, json};
use sluice_core::catalog::CatalogVisibility;

use crate::{
    environments::link,
    organizations::{create_org, invite_to_org},
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
    let other_kinds = search(&app, &alice, by(json!({"resourceKind": ["table", "folder"]}))).await;
    assert_eq!(other_kinds["count"], 0);
    assert_eq!(
        other_kinds["facets"]["resourceKind"],
        json!([{"value": "dataset", "count": 1}]),
        "a kind filter leaves the kind facet counting every kind"
    );
    assert_eq!(other_kinds["facets"]["tags"], json!([]), "other facets count the hits");
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

/// Hits name the caller's role on their dataset, the same as getDataset says, so the UI needs
/// no query per hit to decide between "Request access" and "Your team's data".
async fn hits_carry_the_callers_role_on_their_dataset(backend: Backend) {
    use sluice_core::datasets::tables::GlueTable;
    let (app, alice, carol, org, env, sales) = setup(Options::default(), backend).await;
    // A second dataset of TeamA's with no stewards, and a table in the first.
    let input =
        json!({"input": {"label": "Orders Archive", "environmentUri": env, "SamlAdminGroupName": "TeamA"}});
    let archive =
        app.ok(&alice, CREATE, input).await["createDataset"]["datasetUri"].as_str().expect("uri").to_owned();
    let mut sync = app.core.system("test").start_table_sync(&sales, 10).await.expect("sync");
    let table = GlueTable {
        name: "orders".into(),
        description: None,
        location: None,
        columns: vec![],
        partition_keys: vec![],
        parameters: Default::default(),
        table_type: None,
    };
    sync.apply_page(vec![table]).await.expect("page");
    sync.finish().await.expect("finish");
    app.run_index_tasks().await;
    // TeamB asks for the table.
    invite_to_org(&app, &alice, &org, &["TeamB"]).await;
    let invite = "mutation($i: InviteGroupOnEnvironmentInput!) { inviteGroupOnEnvironment(input: $i) { environmentUri } }";
    let team_b =
        json!({"i": {"environmentUri": env, "groupUri": "TeamB", "permissions": ["CREATE_SHARE_OBJECT"]}});
    app.ok(&alice, invite, team_b).await;
    let bob = app.token("bob", &["TeamB"]);
    let request = r#"mutation($d: String!, $e: String!) { createShareObject(datasetUri: $d, input: {environmentUri: $e,
        groupUri: "TeamB", principalId: "TeamB", principalType: "Group", permissions: [Read]}) { shareUri } }"#;
    app.ok(&bob, request, json!({"d": sales, "e": env})).await;

    let roles = |found: Value| -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = found["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|h| {
                let s = |k: &str| h[k].as_str().expect(k).to_owned();
                (s("kind"), s("label"), s("userRoleForDataset"))
            })
            .collect();
        out.sort();
        out
    };
    let query = r#"query($input: SearchCatalogInput) { searchCatalog(input: $input) {
      nodes { kind label userRoleForDataset } } }"#;
    let expect = |archive_role: &str, sales_role: &str| {
        vec![
            ("dataset".to_owned(), "Orders Archive".to_owned(), archive_role.to_owned()),
            ("dataset".to_owned(), "Sales Orders".to_owned(), sales_role.to_owned()),
            ("table".to_owned(), "orders".to_owned(), sales_role.to_owned()),
        ]
    };
    let callers = [
        ("the creator", alice.clone(), expect("Creator", "Creator")),
        ("the admin team", app.token("adam", &["TeamA"]), expect("Admin", "Admin")),
        ("a steward of one of them", app.token("dora", &["TeamD"]), expect("NoPermission", "DataSteward")),
        ("a requester", bob, expect("NoPermission", "NoPermission")),
        ("an outsider", carol, expect("NoPermission", "NoPermission")),
        // Platform admins bypass tenant checks only: they hold no dataset role.
        (
            "a platform admin",
            app.token("root", &["DAAdministrators"]),
            expect("NoPermission", "NoPermission"),
        ),
    ];
    for (who, token, expected) in callers {
        let found =
            app.ok(&token, query, json!({"input": {"term": "orders"}})).await["searchCatalog"].clone();
        assert_eq!(roles(found), expected, "{who}");
        // The same answer getDataset gives.
        let get = "query($d: String!) { getDataset(datasetUri: $d) { userRoleForDataset } }";
        let direct = app.ok(&token, get, json!({"d": archive})).await;
        assert_eq!(direct["getDataset"]["userRoleForDataset"], expected[0].2.as_str(), "{who}");
    }
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
    hits_carry_the_callers_role_on_their_dataset,
    only_platform_admins_queue_a_reindex,
);
