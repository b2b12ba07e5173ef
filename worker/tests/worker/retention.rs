//! Retention: the audit trail's (`SLUICE_AUDIT_RETENTION_DAYS`): rows older than the setting go,
//! a batch at a time; newer ones stay; the pruning itself is on record. Events'
//! (`SLUICE_EVENT_RETENTION_DAYS`): finished deliveries and the events nobody is owed go; a
//! pending delivery, its event and an event not yet fanned out stay, however old.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use sluice_core::{
    Core, on_both_backends,
    testkit::{
        Backend, TestDb,
        activity::{Rows, fill},
    },
};
use sluice_worker::{Retained, Retention};
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
    let retention = Retention::new(core.clone(), Retained::Activity, 30, Duration::from_secs(3600));
    assert_eq!(retention.prune_once().await.expect("again"), 0);
    assert_eq!(count(&db.db, ALL).await, 11);
    // A shorter retention reaches yesterday's rows too, and not the note just written.
    assert_eq!(
        Retention::new(core, Retained::Activity, 1, Duration::from_secs(3600))
            .prune_once()
            .await
            .expect("1 day"),
        10
    );
}

async fn the_worker_prunes_on_its_schedule_until_stopped(backend: Backend) {
    let db = TestDb::new(backend).await;
    fill_old_and_new(&db).await;
    let stop = CancellationToken::new();
    let retention =
        Retention::new(Core::new(db.db.clone()), Retained::Activity, 30, Duration::from_millis(50));
    let running = tokio::spawn(retention.run(stop.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count(&db.db, "SELECT COUNT(*) FROM activity WHERE action = 'updateDataset'").await > 10 {
        assert!(tokio::time::Instant::now() < deadline, "the old rows were not pruned");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), running).await.expect("stops").expect("joins");
}

async fn old_finished_deliveries_and_their_events_go_and_what_is_owed_stays(backend: Backend) {
    use sea_orm::{
        ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
    };
    use sluice_core::{events::NewSubscription, organizations::NewOrganization, testkit::user};
    use sluice_entities::{event, event_delivery as d};
    let db = TestDb::new(backend).await;
    let core = Core::new(db.db.clone());
    let alice = user("alice", &["TeamA"]);
    core.admit(&alice).await.expect("admit");
    let new = NewOrganization {
        label: Some("Org".into()),
        saml_group_name: Some("TeamA".into()),
        ..Default::default()
    };
    let org = core.organizations().create(&alice, new).await.expect("org").organization_uri;
    let new = NewSubscription {
        organization_uri: org,
        label: "hook".into(),
        endpoint: "https://hooks.example.com/in".into(),
        event_types: Vec::new(),
    };
    let sub =
        core.events().create_subscription(&alice, new).await.expect("sub").subscription.subscription_uri;
    let exec = async |sql: String| {
        db.db.execute_unprepared(&sql).await.expect(&sql);
    };
    // Test events: one delivered and one dead, both long ago; one dead a day ago; one pending
    // (each made once the one before it is finished: one pending test at a time).
    let mut made = Vec::new();
    for status in ["delivered", "dead", "dead", "pending"] {
        let d = core.events().test_subscription(&alice, &sub).await.expect("test");
        exec(format!(
            "UPDATE event_delivery SET status = '{status}' WHERE delivery_uri = '{}'",
            d.delivery_uri
        ))
        .await;
        made.push(d);
    }
    let recent = made.remove(2);
    let deliveries = made;
    let long_ago = Utc::now() - TimeDelta::days(40);
    d::Entity::update_many()
        .col_expr(d::Column::Updated, Expr::value(long_ago))
        .col_expr(d::Column::Created, Expr::value(long_ago))
        .filter(d::Column::DeliveryUri.ne(&recent.delivery_uri))
        .exec(&db.db)
        .await
        .expect("old deliveries");
    d::Entity::update_many()
        .col_expr(d::Column::Updated, Expr::value(Utc::now() - TimeDelta::days(1)))
        .filter(d::Column::DeliveryUri.eq(&recent.delivery_uri))
        .exec(&db.db)
        .await
        .expect("recent delivery");
    event::Entity::update_many()
        .col_expr(event::Column::Created, Expr::value(long_ago))
        .exec(&db.db)
        .await
        .expect("old events");
    // An old event the fan-out has not reached yet (as if the worker had been down since).
    event::Entity::insert(event::ActiveModel {
        seq: sea_orm::NotSet,
        event_uri: Set("unfanned".into()),
        organization_uri: Set("o".into()),
        event_type: Set("dataset.created".into()),
        target_uri: Set("d".into()),
        target_type: Set("dataset".into()),
        actor: Set("alice".into()),
        detail: Set("{}".into()),
        created: Set(long_ago),
        fanned_out: Set(false),
    })
    .exec_without_returning(&db.db)
    .await
    .expect("unfanned");

    let pruned = core.system("test").prune_events(30, 1).await.expect("prune");
    assert_eq!(pruned, (2, 2), "the delivered and the dead one, and their events");
    assert_eq!(
        count(&db.db, "SELECT COUNT(*) FROM event_delivery").await,
        2,
        "the pending and the recent one stay"
    );
    assert_eq!(
        count(&db.db, "SELECT COUNT(*) FROM event").await,
        3,
        "their events, and the unfanned one, stay"
    );
    for d in &deliveries[..2] {
        let sql = format!("SELECT COUNT(*) FROM event WHERE event_uri = '{}'", d.event_uri);
        assert_eq!(count(&db.db, &sql).await, 0, "{sql}");
    }
    let noted = "SELECT COUNT(*) FROM activity WHERE action = 'pruneEvents' AND summary LIKE 'deleted 2 delivery row(s) and 2 event(s) from before %'";
    assert_eq!(count(&db.db, noted).await, 1, "the pruning is in the trail");
    let again = Retention::new(core, Retained::Events, 30, Duration::from_secs(3600));
    assert_eq!(again.prune_once().await.expect("again"), 0);
}

on_both_backends!(
    old_finished_deliveries_and_their_events_go_and_what_is_owed_stays,
    rows_older_than_the_retention_are_deleted_in_batches_and_the_rest_kept,
    the_worker_prunes_on_its_schedule_until_stopped,
);
