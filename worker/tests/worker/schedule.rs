//! The worker's clock: the share expiry check runs on its interval until stopped, and not at all
//! when turned off.

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sluice_core::{
    Core,
    testkit::{Backend, TestDb},
};
use sluice_entities::activity;
use sluice_worker::schedule::ExpirySchedule;
use tokio_util::sync::CancellationToken;

async fn checks_recorded(db: &sea_orm::DatabaseConnection) -> u64 {
    activity::Entity::find()
        .filter(activity::Column::Action.eq("expireShares"))
        .filter(activity::Column::Actor.eq("system:share.expire"))
        .count(db)
        .await
        .expect("activity")
}

#[tokio::test]
async fn the_check_runs_by_the_clock_until_stopped_and_not_at_all_when_off() {
    let test_db = TestDb::new(Backend::Sqlite).await;
    let core = Core::new(test_db.db.clone());
    let stop = CancellationToken::new();
    let every = Duration::from_millis(20);
    let running =
        tokio::spawn(ExpirySchedule { core: core.clone(), every, warning_days: 7 }.run(stop.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while checks_recorded(&test_db.db).await < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the check did not run twice");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.cancel();
    running.await.expect("stops");

    let off = ExpirySchedule { core, every: Duration::ZERO, warning_days: 7 };
    tokio::time::timeout(Duration::from_secs(1), off.run(CancellationToken::new()))
        .await
        .expect("off returns at once");
}
