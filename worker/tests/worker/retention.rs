//! The audit trail's retention (`SLUICE_AUDIT_RETENTION_DAYS`): rows older than the setting go,
//! a batch at a time; newer ones stay; the pruning itself is on record.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use sluice_core::{
    Core, on_both_backends,
    testkit::{
        Backend, TestDb,
        activity::{Rows, fill},
    },
};
use sluice_worker::ActivityRetention;
use tokio_util::sync::CancellationToken;

use super::support::count;

const ALL: &str = "SELECT COUNT(*) FROM activity";

async fn fill_old_and_new(db: &TestDb) {
    let rows = Rows::of("updateDataset", "alice", ("d1", "dataset"), None);
    let now = Utc::now();
    // 2,500 rows from 40 days ago, and 10 from a day and an hour ago.
    fill(&db.db, &rows, 2500, now - TimeDelta::days(40), TimeDelta::seconds(1)).await;
    fill(&db.db, &rows, 10, now - TimeDelta::days(1) - TimeDelta::hours(1), TimeDelta::seconds(1)).await;
}

async fn rows_older_than_the_retention_are_deleted_in_batches_and_the_rest_kept(backend: Backend) {
    let db = TestDb::new(backend).await;
    fill_old_and_new(&db).await;
    let core = Core::new(db.db.clone());

    // Batches of 7 end on a partial one: every old row goes, none of the new.
    let deleted = core.system("test").prune_activity(30, 7).await.expect("prune");
    assert_eq!(deleted, 2500);
    assert_eq!(count(&db.db, "SELECT COUNT(*) FROM activity WHERE action = 'updateDataset'").await, 10);
    let noted = count(
        &db.db,
        "SELECT COUNT(*) FROM activity WHERE action = 'pruneActivity' AND actor = 'system:test' AND summary LIKE 'deleted 2500 row(s) created before %'",
    )
    .await;
    assert_eq!(noted, 1, "the pruning is in the trail, for platform admins");

    // Nothing left to prune: nothing deleted, and nothing written.
    let retention = ActivityRetention::new(core.clone(), 30, Duration::from_secs(3600));
    assert_eq!(retention.prune_once().await.expect("again"), 0);
    assert_eq!(count(&db.db, ALL).await, 11);
    // A shorter retention reaches yesterday's rows too, and not the note just written.
    assert_eq!(
        ActivityRetention::new(core, 1, Duration::from_secs(3600)).prune_once().await.expect("1 day"),
        10
    );
}

async fn the_worker_prunes_on_its_schedule_until_stopped(backend: Backend) {
    let db = TestDb::new(backend).await;
    fill_old_and_new(&db).await;
    let stop = CancellationToken::new();
    let retention = ActivityRetention::new(Core::new(db.db.clone()), 30, Duration::from_millis(50));
    let running = tokio::spawn(retention.run(stop.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count(&db.db, "SELECT COUNT(*) FROM activity WHERE action = 'updateDataset'").await > 10 {
        assert!(tokio::time::Instant::now() < deadline, "the old rows were not pruned");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), running).await.expect("stops").expect("joins");
}

on_both_backends!(
    rows_older_than_the_retention_are_deleted_in_batches_and_the_rest_kept,
    the_worker_prunes_on_its_schedule_until_stopped,
);
