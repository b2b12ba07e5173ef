//! What the share tests have in common: a deployed dataset with Glue tables synced into Sluice,
//! TeamB's share request for them, and reading back its items and Lake Formation grants.

use sluice_cloud::{Grant, LakeGrants, sdk, sdk::aws_config::SdkConfig};
use sluice_core::{
    Actor, Core,
    datasets::{DatasetView, tables::IN_SYNC},
    page::PageRequest,
    shares::{ItemFilter, NewShare, Share},
    tasks::{Task, TaskStatus},
    testkit::TestDb,
};

use crate::{
    dataset::dataset_in_a_linked_account,
    support::{Running, owner_session, wait_for},
};

pub fn page() -> PageRequest {
    PageRequest::new(Some(1), Some(100)).expect("page")
}

/// The newest `action` task the dataset's admins see, once it has finished.
pub async fn newest(core: &Core, db: &TestDb, action: &str) -> Task {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let page = PageRequest::new(None, Some(100)).expect("page");
    let tasks = core.tasks().list(&alice, &Default::default(), page).await.expect("tasks");
    let task =
        tasks.nodes.into_iter().find(|t| t.action == action).unwrap_or_else(|| panic!("no {action} task"));
    wait_for(db, &task.task_uri).await
}

/// A dataset of TeamA's, deployed in its own account, with Glue tables made by the account
/// owner and synced into Sluice; the pipeline keeps running until [`Running::stop`].
pub struct SharedDataset {
    pub core: Core,
    pub alice: Actor,
    pub account: String,
    pub dataset: DatasetView,
    pub running: Running,
    /// The account owner's session in the dataset's account.
    pub owner: SdkConfig,
    /// The dataset's tables in Sluice, in the order of the names given.
    pub tables: Vec<sluice_core::datasets::tables::DatasetTable>,
}

/// Deploys a dataset, creates `names` in its Glue database and syncs them.
pub async fn deployed_dataset_with_tables(db: &TestDb, names: &[&str]) -> SharedDataset {
    let (core, alice, account, dataset) = dataset_in_a_linked_account(db).await;
    let running = Running::start(db).await;
    let stack = core.datasets().stack(&alice, &dataset.dataset_uri).await.expect("stack");
    assert_eq!(wait_for(db, stack.task_uri.as_deref().expect("task")).await.status, TaskStatus::Succeeded);

    let owner = owner_session(&account).await;
    let glue = sdk::glue::Client::new(&owner);
    for name in names {
        let column = sdk::glue::types::Column::builder().name("id").r#type("bigint").build().expect("column");
        let input = sdk::glue::types::TableInput::builder()
            .name(*name)
            .storage_descriptor(sdk::glue::types::StorageDescriptor::builder().columns(column).build())
            .build()
            .expect("table");
        glue.create_table()
            .database_name(&dataset.restricted().expect("the admin team's view").glue_database_name)
            .table_input(input)
            .send()
            .await
            .expect("table");
    }
    let sync = core.datasets().queue_sync(&alice, &dataset.dataset_uri).await.expect("sync");
    assert_eq!(wait_for(db, &sync.task_uri).await.status, TaskStatus::Succeeded);
    let mut tables = core
        .datasets()
        .list_tables(&alice, Some(&dataset.dataset_uri), None, page())
        .await
        .expect("tables")
        .nodes;
    assert!(tables.iter().all(|t| t.status == IN_SYNC) && tables.len() == names.len(), "{tables:?}");
    tables.sort_by_key(|t| names.iter().position(|n| *n == t.name));
    SharedDataset { core, alice, account, dataset, running, owner, tables }
}

/// TeamB joins `environment_uri` (as TeamA, its owner, invites it) and bob of TeamB asks for
/// every table of the dataset there, for the group TeamB, and submits the request.
pub async fn teamb_requests_every_table(fixture: &SharedDataset, environment_uri: &str) -> (Actor, Share) {
    let core = &fixture.core;
    sluice_core::testkit::invite_to_environment(
        core,
        &fixture.alice,
        environment_uri,
        "TeamB",
        &["CREATE_SHARE_OBJECT".into()],
    )
    .await
    .expect("TeamB");
    let bob = sluice_core::testkit::user("bob", &["TeamB"]);
    core.admit(&bob).await.expect("admit");
    let request = NewShare {
        environment_uri: environment_uri.to_owned(),
        group_uri: "TeamB".into(),
        principal_id: "TeamB".into(),
        principal_type: "Group".into(),
        request_purpose: Some("reporting".into()),
        permissions: vec![],
        ..Default::default()
    };
    let shares = core.shares();
    let share = shares.create(&bob, &fixture.dataset.dataset_uri, None, request).await.expect("share");
    for table in &fixture.tables {
        shares.add_item(&bob, &share.share_uri, &table.table_uri, "Table").await.expect("item");
    }
    let share = shares.submit(&bob, &share.share_uri).await.expect("submitted");
    (bob, share)
}

/// Each item's name, status and health status, in the share's order.
pub async fn item_states(core: &Core, bob: &Actor, share_uri: &str) -> Vec<(String, String, Option<String>)> {
    let items = core.shares().items(bob, share_uri, &ItemFilter::default(), page()).await.expect("items");
    items.nodes.into_iter().map(|i| (i.item_name, i.status, i.health_status)).collect()
}

/// Every grant `lake` shows `principal`, sorted by resource.
pub async fn grants_of(lake: &LakeGrants, principal: &str) -> Vec<Grant> {
    let mut granted = lake.list(Some(principal), None).await.expect("list");
    granted.sort_by(|a, b| a.resource.cmp(&b.resource));
    granted
}

/// Grants as text, so a failed comparison reads well.
pub fn shown(grants: &[Grant]) -> Vec<String> {
    let mut out: Vec<String> = grants.iter().map(ToString::to_string).collect();
    out.sort();
    out
}

/// Waits until no task is pending or started.
pub async fn settle(core: &sluice_core::Core, alice: &Actor) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let tasks = core.tasks().list(alice, &Default::default(), page()).await.expect("tasks");
        let busy = tasks
            .nodes
            .iter()
            .filter(|t| matches!(t.status, TaskStatus::Pending | TaskStatus::Started))
            .count();
        if busy == 0 {
            let failed: Vec<_> = tasks.nodes.iter().filter(|t| t.status == TaskStatus::Failed).collect();
            assert!(failed.is_empty(), "no task may fail: {failed:?}");
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "tasks did not settle: {tasks:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
