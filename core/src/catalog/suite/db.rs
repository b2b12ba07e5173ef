//! Cases over a real database: index tasks, rebuilding a lost index, and reconciliation.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use sluice_entities::{dataset as ds, task};

use super::{Engine, doc, found, request, strings, uris};
use crate::{
    Actor, Core,
    catalog::{
        self, DocumentKind, SearchFilters, SearchIndex, SearchRequest,
        port::{ColumnDoc, FacetField},
    },
    datasets::{
        INDEX_ACTION, ModifyDataset, NewDataset, NewFolder,
        tables::{GlueColumn, GlueTable, TableSync},
    },
    environments::NewEnvironment,
    organizations::NewOrganization,
    tasks::{TaskStatus, store},
    testkit::{Backend, TestDb, fake_aws},
};

struct Seeded {
    db: TestDb,
    core: Core,
    alice: Actor,
    dataset: String,
    folder: String,
}

fn glue_table(name: &str, columns: &[(&str, &str)]) -> GlueTable {
    GlueTable {
        name: name.into(),
        description: Some(format!("{name} as loaded nightly")),
        location: None,
        columns: columns
            .iter()
            .map(|(n, t)| GlueColumn { name: (*n).into(), type_: Some((*t).into()), comment: None })
            .collect(),
        partition_keys: vec![],
        parameters: Default::default(),
        table_type: None,
    }
}

async fn sync_tables(db: &DatabaseConnection, dataset: &str, tables: Vec<GlueTable>) {
    let sync_actor = crate::testkit::user("catalog-suite", &[]);
    let mut sync = TableSync::start(db, &sync_actor, dataset, 100).await.expect("sync");
    sync.apply_page(tables).await.expect("page");
    sync.finish().await.expect("finish");
}

/// TeamA's dataset "Orders" (tags sales, stewards TeamS) in eu-west-1, with the Glue tables
/// order_lines and returns and the folder "Raw drops".
async fn seed(backend: Backend) -> Seeded {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(fake_aws::aws_settings());
    let alice = crate::testkit::user("alice", &["TeamA"]);
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
    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "E".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env");
    let dataset = core
        .datasets()
        .create(
            &alice,
            NewDataset {
                label: "Orders".into(),
                environment_uri: env.environment_uri,
                saml_admin_group_name: "TeamA".into(),
                stewards: Some("TeamS".into()),
                tags: Some(vec!["sales".into()]),
                description: Some("Everything customers bought".into()),
                ..Default::default()
            },
        )
        .await
        .expect("dataset")
        .entry()
        .dataset_uri
        .clone();
    sync_tables(
        &db.db,
        &dataset,
        vec![
            glue_table("order_lines", &[("quantity", "int"), ("unit_price", "decimal(10,2)")]),
            glue_table("returns", &[("reason_code", "string")]),
        ],
    )
    .await;
    let folder = core
        .datasets()
        .create_folder(
            &alice,
            &dataset,
            NewFolder { label: "Raw drops".into(), prefix: "raw".into(), ..Default::default() },
        )
        .await
        .expect("folder")
        .location_uri;
    Seeded { db, core, alice, dataset, folder }
}

/// Runs the pending index tasks in the order they were written, as the worker would, and
/// returns them so a test can deliver them again.
async fn run_index_tasks(db: &DatabaseConnection, index: &dyn SearchIndex) -> Vec<task::Model> {
    let pending = task::Entity::find()
        .filter(task::Column::Action.eq(INDEX_ACTION))
        .filter(task::Column::Status.eq(TaskStatus::Pending.as_str()))
        .order_by_asc(task::Column::Created)
        .order_by_asc(task::Column::TaskUri)
        .all(db)
        .await
        .expect("tasks");
    for t in &pending {
        store::mark_dispatched(db, vec![t.task_uri.clone()]).await.expect("dispatched");
        store::start(db, &t.task_uri).await.expect("start");
        deliver(db, index, t).await;
        store::succeed(db, &t.task_uri, &serde_json::json!({})).await.expect("succeed");
    }
    pending
}

async fn deliver(db: &DatabaseConnection, index: &dyn SearchIndex, t: &task::Model) {
    let payload: serde_json::Value = serde_json::from_str(&t.payload).expect("payload");
    catalog::apply_index_task(db, index, &t.target_uri, &payload).await.expect("index task");
}

/// The indexed documents' URIs by kind.
async fn by_kind(index: &dyn SearchIndex) -> BTreeMap<DocumentKind, usize> {
    let all = index.search(&request(None)).await.expect("search");
    let mut out = BTreeMap::new();
    for hit in all.hits {
        *out.entry(hit.kind).or_default() += 1;
    }
    out
}

pub async fn index_tasks_follow_the_database_and_deletes_are_not_lost(
    engine: &mut dyn Engine,
    backend: Backend,
) {
    let s = seed(backend).await;
    let index = engine.open().await;
    let index = index.as_ref();
    let delivered = run_index_tasks(&s.db.db, index).await;
    assert_eq!(
        by_kind(index).await,
        BTreeMap::from([(DocumentKind::Dataset, 1), (DocumentKind::Table, 2), (DocumentKind::Folder, 1)])
    );
    let lines = found(index, "quantity").await;
    assert_eq!(lines.len(), 1, "a column name finds its table");
    let mut both = vec![s.dataset.clone(), lines[0].clone()];
    both.sort();
    assert_eq!(found(index, "lines").await, both, "a table's name finds the table and its dataset");
    let mut both = vec![s.dataset.clone(), s.folder.clone()];
    both.sort();
    assert_eq!(found(index, "raw").await, both, "a folder's name finds the folder and its dataset");
    let all = index.search(&request(None)).await.expect("search");
    assert_eq!(
        super::facet(&all, FacetField::Region),
        vec![("eu-west-1".into(), 4)],
        "items inherit the region"
    );

    for t in &delivered {
        deliver(&s.db.db, index, t).await;
    }
    assert_eq!(
        index.search(&request(None)).await.expect("search").total,
        4,
        "delivering tasks again changes nothing"
    );

    s.core
        .datasets()
        .update(
            &s.alice,
            &s.dataset,
            ModifyDataset { confidentiality: Some("Secret".into()), ..Default::default() },
        )
        .await
        .expect("update");
    run_index_tasks(&s.db.db, index).await;
    let secret = index
        .search(&SearchRequest {
            filters: SearchFilters { confidentiality: strings(&["Secret"]), ..Default::default() },
            ..request(None)
        })
        .await
        .expect("search");
    assert_eq!(secret.total, 4, "a dataset's change reaches its tables and folders");

    sync_tables(&s.db.db, &s.dataset, vec![glue_table("returns", &[("reason_code", "string")])]).await;
    s.core.datasets().delete_folder(&s.alice, &s.folder).await.expect("delete folder");
    run_index_tasks(&s.db.db, index).await;
    assert!(found(index, "quantity").await.is_empty(), "a table gone from Glue leaves the index");
    assert!(found(index, "lines").await.is_empty(), "and its name leaves the dataset's document");
    assert!(found(index, "raw").await.is_empty(), "a deleted folder leaves the index");
    assert_eq!(by_kind(index).await, BTreeMap::from([(DocumentKind::Dataset, 1), (DocumentKind::Table, 1)]));

    s.core.datasets().delete(&s.alice, &s.dataset, false).await.expect("delete dataset");
    run_index_tasks(&s.db.db, index).await;
    assert_eq!(
        index.search(&request(None)).await.expect("search").total,
        0,
        "the dataset's documents are gone"
    );
    for t in &delivered {
        deliver(&s.db.db, index, t).await;
    }
    assert_eq!(
        index.search(&request(None)).await.expect("search").total,
        0,
        "a late redelivery of an old task cannot bring a deleted dataset back"
    );
}

pub async fn a_lost_index_is_rebuilt_from_the_database(engine: &mut dyn Engine, backend: Backend) {
    let s = seed(backend).await;
    let index = engine.open().await;
    run_index_tasks(&s.db.db, index.as_ref()).await;
    assert_eq!(index.search(&request(None)).await.expect("search").total, 4);

    let index = engine.lose_and_reopen(index).await;
    assert!(index.needs_rebuild(), "a lost index is recreated empty and asks for a rebuild");
    assert_eq!(index.search(&request(None)).await.expect("search").total, 0);
    let rebuilt = catalog::rebuild(&s.core.db, index.as_ref()).await.expect("rebuild");
    assert_eq!(rebuilt.documents, 4);
    assert_eq!(
        by_kind(index.as_ref()).await,
        BTreeMap::from([(DocumentKind::Dataset, 1), (DocumentKind::Table, 2), (DocumentKind::Folder, 1)])
    );
    assert_eq!(found(index.as_ref(), "customers").await, vec![s.dataset.clone()]);
}

pub async fn reconciliation_repairs_missing_stale_and_orphaned_documents(
    engine: &mut dyn Engine,
    backend: Backend,
) {
    let s = seed(backend).await;
    let index = engine.open().await;
    let index = index.as_ref();
    run_index_tasks(&s.db.db, index).await;
    let clean = catalog::reconcile(&s.db.db, index).await.expect("reconcile");
    assert!(clean.missing.is_empty() && clean.stale.is_empty() && clean.orphaned.is_empty(), "{clean:?}");
    assert_eq!(clean.documents, 4);

    // Behind the platform's back: a document removed, one left of nothing, and a rename that
    // queued no task.
    let lost = found(index, "quantity").await;
    index.delete(&lost).await.expect("delete");
    let mut ghost = doc(DocumentKind::Table, "ghost", "gone-dataset", "Ghost table");
    ghost.columns = vec![ColumnDoc { name: "boo".into(), type_name: None }];
    index.upsert(&[ghost]).await.expect("orphan");
    ds::Entity::update_many()
        .col_expr(ds::Column::Label, Expr::value("Purchases"))
        .filter(ds::Column::DatasetUri.eq(s.dataset.as_str()))
        .exec(&s.db.db)
        .await
        .expect("rename");

    let report = catalog::reconcile(&s.db.db, index).await.expect("reconcile");
    assert_eq!(report.missing, lost);
    assert_eq!(report.stale, vec![s.dataset.clone()]);
    assert_eq!(report.orphaned, strings(&["ghost"]));
    assert_eq!(found(index, "quantity").await, lost);
    assert!(found(index, "ghost").await.is_empty());
    assert_eq!(found(index, "purchases").await, vec![s.dataset.clone()]);
    assert_eq!(uris(&index.search(&request(None)).await.expect("search")).len(), 4);

    let again = catalog::reconcile(&s.db.db, index).await.expect("reconcile");
    assert!(again.missing.is_empty() && again.stale.is_empty() && again.orphaned.is_empty(), "{again:?}");
}
