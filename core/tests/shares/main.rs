//! Share requests at the domain level, on Postgres and SQLite: who may ask, decide and revoke,
//! the data.all state machine applied with conditional writes (racing decisions end in one
//! winner), and the dataset rule that shares holding grants keep it from being deleted.

use std::collections::BTreeMap;

use sluice_core::{
    Actor, Core,
    datasets::{
        NewDataset,
        tables::{GlueColumn, GlueTable},
    },
    environments::NewEnvironment,
    on_both_backends,
    organizations::NewOrganization,
    page::PageRequest,
    shares::{ItemFilter, NewShare, ShareFilter, ShareRole},
    testkit::{Backend, TestDb, fake_aws},
};

mod events;

fn actor(name: &str, groups: &[&str]) -> Actor {
    Actor::authenticated(
        sluice_core::testkit::TEST_ISSUER,
        name,
        groups.iter().map(|g| (*g).to_owned()),
        "DAAdministrators",
    )
}

fn page() -> PageRequest {
    PageRequest::new(Some(1), Some(100)).expect("page")
}

struct World {
    db: TestDb,
    core: Core,
    /// TeamA's dataset, with stewards TeamS, in TeamA's environment.
    dataset: String,
    /// Its three synced tables.
    tables: Vec<String>,
    /// The environment TeamB is invited to with CREATE_SHARE_OBJECT.
    env: String,
}

/// TeamA owns an environment and a dataset with three tables; TeamB may request shares into
/// the environment; TeamC is in the environment without that right.
async fn world(backend: Backend) -> World {
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone()).with_aws(fake_aws::aws_settings());
    let alice = actor("alice", &["TeamA"]);
    for a in [&alice, &actor("bob", &["TeamB"]), &actor("carol", &["TeamC"])] {
        core.admit(a).await.expect("admit");
    }
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("Org".into()),
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
                label: "Lake".into(),
                organization_uri: org.organization_uri,
                saml_group_name: "TeamA".into(),
                aws_account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("env")
        .environment_uri;
    let invite = sluice_core::testkit::invite_to_environment;
    invite(
        &core,
        &alice,
        &env,
        "TeamB",
        &["CREATE_SHARE_OBJECT".into(), "ADD_ENVIRONMENT_CONSUMPTION_ROLES".into()],
    )
    .await
    .expect("TeamB");
    invite(&core, &alice, &env, "TeamC", &[]).await.expect("TeamC");
    let dataset = core
        .datasets()
        .create(
            &alice,
            NewDataset {
                label: "Sales".into(),
                environment_uri: env.clone(),
                saml_admin_group_name: "TeamA".into(),
                stewards: Some("TeamS".into()),
                ..Default::default()
            },
        )
        .await
        .expect("dataset")
        .dataset_uri
        .clone();
    let mut sync = core.system("test").start_table_sync(&dataset, 10).await.expect("sync");
    let table = |name: &str| GlueTable {
        name: name.into(),
        description: None,
        location: None,
        columns: vec![GlueColumn { name: "id".into(), type_: Some("bigint".into()), comment: None }],
        partition_keys: vec![],
        parameters: BTreeMap::new(),
        table_type: None,
    };
    sync.apply_page(vec![table("customers"), table("orders"), table("refunds")]).await.expect("page");
    sync.finish().await.expect("finish");
    let tables = core
        .datasets()
        .list_tables(&alice, Some(&dataset), None, page())
        .await
        .expect("tables")
        .nodes
        .into_iter()
        .map(|t| t.table_uri)
        .collect();
    World { db, core, dataset, tables, env }
}

fn request(env: &str) -> NewShare {
    NewShare {
        environment_uri: env.into(),
        group_uri: "TeamB".into(),
        principal_id: "TeamB".into(),
        principal_type: "Group".into(),
        request_purpose: Some("quarterly reporting".into()),
        permissions: vec!["Read".into()],
        ..Default::default()
    }
}

async fn a_request_is_drafted_submitted_rejected_resubmitted_and_approved(backend: Backend) {
    let w = world(backend).await;
    let (alice, bob, carol, steward) = (
        actor("alice", &["TeamA"]),
        actor("bob", &["TeamB"]),
        actor("carol", &["TeamC"]),
        actor("sam", &["TeamS"]),
    );
    let shares = w.core.shares();

    let refused = shares
        .create(
            &carol,
            &w.dataset,
            None,
            NewShare { group_uri: "TeamC".into(), principal_id: "TeamC".into(), ..request(&w.env) },
        )
        .await;
    assert_eq!(refused.expect_err("TeamC lacks CREATE_SHARE_OBJECT").code(), "FORBIDDEN");
    let write = shares
        .create(&bob, &w.dataset, None, NewShare { permissions: vec!["Write".into()], ..request(&w.env) })
        .await;
    assert_eq!(write.expect_err("Read only by default").code(), "BAD_USER_INPUT");

    let share = shares
        .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request(&w.env))
        .await
        .expect("created");
    assert_eq!((share.status.as_str(), share.already_existed), ("Draft", false));
    assert!(
        share.principal_role_arn.starts_with("arn:aws:iam::111122223333:role/"),
        "{}",
        share.principal_role_arn
    );
    let again =
        shares.create(&bob, &w.dataset, Some((&w.tables[1], "Table")), request(&w.env)).await.expect("same");
    assert_eq!((again.share_uri.as_str(), again.already_existed), (share.share_uri.as_str(), true));
    shares.add_item(&bob, &share.share_uri, &w.tables[2], "Table").await.expect("third");
    let dup = shares.add_item(&bob, &share.share_uri, &w.tables[2], "Table").await.expect_err("twice");
    assert_eq!(dup.code(), "CONFLICT");
    let foreign =
        shares.add_item(&bob, &share.share_uri, "notatable", "Table").await.expect_err("not the dataset's");
    assert_eq!(foreign.code(), "BAD_USER_INPUT");
    assert_eq!(
        shares.add_item(&carol, &share.share_uri, &w.tables[2], "Table").await.expect_err("no").code(),
        "FORBIDDEN"
    );

    // Approvers cannot approve a draft; requesters cannot approve at all.
    assert_eq!(shares.approve(&alice, &share.share_uri).await.expect_err("a draft").code(), "INVALID_STATE");
    shares.submit(&bob, &share.share_uri).await.expect("submitted");
    assert_eq!(
        shares.approve(&bob, &share.share_uri).await.expect_err("requesters do not approve").code(),
        "FORBIDDEN"
    );
    let rejected =
        shares.reject(&steward, &share.share_uri, Some("too broad")).await.expect("stewards decide");
    assert_eq!(
        (rejected.status.as_str(), rejected.reject_purpose.as_deref()),
        ("Rejected", Some("too broad"))
    );
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    assert!(items.nodes.iter().all(|i| i.status == "Share_Rejected"), "{items:?}");

    let resubmitted = shares.submit(&bob, &share.share_uri).await.expect("resubmitted");
    assert_eq!(resubmitted.status, "Submitted");
    let approved = shares.approve(&alice, &share.share_uri).await.expect("approved");
    assert_eq!(approved.status, "Approved");
    let items = shares.items(&alice, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    assert_eq!(items.count, 3);
    assert!(items.nodes.iter().all(|i| i.status == "Share_Approved"), "{items:?}");
    let tasks = w.core.tasks().list(&alice, &Default::default(), page()).await.expect("tasks");
    assert!(
        tasks
            .nodes
            .iter()
            .any(|t| t.action == "share.process" && t.payload["shareUri"] == share.share_uri.as_str())
    );

    assert_eq!(shares.role_of(&alice, &approved).await.expect("role"), ShareRole::Approvers);
    assert_eq!(shares.role_of(&bob, &approved).await.expect("role"), ShareRole::Requesters);
    assert_eq!(shares.get(&carol, &share.share_uri).await.expect_err("outsiders").code(), "FORBIDDEN");
    let inbox = shares.inbox(&steward, &ShareFilter::default(), page()).await.expect("inbox");
    let outbox = shares.outbox(&bob, &ShareFilter::default(), page()).await.expect("outbox");
    assert_eq!((inbox.count, outbox.count), (1, 1));
    assert_eq!(shares.inbox(&bob, &ShareFilter::default(), page()).await.expect("inbox").count, 0);
    assert_eq!(shares.outbox(&carol, &ShareFilter::default(), page()).await.expect("outbox").count, 0);
    let logs = shares.logs(&bob, &share.share_uri).await.expect("logs");
    let said: Vec<&str> = logs.iter().map(|l| l.message.as_str()).collect();
    assert!(said.len() == 4 && said[1].contains("rejected: too broad"), "{said:?}");
}

/// Many approvals of one submitted share at once: exactly one wins, the others are told why.
async fn racing_approvals_have_one_winner(backend: Backend) {
    let w = world(backend).await;
    let (alice, bob) = (actor("alice", &["TeamA"]), actor("bob", &["TeamB"]));
    let share = w
        .core
        .shares()
        .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request(&w.env))
        .await
        .expect("share");
    w.core.shares().submit(&bob, &share.share_uri).await.expect("submitted");
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (core, alice, uri) = (w.core.clone(), alice.clone(), share.share_uri.clone());
        racers.spawn(async move {
            if i % 2 == 0 {
                core.shares().approve(&alice, &uri).await.map(|_| "approved")
            } else {
                core.shares().reject(&alice, &uri, Some("no")).await.map(|_| "rejected")
            }
        });
    }
    let mut won = vec![];
    while let Some(outcome) = racers.join_next().await {
        match outcome.expect("joined") {
            Ok(what) => won.push(what),
            Err(e) => assert!(matches!(e.code(), "CONFLICT" | "INVALID_STATE"), "{e}"),
        }
    }
    assert_eq!(won.len(), 1, "one decision won: {won:?}");
    let share = w.core.shares().get(&alice, &share.share_uri).await.expect("share");
    let items =
        w.core.shares().items(&alice, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    let expected_item = if won[0] == "approved" { "Share_Approved" } else { "Share_Rejected" };
    assert_eq!(
        (share.status.as_str(), items.nodes[0].status.as_str()),
        (if won[0] == "approved" { "Approved" } else { "Rejected" }, expected_item)
    );
    let processing = w.core.tasks().list(&alice, &Default::default(), page()).await.expect("tasks");
    let queued = processing.nodes.iter().filter(|t| t.action == "share.process").count();
    assert_eq!(queued, usize::from(won[0] == "approved"), "one processing task, or none");
    drop(w.db);
}

async fn shares_are_deleted_only_without_grants_and_keep_their_dataset_until_then(backend: Backend) {
    let w = world(backend).await;
    let (alice, bob) = (actor("alice", &["TeamA"]), actor("bob", &["TeamB"]));
    let share = w
        .core
        .shares()
        .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request(&w.env))
        .await
        .expect("share");
    // Processing is not part of this test: mark the item shared as processing would.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    sluice_entities::share_item::Entity::update_many()
        .col_expr(sluice_entities::share_item::Column::Status, Expr::value("Share_Succeeded"))
        .filter(sluice_entities::share_item::Column::ShareUri.eq(&share.share_uri))
        .exec(&w.db.db)
        .await
        .expect("marked shared");
    let held = w.core.datasets().delete(&alice, &w.dataset, false).await.expect_err("a share holds grants");
    assert_eq!(held.code(), "INVALID_STATE");
    assert!(held.to_string().contains(&share.share_uri), "{held}");
    let kept = w.core.shares().delete(&bob, &share.share_uri).await.expect_err("revoke first");
    assert_eq!(kept.code(), "INVALID_STATE");
    let item = w
        .core
        .shares()
        .items(&bob, &share.share_uri, &ItemFilter { is_revokable: Some(true), ..Default::default() }, page())
        .await
        .expect("items");
    assert_eq!(item.count, 1);
    let revoked =
        w.core.shares().revoke(&bob, &share.share_uri, &[w.tables[0].clone()]).await.expect("revoking");
    assert_eq!(revoked.status, "Revoked");
    let items =
        w.core.shares().items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    assert_eq!(items.nodes[0].status, "Revoke_Approved", "succeeded only after the clean-up");
    assert_eq!(
        w.core.datasets().delete(&alice, &w.dataset, false).await.expect_err("still held").code(),
        "INVALID_STATE"
    );
}

/// A deletion that races the start of processing: while processing holds the share row (its
/// first write), the deletion waits, then sees the items in progress and refuses. Before the
/// check moved into the deleting transaction, it read the items before processing committed and
/// deleted the dataset under a share that was making grants. Postgres only: SQLite runs write
/// transactions one at a time, so there is no interleaving to test.
#[tokio::test]
async fn a_deletion_racing_the_start_of_processing_waits_and_refuses() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let w = world(Backend::Postgres).await;
    let (alice, bob) = (actor("alice", &["TeamA"]), actor("bob", &["TeamB"]));
    let share = w
        .core
        .shares()
        .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request(&w.env))
        .await
        .expect("share");
    let processing = w.db.db.begin().await.expect("begin");
    let uri = &share.share_uri;
    processing
        .execute_unprepared(&format!(
            "UPDATE share_object SET status = 'Share_In_Progress' WHERE share_uri = '{uri}'"
        ))
        .await
        .expect("processing takes the share row");
    let core = w.core.clone();
    let dataset = w.dataset.clone();
    let deleting = tokio::spawn(async move { core.datasets().delete(&alice, &dataset, false).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!deleting.is_finished(), "the deletion waits for the share row");
    processing
        .execute_unprepared(&format!(
            "UPDATE share_item SET status = 'Share_In_Progress' WHERE share_uri = '{uri}'"
        ))
        .await
        .expect("items in progress");
    processing.commit().await.expect("commit");
    let refused = deleting.await.expect("joined").expect_err("a share is being processed");
    assert_eq!(refused.code(), "INVALID_STATE", "{refused}");
}

/// Fifty decisions at once on five shares of one dataset: every share ends in a state its
/// items agree with, and each approval that won queued exactly one processing task.
async fn fifty_concurrent_decisions_leave_every_share_consistent(backend: Backend) {
    use sluice_core::{
        environments::NewConsumptionPrincipal,
        shares::{ItemStatus, ShareStatus},
    };
    let w = world(backend).await;
    let (alice, bob) = (actor("alice", &["TeamA"]), actor("bob", &["TeamB"]));
    let mut principals = vec![("Group".to_owned(), "TeamB".to_owned())];
    for i in 0..4 {
        let role = w
            .core
            .environments()
            .add_consumption_principal(
                &bob,
                NewConsumptionPrincipal {
                    environment_uri: w.env.clone(),
                    group_uri: "TeamB".into(),
                    name: format!("etl{i}"),
                    principal_arn: format!("arn:aws:iam::111122223333:role/etl{i}"),
                    policy_management: "EXTERNALLY_MANAGED".into(),
                },
            )
            .await
            .expect("consumption role");
        principals.push(("ConsumptionRole".into(), role.consumption_principal_uri));
    }
    let mut shares = vec![];
    for (kind, id) in &principals {
        let request = NewShare { principal_type: kind.clone(), principal_id: id.clone(), ..request(&w.env) };
        let share = w
            .core
            .shares()
            .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request)
            .await
            .expect("share");
        w.core.shares().add_item(&bob, &share.share_uri, &w.tables[1], "Table").await.expect("item");
        w.core.shares().submit(&bob, &share.share_uri).await.expect("submitted");
        shares.push(share.share_uri);
    }

    let mut racers = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (core, alice, bob, uri) = (w.core.clone(), alice.clone(), bob.clone(), shares[i % 5].clone());
        let table = w.tables[0].clone();
        racers.spawn(async move {
            let shares = core.shares();
            // Every share gets every kind of decision, in an order the scheduler picks.
            match (i / 5) % 5 {
                0 | 3 => shares.approve(&alice, &uri).await.map(|_| "approve"),
                1 => shares.revoke(&bob, &uri, &[table]).await.map(|_| "revoke"),
                2 => shares.reject(&alice, &uri, Some("no")).await.map(|_| "reject"),
                _ => shares.submit(&bob, &uri).await.map(|_| "submit"),
            }
        });
    }
    let (mut approvals, mut decided, mut resubmitted) = (0, 0, 0);
    while let Some(outcome) = racers.join_next().await {
        match outcome.expect("joined") {
            Ok("approve") => approvals += 1,
            Ok("reject") => decided += 1,
            Ok("submit") => resubmitted += 1,
            Ok(_) => {}
            Err(e) => assert!(matches!(e.code(), "CONFLICT" | "INVALID_STATE"), "only state refusals: {e}"),
        }
    }

    let page = page();
    let mut waiting = 0;
    for uri in &shares {
        let share = w.core.shares().get(&alice, uri).await.expect("share");
        let status = ShareStatus::parse(&share.status).expect("known status");
        let items = w.core.shares().items(&alice, uri, &ItemFilter::default(), page).await.expect("items");
        let states: Vec<ItemStatus> =
            items.nodes.iter().map(|i| ItemStatus::parse(&i.status).expect("known")).collect();
        let agree = match status {
            ShareStatus::Approved => states.iter().all(|s| *s == ItemStatus::ShareApproved),
            ShareStatus::Rejected => states.iter().all(|s| *s == ItemStatus::ShareRejected),
            ShareStatus::Submitted => {
                waiting += 1;
                states.iter().all(|s| *s == ItemStatus::PendingApproval)
            }
            other => panic!("no worker runs, so share {uri} cannot be {other:?}"),
        };
        assert!(agree, "share {uri} is {status:?} but its items are {states:?}");
    }
    let tasks = w
        .core
        .tasks()
        .list(&alice, &Default::default(), PageRequest::new(Some(1), Some(100)).expect("page"))
        .await
        .expect("tasks");
    let queued = tasks.nodes.iter().filter(|t| t.action == "share.process").count();
    assert_eq!(queued, approvals, "one processing task per approval that won");
    assert!(approvals <= shares.len(), "a share is approved once");
    // Every submission (the first five and each resubmission after a rejection) was decided
    // exactly once, or is still waiting.
    assert_eq!(approvals + decided + waiting, shares.len() + resubmitted, "one decision per submission");
}

on_both_backends!(
    fifty_concurrent_decisions_leave_every_share_consistent,
    a_request_is_drafted_submitted_rejected_resubmitted_and_approved,
    racing_approvals_have_one_winner,
    shares_are_deleted_only_without_grants_and_keep_their_dataset_until_then,
);
