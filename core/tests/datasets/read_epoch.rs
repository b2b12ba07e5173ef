//! The read epoch moves on at every commit that changes what the API caches, from any writer,
//! and never for reads, rolled-back writes or writes not yet committed.

use sea_orm::{ConnectionTrait, TransactionTrait};
use sluice_core::{
    datasets::{DatasetFilter, ModifyDataset, NewDataset, NewFolder},
    on_both_backends,
    page::PageRequest,
    testkit::Backend,
};

use super::{actor, new_dataset, setup};

async fn services_writes_move_the_epoch_and_reads_do_not(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let before = core.epoch_reader().current().await.expect("epoch");
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let created = core.epoch_reader().current().await.expect("epoch");
    assert!(created > before, "creating a dataset moves it: {before} → {created}");

    core.datasets().get(&bob, &dataset.dataset_uri).await.expect("get");
    let page = PageRequest::new(None, None).expect("page");
    core.datasets().list(&bob, &DatasetFilter::default(), page).await.expect("list");
    core.datasets().list_tables(&bob, Some(&dataset.dataset_uri), None, page).await.expect("tables");
    assert_eq!(core.epoch_reader().current().await.expect("epoch"), created, "reads leave it alone");

    let rename = ModifyDataset { label: Some("Renamed".into()), ..Default::default() };
    core.datasets().update(&bob, &dataset.dataset_uri, rename).await.expect("updated");
    assert!(core.epoch_reader().current().await.expect("epoch") > created, "an update moves it");
}

/// Writes made outside the services, as another release or an operator's SQL would: each table
/// behind a cached read is watched by the database itself.
async fn any_writer_moves_it_only_when_it_commits(backend: Backend) {
    let (db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let mut uris = vec![];
    for label in ["One", "Two", "Three"] {
        let input = NewDataset { label: label.into(), ..new_dataset(&env, "TeamB") };
        uris.push(core.datasets().create(&bob, input).await.expect("created").dataset_uri.clone());
    }
    // A table and a folder, so that every watched table has rows to touch below.
    let mut sync = core.system("test").start_table_sync(&uris[0], 100).await.expect("start");
    sync.apply_page(vec![super::tables::table("a", &["x"])]).await.expect("page");
    sync.finish().await.expect("finish");
    let folder = NewFolder { label: "Raw".into(), prefix: "raw".into(), ..Default::default() };
    core.datasets().create_folder(&bob, &uris[0], folder).await.expect("folder");
    let before = core.epoch_reader().current().await.expect("epoch");

    let txn = db.db.begin().await.expect("begin");
    let changed = txn.execute_unprepared("UPDATE dataset SET description = 'edited'").await.expect("update");
    assert_eq!(changed.rows_affected(), 3);
    txn.rollback().await.expect("rollback");
    assert_eq!(core.epoch_reader().current().await.expect("epoch"), before, "a rolled-back write");

    let txn = db.db.begin().await.expect("begin");
    txn.execute_unprepared("UPDATE dataset SET description = 'edited'").await.expect("update");
    txn.execute_unprepared("UPDATE environment SET label = 'Moved'").await.expect("update");
    if backend == Backend::Postgres {
        // SQLite has one writer, which holds its lock until commit; Postgres readers go on.
        assert_eq!(core.epoch_reader().current().await.expect("epoch"), before, "not committed yet");
    }
    txn.commit().await.expect("commit");
    let after = core.epoch_reader().current().await.expect("epoch");
    assert!(after > before, "a committed write moves it: {before} → {after}");
    if backend == Backend::Postgres {
        assert_eq!(after, before + 1, "once per transaction, however many rows it wrote");
    }

    let others = [
        "dataset_table",
        "dataset_location",
        "stack",
        "environment_group",
        "organization",
        "resource_policy",
        "resource_policy_permission",
    ];
    for table in others {
        let before = core.epoch_reader().current().await.expect("epoch");
        let changed = db
            .db
            .execute_unprepared(&format!("UPDATE {table} SET {col} = {col}", col = first_column(table)))
            .await
            .expect("touch");
        assert!(changed.rows_affected() > 0, "{table} has rows");
        let after = core.epoch_reader().current().await.expect("epoch");
        assert!(after > before, "{table}: epoch {before} → {after}");
    }
}

fn first_column(table: &str) -> &'static str {
    match table {
        "dataset_table" => "table_uri",
        "dataset_location" => "location_uri",
        "stack" => "stack_uri",
        "environment_group" => "group_uri",
        "organization" => "organization_uri",
        "resource_policy" => "sid",
        _ => "permission",
    }
}

/// Callers that ask while a read is under way share the next one, and a caller that asks after a
/// commit is never answered by a read sent before it.
async fn concurrent_callers_share_reads_sent_after_they_asked(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let reader = std::sync::Arc::new(core.epoch_reader());
    let first = reader.current().await.expect("epoch");
    assert_eq!(reader.reads(), 1);

    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let reader = reader.clone();
        callers.spawn(async move { reader.current().await.expect("epoch") });
    }
    let answers = callers.join_all().await;
    assert!(answers.iter().all(|a| *a == first), "{answers:?}");
    // The first caller's read is sent before the others ask, and the rest share the ones after
    // it: on Postgres all of them share one; SQLite's worker thread may answer a read while
    // callers are still asking, so a few more rounds go.
    let reads = reader.reads() - 1;
    assert!((2..25).contains(&reads), "50 callers took {reads} reads");

    core.datasets().create(&actor("bob", &["TeamB"]), new_dataset(&env, "TeamB")).await.expect("created");
    let after = reader.current().await.expect("epoch");
    assert!(after > first, "a commit before the call shows: {first} → {after}");
}

on_both_backends!(
    services_writes_move_the_epoch_and_reads_do_not,
    any_writer_moves_it_only_when_it_commits,
    concurrent_callers_share_reads_sent_after_they_asked,
);
