//! `ecs-tasks reconcile-catalog` as a separate process on the Tantivy folder an API process
//! holds open: it repairs the index, and the open index sees the repair.

use std::{sync::Arc, time::Duration};

use serde_json::Value;
use sluice_core::{
    Core,
    catalog::{DocumentKind, SearchIndex, SearchRequest, Visibility, suite},
    datasets::NewDataset,
    environments::NewEnvironment,
    on_both_backends,
    organizations::NewOrganization,
    testkit::{Backend, TestDb, fake_aws},
};
use sluice_search::TantivyIndex;

async fn dataset(core: &Core) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    core.admit(&alice).await.expect("admit");
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("O".into()),
                saml_group_name: Some("TeamA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");
    let env = NewEnvironment {
        label: "E".into(),
        organization_uri: org.organization_uri,
        saml_group_name: "TeamA".into(),
        aws_account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        ..Default::default()
    };
    let env = core.environments().create(&alice, env).await.expect("env");
    let new = NewDataset {
        label: "Shipments".into(),
        environment_uri: env.environment_uri,
        saml_admin_group_name: "TeamA".into(),
        ..Default::default()
    };
    core.datasets().create(&alice, new).await.expect("dataset").dataset_uri.clone()
}

async fn total(index: &dyn SearchIndex, term: &str) -> u64 {
    let request = SearchRequest {
        term: Some(term.into()),
        filters: Default::default(),
        visibility: Visibility::All,
        offset: 0,
        limit: 10,
        sort: Default::default(),
    };
    index.search(&request).await.expect("search").total
}

async fn reconcile_catalog_repairs_an_index_another_process_holds_open(backend: Backend) {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(fake_aws::aws_settings());
    let dataset = dataset(&core).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let open: Arc<dyn SearchIndex> = Arc::new(TantivyIndex::open(dir.path()).expect("open"));
    open.upsert(&[suite::doc(DocumentKind::Table, "ghost", "gone", "Ghost")]).await.expect("orphan");

    let output = tokio::process::Command::new(super::ecs_tasks())
        .arg("reconcile-catalog")
        .env("SLUICE_DATABASE_URL", &db.url)
        .env("SLUICE_SEARCH_DIR", dir.path())
        .env_remove("SLUICE_OPENSEARCH_URL")
        .output()
        .await
        .expect("run ecs-tasks");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["missing"], serde_json::json!([dataset]));
    assert_eq!(report["orphaned"], serde_json::json!(["ghost"]));

    // The open index picks up the other process's commit on its own.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while total(open.as_ref(), "shipments").await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the open index never saw the repair");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(total(open.as_ref(), "ghost").await, 0);
}

on_both_backends!(reconcile_catalog_repairs_an_index_another_process_holds_open);
