//! An organization admin's hands on delivery: send a test event to one webhook, and give a dead
//! letter another round. Both need UPDATE_ORGANIZATION on the subscription's organization, as
//! every other webhook operation, and refuse a subscription or delivery of another organization
//! exactly as a missing one.
//!
//! - A test event is recorded like any other (so it is signed, retried, dead-lettered and
//!   logged the same way), but addressed to its one subscription: it is marked fanned out and
//!   gets its single delivery row in the same transaction, so no other subscriber and no event
//!   bus ever sees it. Its target is the subscription, so test events queue behind each other
//!   and never hold back a real target's events.
//! - Redelivery resets a dead delivery to pending with a fresh round of attempts. It keeps its
//!   place in its target's order: later pending events of the same target wait for it again.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use sluice_entities::{event, event_delivery as d};

use super::{Delivery, DeliveryStatus, Events, subscriptions::ORGANIZATION};
use crate::{Actor, Error, Result, audit, authz, tasks::wakeup, uri::new_uri};

/// The type of a test event. Not an [`super::EventType`]: nobody subscribes to it, it goes only
/// where an admin sends it.
pub const TEST_EVENT_TYPE: &str = "sluice.test";

impl Events<'_> {
    /// Queues a `sluice.test` event to this one webhook and returns its delivery. One test at a
    /// time per webhook: another while one is pending is a conflict.
    pub async fn test_subscription(&self, actor: &Actor, subscription_uri: &str) -> Result<Delivery> {
        let result = async {
            let sub = self.authorize(actor, subscription_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            let pending = d::Entity::find()
                .filter(d::Column::SubscriptionUri.eq(subscription_uri))
                .filter(d::Column::EventType.eq(TEST_EVENT_TYPE))
                .filter(d::Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .count(&txn)
                .await?;
            if pending > 0 {
                return Err(Error::Conflict(format!(
                    "subscription {subscription_uri} has a test delivery pending; wait for it to be delivered or given up"
                )));
            }
            let now = chrono::Utc::now();
            let event_uri = new_uri();
            let detail = serde_json::json!({ "subscriptionUri": subscription_uri }).to_string();
            let seq = event::Entity::insert(event::ActiveModel {
                seq: sea_orm::NotSet,
                event_uri: sea_orm::Set(event_uri.clone()),
                organization_uri: sea_orm::Set(sub.organization_uri.clone()),
                event_type: sea_orm::Set(TEST_EVENT_TYPE.to_owned()),
                target_uri: sea_orm::Set(subscription_uri.to_owned()),
                target_type: sea_orm::Set("event_subscription".to_owned()),
                actor: sea_orm::Set(actor.username().to_owned()),
                detail: sea_orm::Set(detail),
                created: sea_orm::Set(now),
                // Addressed to one subscription: the fan-out must not offer it to the others.
                fanned_out: sea_orm::Set(true),
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            let row = d::Model {
                delivery_uri: new_uri(),
                subscription_uri: subscription_uri.to_owned(),
                event_seq: seq,
                event_uri,
                event_type: TEST_EVENT_TYPE.to_owned(),
                target_uri: subscription_uri.to_owned(),
                status: DeliveryStatus::Pending.as_str().to_owned(),
                attempts: 0,
                next_attempt_at: now,
                last_status_code: None,
                last_error: None,
                created: now,
                updated: now,
            };
            d::Entity::insert(d::ActiveModel::from(row.clone())).exec_without_returning(&txn).await?;
            audit::record(
                &txn,
                actor,
                "testEventSubscription",
                &sub.organization_uri,
                ORGANIZATION,
                &format!("subscription {subscription_uri}"),
            )
            .await?;
            txn.commit().await?;
            Delivery::from_model(row)
        }
        .await;
        audit::record_failure(
            self.db,
            actor,
            "testEventSubscription",
            subscription_uri,
            "event_subscription",
            &result,
        )
        .await;
        result
    }

    /// Gives a dead delivery a fresh round of attempts, starting now.
    pub async fn redeliver(&self, actor: &Actor, delivery_uri: &str) -> Result<Delivery> {
        let result = async {
            let refusal = || authz::refusal::<authz::organization::UpdateOrganization>(actor, delivery_uri);
            let row =
                d::Entity::find_by_id(delivery_uri.to_owned()).one(self.db).await?.ok_or_else(refusal)?;
            // A delivery is its subscription's: the same check, and the same refusal as for a
            // missing delivery.
            let sub = self.authorize(actor, &row.subscription_uri).await.map_err(|_| refusal())?;
            if row.status != DeliveryStatus::Dead.as_str() {
                return Err(Error::InvalidState(format!(
                    "delivery {delivery_uri} is {}; only a dead delivery is redelivered",
                    row.status
                )));
            }
            let now = chrono::Utc::now();
            let txn = crate::db::write_txn(self.db).await?;
            let res = d::Entity::update_many()
                .col_expr(d::Column::Status, Expr::value(DeliveryStatus::Pending.as_str()))
                .col_expr(d::Column::Attempts, Expr::value(0))
                .col_expr(d::Column::NextAttemptAt, Expr::value(now))
                .col_expr(d::Column::Updated, Expr::value(now))
                .filter(d::Column::DeliveryUri.eq(delivery_uri))
                .filter(d::Column::Status.eq(DeliveryStatus::Dead.as_str()))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(Error::InvalidState(format!(
                    "delivery {delivery_uri} was redelivered meanwhile"
                )));
            }
            audit::record(
                &txn,
                actor,
                "redeliverEventDelivery",
                &sub.organization_uri,
                ORGANIZATION,
                &format!("delivery {delivery_uri} of subscription {}", sub.subscription_uri),
            )
            .await?;
            txn.commit().await?;
            if let Err(err) = wakeup::announce_events(self.db).await {
                // The loop's safety look finds it anyway.
                tracing::warn!(error = %err, "events: could not wake the delivery loops");
            }
            let row =
                d::Entity::find_by_id(delivery_uri.to_owned()).one(self.db).await?.ok_or_else(refusal)?;
            Delivery::from_model(row)
        }
        .await;
        audit::record_failure(
            self.db,
            actor,
            "redeliverEventDelivery",
            delivery_uri,
            "event_delivery",
            &result,
        )
        .await;
        result
    }
}
