//! Sharing tables in one account, end to end against moto: the worker's share processing makes
//! exactly the Lake Formation grants the share needs, and revoking takes back exactly those of
//! the revoked items (the database grant last, once nothing is shared).
//!
//! moto facts this leans on: Lake Formation grants are recorded per account and listed back
//! (the principal need not exist); revoking a grant that was granted twice can fail with HTTP
//! 500 in moto, which is one more reason processing grants only what is missing.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource, sdk};
use sluice_core::{
    datasets::tables::IN_SYNC,
    on_both_backends,
    page::PageRequest,
    shares::{ItemFilter, NewShare},
    tasks::{Task, TaskStatus},
    testkit::{Backend, TestDb},
};

use crate::{
    dataset::dataset_in_a_linked_account,
    support::{Running, owner_session, wait_for},
};

/// The newest `action` task the dataset's admins see, once it has finished.
async fn newest(core: &sluice_core::Core, db: &TestDb, action: &str) -> Task {
    let alice = sluice_core::Actor::new("alice", ["TeamA".to_owned()], "DAAdministrators");
    let page = PageRequest::new(None, Some(100)).expect("page");
    let tasks = core.tasks().list(&alice, &Default::default(), page).await.expect("tasks");
    let task =
        tasks.nodes.into_iter().find(|t| t.action == action).unwrap_or_else(|| panic!("no {action} task"));
    wait_for(db, &task.task_uri).await
}

async fn tables_are_shared_in_one_account_and_revoked_item_by_item(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, account, dataset) = dataset_in_a_linked_account(&db).await;
    let running = Running::start(&db).await;
    let stack = core.datasets().stack(&alice, &dataset.dataset_uri).await.expect("stack");
    assert_eq!(wait_for(&db, stack.task_uri.as_deref().expect("task")).await.status, TaskStatus::Succeeded);

    let owner = owner_session(&account).await;
    let glue = sdk::glue::Client::new(&owner);
    for name in ["customers", "orders", "refunds"] {
        let column = sdk::glue::types::Column::builder().name("id").r#type("bigint").build().expect("column");
        let input = sdk::glue::types::TableInput::builder()
            .name(name)
            .storage_descriptor(sdk::glue::types::StorageDescriptor::builder().columns(column).build())
            .build()
            .expect("table");
        glue.create_table()
            .database_name(&dataset.glue_database_name)
            .table_input(input)
            .send()
            .await
            .expect("table");
    }
    let sync = core.datasets().queue_sync(&alice, &dataset.dataset_uri).await.expect("sync");
    assert_eq!(wait_for(&db, &sync).await.status, TaskStatus::Succeeded);
    let page = PageRequest::new(Some(1), Some(100)).expect("page");
    let tables =
        core.datasets().list_tables(&alice, Some(&dataset.dataset_uri), None, page).await.expect("tables");
    assert!(tables.nodes.iter().all(|t| t.status == IN_SYNC) && tables.count == 3);

    // TeamB joins the environment and asks for the three tables.
    let env = dataset.environment_uri.clone();
    core.environments()
        .invite_group(&alice, &env, "TeamB", &["CREATE_SHARE_OBJECT".into()], None)
        .await
        .expect("TeamB");
    let bob = sluice_core::Actor::new("bob", ["TeamB".to_owned()], "DAAdministrators");
    core.admit(&bob).await.expect("admit");
    let request = NewShare {
        environment_uri: env.clone(),
        group_uri: "TeamB".into(),
        principal_id: "TeamB".into(),
        principal_type: "Group".into(),
        request_purpose: Some("reporting".into()),
        permissions: vec![],
    };
    let shares = core.shares();
    let share = shares.create(&bob, &dataset.dataset_uri, None, request).await.expect("share");
    for table in &tables.nodes {
        shares.add_item(&bob, &share.share_uri, &table.table_uri, "Table").await.expect("item");
    }
    shares.submit(&bob, &share.share_uri).await.expect("submitted");
    shares.reject(&alice, &share.share_uri, Some("say why")).await.expect("rejected");
    shares.submit(&bob, &share.share_uri).await.expect("resubmitted");
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");

    let share = shares.get(&bob, &share.share_uri).await.expect("share");
    assert_eq!(share.status, "Processed");
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page).await.expect("items");
    let states: Vec<(&str, &str, Option<&str>)> = items
        .nodes
        .iter()
        .map(|i| (i.item_name.as_str(), i.status.as_str(), i.health_status.as_deref()))
        .collect();
    assert_eq!(
        states,
        [
            ("customers", "Share_Succeeded", Some("Healthy")),
            ("orders", "Share_Succeeded", Some("Healthy")),
            ("refunds", "Share_Succeeded", Some("Healthy"))
        ]
    );

    let role = share.principal_role_arn.clone();
    let lake = LakeGrants::new(&owner);
    let database = LfResource::database(&account, &dataset.glue_database_name);
    let table = |name: &str| LfResource::table(&account, &dataset.glue_database_name, name);
    let mut granted = lake.list(Some(&role), None).await.expect("list");
    granted.sort_by(|a, b| a.resource.cmp(&b.resource));
    let mut expected = vec![Grant::new(role.clone(), database.clone(), &[LfPermission::Describe])];
    for name in ["customers", "orders", "refunds"] {
        expected.push(Grant::new(role.clone(), table(name), &[LfPermission::Describe, LfPermission::Select]));
    }
    expected.sort_by(|a, b| a.resource.cmp(&b.resource));
    let shown = |grants: &[Grant]| grants.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(shown(&granted), shown(&expected), "exactly the grants the share needs");

    // Drift: someone removes the orders grant behind Sluice's back. Verify sees it, reapply
    // repairs it.
    let orders_grant =
        Grant::new(role.clone(), table("orders"), &[LfPermission::Describe, LfPermission::Select]);
    lake.revoke(&orders_grant).await.expect("drift");
    shares.verify(&bob, &share.share_uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page).await.expect("items");
    let health: Vec<(&str, Option<&str>)> =
        items.nodes.iter().map(|i| (i.item_name.as_str(), i.health_status.as_deref())).collect();
    assert_eq!(
        health,
        [("customers", Some("Healthy")), ("orders", Some("Unhealthy")), ("refunds", Some("Healthy"))]
    );
    assert!(
        items.nodes[1].health_message.as_deref().is_some_and(|m| m.contains("orders")),
        "{:?}",
        items.nodes[1]
    );
    assert_eq!(
        shares.reapply(&bob, &share.share_uri, &[]).await.expect_err("requesters do not reapply").code(),
        "FORBIDDEN"
    );
    shares.reapply(&alice, &share.share_uri, &[]).await.expect("reapply queued");
    assert_eq!(newest(&core, &db, "share.reapply").await.status, TaskStatus::Succeeded);
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page).await.expect("items");
    assert!(items.nodes.iter().all(|i| i.health_status.as_deref() == Some("Healthy")), "{items:?}");
    let mut regranted = lake.list(Some(&role), None).await.expect("list");
    regranted.sort_by(|a, b| a.resource.cmp(&b.resource));
    assert_eq!(shown(&regranted), shown(&expected), "the grant is back, nothing else changed");

    // The periodic check queues a verification of every share with shared items.
    let out = std::process::Command::new(crate::ecs_tasks())
        .arg("verify-shares")
        .envs(crate::support::child_env(&db))
        .output()
        .expect("ecs-tasks runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), r#"{"queued":1}"#);
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);

    // Revoke one: its grant goes, the others and the database grant stay.
    shares
        .revoke(&bob, &share.share_uri, &[tables.nodes[1].table_uri.clone()])
        .await
        .expect("revoking orders");
    let revoked = newest(&core, &db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
    let left = lake.list(Some(&role), None).await.expect("list");
    assert_eq!(left.len(), 3, "{}", shown(&left).join("\n"));
    assert!(!left.iter().any(|g| g.resource == table("orders")));
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page).await.expect("items");
    assert_eq!(items.nodes[1].status, "Revoke_Succeeded");

    // Revoke the rest: nothing is left, the database grant included.
    let rest = vec![tables.nodes[0].table_uri.clone(), tables.nodes[2].table_uri.clone()];
    shares.revoke(&alice, &share.share_uri, &rest).await.expect("approvers revoke too");
    let revoked = newest(&core, &db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
    assert_eq!(shown(&lake.list(Some(&role), None).await.expect("list")), Vec::<String>::new());
    assert_eq!(shares.get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    let logs = shares.logs(&bob, &share.share_uri).await.expect("logs");
    assert!(logs.iter().any(|l| l.message == "orders: done"), "{logs:?}");
    running.stop().await;
}

on_both_backends!(tables_are_shared_in_one_account_and_revoked_item_by_item);
