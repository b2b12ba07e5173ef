//! Tables at the domain level: the sync's bookkeeping (added, changed, vanished, the cap), and
//! who may read, curate and resync them. Glue is faked at its port here; ecs-tasks reads moto.

use std::collections::BTreeMap;

use sluice_core::{
    datasets::tables::{DELETED, GlueColumn, GlueTable, IN_SYNC, ModifyTable},
    on_both_backends,
    page::PageRequest,
    tasks::TaskFilter,
    testkit::Backend,
};

use super::{actor, new_dataset, setup};

pub(super) fn table(name: &str, columns: &[&str]) -> GlueTable {
    GlueTable {
        name: name.into(),
        description: Some(format!("{name} from Glue")),
        location: Some(format!("s3://bucket/{name}/")),
        columns: columns
            .iter()
            .map(|c| GlueColumn { name: (*c).into(), type_: Some("string".into()), comment: None })
            .collect(),
        partition_keys: vec![],
        parameters: BTreeMap::new(),
        table_type: Some("EXTERNAL_TABLE".into()),
    }
}

fn page() -> PageRequest {
    PageRequest::new(Some(1), Some(100)).expect("page")
}

async fn a_sync_adds_updates_and_marks_vanished_tables(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = dataset.dataset_uri.as_str();

    let mut sync = core.system("test").start_table_sync(uri, 100).await.expect("start");
    assert_eq!(sync.pivot().account_id, "111122223333");
    sync.apply_page(vec![table("a", &["x"]), table("b", &["x"])]).await.expect("page 1");
    sync.apply_page(vec![table("c", &["x", "y"])]).await.expect("page 2");
    assert_eq!(sync.progress()["done"], 3);
    let first = sync.finish().await.expect("finish");
    assert_eq!((first.added, first.updated, first.deleted, first.truncated), (3, 0, 0, false));

    let mut sync = core.system("test").start_table_sync(uri, 100).await.expect("start");
    sync.apply_page(vec![table("a", &["x"]), table("c", &["x", "y", "z"])]).await.expect("page");
    let second = sync.finish().await.expect("finish");
    assert_eq!((second.added, second.updated, second.unchanged, second.deleted), (0, 1, 1, 1));
    let tables = core.datasets().list_tables(&bob, Some(uri), None, page()).await.expect("list");
    let states: Vec<(&str, &str)> =
        tables.nodes.iter().map(|t| (t.name.as_str(), t.status.as_str())).collect();
    assert_eq!(states, [("a", IN_SYNC), ("b", DELETED), ("c", IN_SYNC)]);

    // A table that comes back is in sync again, with the same URI.
    let b_uri = tables.nodes[1].table_uri.clone();
    let mut sync = core.system("test").start_table_sync(uri, 100).await.expect("start");
    sync.apply_page(vec![table("a", &["x"]), table("b", &["x"]), table("c", &["x", "y", "z"])])
        .await
        .expect("page");
    let third = sync.finish().await.expect("finish");
    assert_eq!((third.updated, third.unchanged, third.deleted), (1, 2, 0));
    let b = core.datasets().get_table(&bob, &b_uri).await.expect("b");
    assert_eq!(b.status, IN_SYNC);

    // Every change queued one catalog task per page, on the dataset's queue.
    let tasks = core
        .tasks()
        .list(&bob, &TaskFilter { target_uri: Some(uri.to_owned()), status: None }, page())
        .await
        .expect("tasks");
    let table_batches = tasks.nodes.iter().filter(|t| t.payload["kind"] == "tables").count();
    assert_eq!(table_batches, 5, "two pages, then one page and a deletion, then one page");
}

/// The count rides on the page's rows, so a page past the end, which has none, must still say how
/// many there are; a filter counts only what it matches.
async fn every_page_counts_the_whole_list_even_past_its_end(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = dataset.dataset_uri.as_str();
    let mut sync = core.system("test").start_table_sync(uri, 100).await.expect("start");
    let names = ["orders", "order_lines", "customers", "orders_archive", "refunds"];
    sync.apply_page(names.iter().map(|n| table(n, &["x"])).collect()).await.expect("page");
    sync.finish().await.expect("finish");

    let list = |term: Option<&'static str>, page: i32| {
        let core = core.clone();
        let bob = bob.clone();
        async move {
            let request = PageRequest::new(Some(page), Some(2)).expect("page");
            core.datasets().list_tables(&bob, Some(uri), term, request).await.expect("list")
        }
    };
    let shape = |p: &sluice_core::page::Page<sluice_core::datasets::tables::DatasetTable>| {
        (p.count, p.pages(), p.nodes.iter().map(|t| t.name.clone()).collect::<Vec<_>>())
    };
    assert_eq!(shape(&list(None, 1).await), (5, 3, vec!["customers".into(), "order_lines".into()]));
    assert_eq!(shape(&list(None, 2).await), (5, 3, vec!["orders".into(), "orders_archive".into()]));
    assert_eq!(shape(&list(None, 3).await), (5, 3, vec!["refunds".into()]));
    assert_eq!(shape(&list(None, 4).await), (5, 3, vec![]));
    assert_eq!(shape(&list(Some("orders"), 2).await), (2, 1, vec![]));
    assert_eq!(shape(&list(Some("orders"), 1).await), (2, 1, vec!["orders".into(), "orders_archive".into()]));
    assert_eq!(shape(&list(Some("nothing like it"), 1).await), (0, 0, vec![]));
}

async fn a_sync_past_the_cap_keeps_the_first_tables_and_deletes_nothing(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = dataset.dataset_uri.as_str();
    let mut sync = core.system("test").start_table_sync(uri, 10).await.expect("start");
    sync.apply_page(vec![table("a", &["x"]), table("b", &["x"])]).await.expect("page");
    sync.finish().await.expect("finish");

    let mut sync = core.system("test").start_table_sync(uri, 2).await.expect("start");
    sync.apply_page(vec![table("c", &["x"]), table("d", &["x"]), table("e", &["x"])]).await.expect("page");
    assert!(!sync.wants_more());
    let summary = sync.finish().await.expect("finish");
    assert_eq!((summary.added, summary.deleted, summary.truncated), (2, 0, true));
    let tables = core.datasets().list_tables(&bob, Some(uri), None, page()).await.expect("list");
    let states: Vec<(&str, &str)> =
        tables.nodes.iter().map(|t| (t.name.as_str(), t.status.as_str())).collect();
    assert_eq!(
        states,
        [("a", IN_SYNC), ("b", IN_SYNC), ("c", IN_SYNC), ("d", IN_SYNC)],
        "a and b were not seen, yet kept"
    );
}

async fn only_the_datasets_teams_curate_and_resync_its_tables(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let carol = actor("carol", &["TeamC"]);
    let dana = actor("dana", &["TeamD"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = dataset.dataset_uri.as_str();
    let mut sync = core.system("test").start_table_sync(uri, 100).await.expect("start");
    sync.apply_page(vec![table("orders", &["id"])]).await.expect("page");
    sync.finish().await.expect("finish");
    let orders =
        core.datasets().list_tables(&carol, Some(uri), None, page()).await.expect("public").nodes.remove(0);
    assert_eq!(orders.description.as_deref(), Some("orders from Glue"));

    let change = || ModifyTable {
        label: Some("Orders".into()),
        topics: Some(vec!["Sales".into()]),
        ..Default::default()
    };
    for outsider in [&carol, &dana] {
        let err = core
            .datasets()
            .update_table(outsider, &orders.table_uri, change())
            .await
            .expect_err("not theirs");
        assert_eq!(err.code(), "FORBIDDEN");
    }
    let updated = core.datasets().update_table(&bob, &orders.table_uri, change()).await.expect("bob curates");
    assert_eq!((updated.label.as_str(), updated.topics.clone()), ("Orders", vec!["Sales".to_owned()]));
    assert_eq!(
        core.datasets().queue_sync(&carol, uri).await.expect_err("no SYNC_DATASET").code(),
        "FORBIDDEN"
    );
    core.datasets().queue_sync(&bob, uri).await.expect("bob resyncs");

    // The faked Glue has the table with `id bigint` and partition key `day`.
    core.datasets().sync_columns(&bob, &orders.table_uri).await.expect("columns synced");
    let columns =
        core.datasets().list_columns(&carol, &orders.table_uri, None, page()).await.expect("public");
    let names: Vec<(&str, &str)> =
        columns.nodes.iter().map(|c| (c.name.as_str(), c.column_type.as_str())).collect();
    assert_eq!(names, [("id", "column"), ("day", "partition_0")]);
    let described = core
        .datasets()
        .update_column(&bob, &columns.nodes[0].column_uri, described_as("the order id"))
        .await
        .expect("described");
    assert_eq!(described.description.as_deref(), Some("the order id"));
    assert_eq!(
        core.datasets()
            .update_column(&carol, &columns.nodes[0].column_uri, described_as("x"))
            .await
            .expect_err("no")
            .code(),
        "FORBIDDEN"
    );

    assert_eq!(
        core.datasets().delete_table(&carol, &orders.table_uri).await.expect_err("no").code(),
        "FORBIDDEN"
    );
    core.datasets().delete_table(&bob, &orders.table_uri).await.expect("deleted");
    assert_eq!(
        core.datasets().get_table(&bob, &orders.table_uri).await.expect_err("gone").code(),
        "NOT_FOUND"
    );
}

on_both_backends!(
    a_sync_adds_updates_and_marks_vanished_tables,
    every_page_counts_the_whole_list_even_past_its_end,
    a_sync_past_the_cap_keeps_the_first_tables_and_deletes_nothing,
    only_the_datasets_teams_curate_and_resync_its_tables,
);

fn described_as(text: &str) -> sluice_core::datasets::tables::ModifyColumn {
    sluice_core::datasets::tables::ModifyColumn {
        description: Some(text.into()),
        other_fields: false,
        terms: None,
    }
}
