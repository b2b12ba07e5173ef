//! A worker process SIGKILLed in the middle of a share: a new one takes the task once its lease
//! runs out, resumes the share from where the database says it is, and ends with exactly the
//! Lake Formation grants the share needs.
//!
//! The worker process is this test binary run again with `--ignored --exact
//! share_kill::child_pipeline`: the standard pipeline (dispatcher, worker, tracker) on the test's
//! database, talking to the same moto.

use std::{process::Stdio, time::Duration};

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    on_both_backends,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{
        SharedDataset, deployed_dataset_with_tables, grants_of, item_states, newest, shown,
        teamb_requests_every_table,
    },
    support::Running,
};

const CHILD_ENV: &str = "SLUICE_SHARE_KILL_TEST_DB";
const TABLES: [&str; 12] =
    ["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "t12"];

fn spawn_child(url: &str) -> tokio::process::Child {
    tokio::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--ignored", "--exact", "share_kill::child_pipeline", "--nocapture"])
        .env(CHILD_ENV, url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the worker process")
}

async fn a_worker_killed_mid_share_finishes_it_after_restart_with_exact_grants(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &TABLES).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    // From here on, only the child processes run tasks.
    running.stop().await;
    let shares = core.shares();
    shares.approve(&alice, &share.share_uri).await.expect("approved");

    let mut first = spawn_child(&db.url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while shares.get(&bob, &share.share_uri).await.expect("share").status != "Share_In_Progress" {
        assert!(tokio::time::Instant::now() < deadline, "the worker process never started the share");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.start_kill().expect("SIGKILL");
    first.wait().await.expect("reap");
    let at_kill = shares.get(&bob, &share.share_uri).await.expect("share");
    assert_eq!(at_kill.status, "Share_In_Progress", "the kill landed mid-share");
    // The kill may land while items are still being moved to in-progress, or while grants are
    // being made: either way no item is done yet.
    let states = item_states(&core, &bob, &share.share_uri).await;
    assert!(states.iter().all(|(_, s, _)| s == "Share_Approved" || s == "Share_In_Progress"), "{states:?}");

    let mut second = spawn_child(&db.url);
    let processed = newest(&core, &db, "share.process").await;
    second.start_kill().expect("kill");
    second.wait().await.expect("reap");
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");
    assert!(processed.attempts >= 2, "the interrupted task ran again: {processed:?}");

    assert_eq!(shares.get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    let healthy = |n: &str| (n.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    assert_eq!(item_states(&core, &bob, &share.share_uri).await, TABLES.map(healthy));
    let role = shares.get(&bob, &share.share_uri).await.expect("share").principal_role_arn;
    let database = LfResource::database(
        &account,
        &dataset.restricted().expect("the admin team's view").glue_database_name,
    );
    let mut expected = vec![Grant::new(role.clone(), database, &[LfPermission::Describe])];
    for name in TABLES {
        let table = LfResource::table(
            &account,
            &dataset.restricted().expect("the admin team's view").glue_database_name,
            name,
        );
        expected.push(Grant::new(role.clone(), table, &[LfPermission::Describe, LfPermission::Select]));
    }
    let lake = LakeGrants::new(&owner);
    assert_eq!(shown(&grants_of(&lake, &role).await), shown(&expected), "no missing or extra grant");
}

on_both_backends!(a_worker_killed_mid_share_finishes_it_after_restart_with_exact_grants);

#[tokio::test]
#[ignore = "the share kill test's worker process; it runs only when that test starts it"]
async fn child_pipeline() {
    let url = std::env::var(CHILD_ENV).expect("started by the share kill test");
    let mut options = sea_orm::ConnectOptions::new(url.clone());
    options.max_connections(5).sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await.expect("connect");
    let _running = Running::start_on(db, &url).await;
    std::future::pending::<()>().await;
}
