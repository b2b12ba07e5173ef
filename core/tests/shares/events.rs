//! The events share decisions record for subscribers (issue 29): one per decision, written in
//! the decision's own transaction, with ids and never the request's words; a refused decision
//! records none.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sluice_core::{on_both_backends, testkit::Backend};
use sluice_entities::event;

use super::{actor, request, world};

async fn share_decisions_record_their_events_with_ids_only(backend: Backend) {
    let w = world(backend).await;
    let (alice, bob) = (actor("alice", &["TeamA"]), actor("bob", &["TeamB"]));
    let shares = w.core.shares();
    let share = shares
        .create(&bob, &w.dataset, Some((&w.tables[0], "Table")), request(&w.env))
        .await
        .expect("created")
        .share_uri;

    shares.submit(&bob, &share).await.expect("submitted");
    assert!(shares.approve(&bob, &share).await.is_err(), "requesters do not approve");
    shares.reject(&alice, &share, Some("wrong table")).await.expect("rejected");
    shares.submit(&bob, &share).await.expect("resubmitted");
    shares.approve(&alice, &share).await.expect("approved");

    let events = event::Entity::find()
        .filter(event::Column::TargetUri.eq(share.as_str()))
        .order_by_asc(event::Column::Seq)
        .all(&w.db.db)
        .await
        .expect("events");
    let seen: Vec<(&str, &str)> = events.iter().map(|e| (e.event_type.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("share.requested", "bob"),
            ("share.rejected", "alice"),
            ("share.requested", "bob"),
            ("share.approved", "alice")
        ]
    );
    let linked = event::Entity::find()
        .filter(event::Column::TargetUri.eq(w.env.as_str()))
        .filter(event::Column::EventType.eq("environment.linked"))
        .one(&w.db.db)
        .await
        .expect("read")
        .expect("linking the environment recorded its event");
    for e in &events {
        assert_eq!(e.organization_uri, linked.organization_uri, "the dataset's organization's event");
        let ids: serde_json::Value = serde_json::from_str(&e.detail).expect("JSON");
        assert_eq!(ids["shareUri"], share.as_str());
        assert_eq!(ids["datasetUri"], w.dataset.as_str());
        assert_eq!(ids["environmentUri"], w.env.as_str());
        assert!(
            !e.detail.contains("wrong table") && !e.detail.contains("quarterly"),
            "ids only: {}",
            e.detail
        );
    }
}

on_both_backends!(share_decisions_record_their_events_with_ids_only);
