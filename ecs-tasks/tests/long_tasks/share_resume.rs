//! A worker that dies in the middle of a share: the share and some items are left in progress
//! and some grants are made. When processing runs again it picks the in-progress items up and
//! the share ends with exactly the grants it needs. (The worker's own crash handling, a SIGKILL
//! mid-task and redelivery, is tested in worker/.) moto merges a grant made twice in its
//! listing, so a duplicate cannot show here; processing avoids them by granting only what Lake
//! Formation does not show yet.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    on_both_backends,
    shares::processing::Mode,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{
        deployed_dataset_with_tables, grants_of, item_states, newest, shown, teamb_requests_every_table,
    },
    support::Running,
};

async fn a_share_interrupted_half_way_finishes_without_duplicate_or_missing_grants(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers", "orders", "refunds"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let (core, alice, account, dataset) =
        (fixture.core.clone(), fixture.alice.clone(), fixture.account.clone(), fixture.dataset.clone());
    fixture.running.stop().await;

    // The approval is queued while no worker runs; a worker then starts it and dies after one
    // table's grants.
    core.shares().approve(&alice, &share.share_uri).await.expect("approved");
    let work = core
        .system("test")
        .begin_share_work(&share.share_uri, Mode::Share, &[])
        .await
        .expect("begin")
        .expect("work");
    assert_eq!((work.share.status.as_str(), work.items.len()), ("Share_In_Progress", 3));
    let role = work.share.principal_role_arn.clone();
    let lake = LakeGrants::new(&fixture.owner);
    let table = |name: &str| {
        LfResource::table(
            &account,
            &dataset.restricted().expect("the admin team's view").glue_database_name,
            name,
        )
    };
    let database = LfResource::database(
        &account,
        &dataset.restricted().expect("the admin team's view").glue_database_name,
    );
    lake.grant(&Grant::new(role.clone(), database.clone(), &[LfPermission::Describe]))
        .await
        .expect("db grant");
    lake.grant(&Grant::new(role.clone(), table("orders"), &[LfPermission::Describe, LfPermission::Select]))
        .await
        .expect("orders grant");

    // A new worker picks the redelivered task up.
    let running = Running::start(&db).await;
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");
    let healthy = |name: &str| (name.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    assert_eq!(
        item_states(&core, &bob, &share.share_uri).await,
        [healthy("customers"), healthy("orders"), healthy("refunds")]
    );
    let mut expected = vec![Grant::new(role.clone(), database, &[LfPermission::Describe])];
    for name in ["customers", "orders", "refunds"] {
        expected.push(Grant::new(role.clone(), table(name), &[LfPermission::Describe, LfPermission::Select]));
    }
    assert_eq!(
        shown(&grants_of(&lake, &role).await),
        shown(&expected),
        "exactly the grants the share needs, none missing"
    );
    assert_eq!(core.shares().get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    running.stop().await;
}

on_both_backends!(a_share_interrupted_half_way_finishes_without_duplicate_or_missing_grants);
