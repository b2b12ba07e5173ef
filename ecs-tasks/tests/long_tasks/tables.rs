//! The table sync end to end against moto: tables a producer put in the dataset's Glue database
//! arrive with their columns and partition keys through the real `ecs-tasks sync-tables`; a
//! changed table is updated and a dropped one marked Deleted on the next sync; the task shows
//! its progress and what it did.

use sluice_cloud::sdk::glue;
use sluice_core::{
    Actor, Core,
    datasets::tables::{DELETED, IN_SYNC},
    on_both_backends,
    page::PageRequest,
    tasks::{Task, TaskStatus},
    testkit::{Backend, TestDb},
};

use crate::{
    dataset::dataset_in_a_linked_account,
    support::{Running, owner_session, wait_for},
};

fn column(name: &str, type_: &str) -> glue::types::Column {
    glue::types::Column::builder().name(name).r#type(type_).build().expect("column")
}

fn table_input(name: &str, columns: &[(&str, &str)]) -> glue::types::TableInput {
    let mut storage = glue::types::StorageDescriptor::builder().location(format!("s3://somewhere/{name}/"));
    for (c, t) in columns {
        storage = storage.columns(column(c, t));
    }
    glue::types::TableInput::builder()
        .name(name)
        .table_type("EXTERNAL_TABLE")
        .storage_descriptor(storage.build())
        .partition_keys(column("day", "date"))
        .parameters("classification", "parquet")
        .build()
        .expect("table")
}

async fn sync(core: &Core, db: &TestDb, actor: &Actor, dataset_uri: &str) -> Task {
    let queued = core.datasets().queue_sync(actor, dataset_uri).await.expect("queued");
    let task = wait_for(db, &queued.task_uri).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
    task
}

async fn tables_arrive_change_and_leave_with_glue(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, account, dataset) = dataset_in_a_linked_account(&db).await;
    let running = Running::start(&db).await;
    let stack = core.datasets().stack(&alice, &dataset.dataset_uri).await.expect("stack");
    assert_eq!(wait_for(&db, stack.task_uri.as_deref().expect("task")).await.status, TaskStatus::Succeeded);

    let glue = glue::Client::new(&owner_session(&account).await);
    let database = &dataset.restricted().expect("the admin team's view").glue_database_name;
    for name in ["orders", "customers", "refunds"] {
        let input = table_input(name, &[("id", "bigint"), ("amount", "decimal(10,2)")]);
        glue.create_table().database_name(database).table_input(input).send().await.expect("table");
    }
    let first = sync(&core, &db, &alice, &dataset.dataset_uri).await;
    assert_eq!(
        first.response.as_ref().map(|r| (r["added"].clone(), r["deleted"].clone())),
        Some((3.into(), 0.into())),
        "{first:?}"
    );
    assert_eq!(first.progress.as_ref().map(|p| p["done"].clone()), Some(3.into()), "{first:?}");

    let page = PageRequest::new(Some(1), Some(100)).expect("page");
    let tables =
        core.datasets().list_tables(&alice, Some(&dataset.dataset_uri), None, page).await.expect("tables");
    let names: Vec<&str> = tables.nodes.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "orders", "refunds"]);
    let orders = tables.nodes.iter().find(|t| t.name == "orders").expect("orders");
    let columns = core.datasets().list_columns(&alice, &orders.table_uri, None, page).await.expect("columns");
    let described: Vec<(&str, Option<&str>, &str)> = columns
        .nodes
        .iter()
        .map(|c| (c.name.as_str(), c.type_name.as_deref(), c.column_type.as_str()))
        .collect();
    assert_eq!(
        described,
        [
            ("id", Some("bigint"), "column"),
            ("amount", Some("decimal(10,2)"), "column"),
            ("day", Some("date"), "partition_0")
        ]
    );
    let details = orders.details(&dataset).expect("the admin team sees where the table lives");
    assert_eq!(details.location, Some("s3://somewhere/orders/"));
    assert_eq!(details.properties.get("classification").map(String::as_str), Some("parquet"));

    // The producer adds a column to orders and drops refunds.
    let changed =
        table_input("orders", &[("id", "bigint"), ("amount", "decimal(10,2)"), ("currency", "string")]);
    glue.update_table().database_name(database).table_input(changed).send().await.expect("update");
    glue.delete_table().database_name(database).name("refunds").send().await.expect("drop");
    let second = sync(&core, &db, &alice, &dataset.dataset_uri).await;
    let response = second.response.clone().expect("response");
    assert_eq!(
        (
            response["added"].clone(),
            response["updated"].clone(),
            response["unchanged"].clone(),
            response["deleted"].clone()
        ),
        (0.into(), 1.into(), 1.into(), 1.into()),
        "{response}"
    );
    let tables =
        core.datasets().list_tables(&alice, Some(&dataset.dataset_uri), None, page).await.expect("tables");
    let states: Vec<(&str, &str)> =
        tables.nodes.iter().map(|t| (t.name.as_str(), t.status.as_str())).collect();
    assert_eq!(states, [("customers", IN_SYNC), ("orders", IN_SYNC), ("refunds", DELETED)]);
    let columns = core.datasets().list_columns(&alice, &orders.table_uri, None, page).await.expect("columns");
    let names: Vec<&str> = columns.nodes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "amount", "currency", "day"], "the table keeps its URI and gets the new column");
    running.stop().await;
}

on_both_backends!(tables_arrive_change_and_leave_with_glue);
