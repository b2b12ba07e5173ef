//! Sharing tables in one account, end to end against moto: the worker's share processing makes
//! exactly the Lake Formation grants the share needs, and revoking takes back exactly those of
//! the revoked items (the database grant last, once nothing is shared).
//!
//! moto facts this leans on: Lake Formation grants are recorded per account and listed back
//! (the principal need not exist); revoking a grant that was granted twice can fail with HTTP
//! 500 in moto, which is one more reason processing grants only what is missing.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    on_both_backends,
    shares::ItemFilter,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::share_support::{
    SharedDataset, deployed_dataset_with_tables, grants_of, item_states, newest, page, shown,
    teamb_requests_every_table,
};

async fn tables_are_shared_in_one_account_and_revoked_item_by_item(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers", "orders", "refunds"]).await;
    // TeamB joins the environment and asks for the three tables.
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, tables } = fixture;
    let shares = core.shares();
    shares.reject(&alice, &share.share_uri, Some("say why")).await.expect("rejected");
    shares.submit(&bob, &share.share_uri).await.expect("resubmitted");
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");

    let share = shares.get(&bob, &share.share_uri).await.expect("share");
    assert_eq!(share.status, "Processed");
    let states = item_states(&core, &bob, &share.share_uri).await;
    let healthy = |name: &str| (name.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    assert_eq!(states, [healthy("customers"), healthy("orders"), healthy("refunds")]);

    let role = share.principal_role_arn.clone();
    let lake = LakeGrants::new(&owner);
    let database = LfResource::database(
        &account,
        &dataset.restricted().expect("the admin team's view").glue_database_name,
    );
    let table = |name: &str| {
        LfResource::table(
            &account,
            &dataset.restricted().expect("the admin team's view").glue_database_name,
            name,
        )
    };
    let granted = grants_of(&lake, &role).await;
    let mut expected = vec![Grant::new(role.clone(), database.clone(), &[LfPermission::Describe])];
    for name in ["customers", "orders", "refunds"] {
        expected.push(Grant::new(role.clone(), table(name), &[LfPermission::Describe, LfPermission::Select]));
    }
    assert_eq!(shown(&granted), shown(&expected), "exactly the grants the share needs");
    let shared =
        shares.shared_tables(&bob, &dataset.dataset_uri, &dataset.environment_uri).await.expect("shared");
    let names: Vec<&str> = shared.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, ["customers", "orders", "refunds"]);

    // Drift: someone removes the orders grant behind Sluice's back. Verify sees it, reapply
    // repairs it.
    let orders_grant =
        Grant::new(role.clone(), table("orders"), &[LfPermission::Describe, LfPermission::Select]);
    lake.revoke(&orders_grant).await.expect("drift");
    shares.verify(&bob, &share.share_uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
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
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
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
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(
        report,
        serde_json::json!({"queued": 1, "drift": {"datasets": 1, "grants": 0, "unreadable": []}}),
        "one share to verify, and Lake Formation holds nothing Sluice did not grant"
    );
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);

    // Revoke one: its grant goes, the others and the database grant stay.
    shares.revoke(&bob, &share.share_uri, &[tables[1].table_uri.clone()]).await.expect("revoking orders");
    let revoked = newest(&core, &db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
    let left = lake.list(Some(&role), None).await.expect("list");
    assert_eq!(left.len(), 3, "{}", shown(&left).join("\n"));
    assert!(!left.iter().any(|g| g.resource == table("orders")));
    assert_eq!(item_states(&core, &bob, &share.share_uri).await[1].1, "Revoke_Succeeded");

    // Revoke the rest: nothing is left, the database grant included.
    let rest = vec![tables[0].table_uri.clone(), tables[2].table_uri.clone()];
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
