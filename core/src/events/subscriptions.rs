//! Organization admins' webhooks: create (the secret is shown once), list (never the secret),
//! delete, and each one's delivery log. Every operation needs UPDATE_ORGANIZATION on the
//! subscription's organization, which only its admin team holds; a subscription of an
//! organization the actor does not administer is refused exactly as a missing one.

use rand::{Rng, distributions::Alphanumeric};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use sluice_entities::{event_delivery as d, event_subscription as s};

use super::{
    Delivery, DeliveryFilter, EventType, NewSubscription, Subscription, SubscriptionCreated, TargetPolicy,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, organization as perm},
    page::{self, Page, PageRequest},
    uri::new_uri,
};

/// Webhooks one organization may have: each event is sent to every one of them, so this bounds
/// the work one event makes.
pub const MAX_SUBSCRIPTIONS_PER_ORGANIZATION: u64 = 10;

const MAX_LABEL_LEN: usize = 255;

/// Activity rows name the organization, so its teams see who changed its webhooks.
pub(super) const ORGANIZATION: &str = "organization";

pub struct Events<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) targets: TargetPolicy,
}

impl Events<'_> {
    /// A new webhook for the organization's events, with its signing secret: the only time the
    /// secret is shown.
    pub async fn create_subscription(
        &self,
        actor: &Actor,
        input: NewSubscription,
    ) -> Result<SubscriptionCreated> {
        let org_uri = input.organization_uri.clone();
        let result = self.create_inner(actor, input).await;
        audit::record_failure(self.db, actor, "createEventSubscription", &org_uri, ORGANIZATION, &result)
            .await;
        result
    }

    async fn create_inner(&self, actor: &Actor, input: NewSubscription) -> Result<SubscriptionCreated> {
        let org =
            authz::authorize::<perm::UpdateOrganization>(self.db, actor, &input.organization_uri).await?;
        if org.archived {
            return Err(Error::InvalidState(format!(
                "organization {} is archived and cannot change",
                org.organization_uri
            )));
        }
        let label = input.label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL_LEN {
            return Err(Error::validation("label", "give a label of 1 to 255 characters"));
        }
        let endpoint = self.targets.check_endpoint("url", &input.endpoint)?;
        let mut types = Vec::new();
        for name in &input.event_types {
            let t = EventType::parse(name.trim()).ok_or_else(|| {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                Error::validation(
                    "eventTypes",
                    format!("unknown event type {name}; known: {}", known.join(", ")),
                )
            })?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        let txn = crate::db::write_txn(self.db).await?;
        let existing = s::Entity::find()
            .filter(s::Column::OrganizationUri.eq(&org.organization_uri))
            .count(&txn)
            .await?;
        if existing >= MAX_SUBSCRIPTIONS_PER_ORGANIZATION {
            return Err(Error::Conflict(format!(
                "organization {} has {existing} event subscriptions, the most it may have; delete one first",
                org.organization_uri
            )));
        }
        let secret = new_secret();
        let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
        let row = s::Model {
            subscription_uri: new_uri(),
            organization_uri: org.organization_uri.clone(),
            label: label.to_owned(),
            endpoint: endpoint.to_string(),
            secret: secret.clone(),
            event_types: serde_json::json!(names).to_string(),
            created_by: actor.username().to_owned(),
            created: chrono::Utc::now(),
        };
        s::Entity::insert(s::ActiveModel::from(row.clone())).exec_without_returning(&txn).await?;
        // The origin only: a path or query may hold a receiver's token (Slack's do), and the
        // organization's other teams read this row.
        let shown = endpoint.origin().ascii_serialization();
        audit::record(
            &txn,
            actor,
            "createEventSubscription",
            &org.organization_uri,
            ORGANIZATION,
            &format!("subscription {} to {shown}", row.subscription_uri),
        )
        .await?;
        txn.commit().await?;
        Ok(SubscriptionCreated { subscription: Subscription::from_model(row)?, secret })
    }

    /// The organization's webhooks, oldest first, without their secrets.
    pub async fn list_subscriptions(
        &self,
        actor: &Actor,
        organization_uri: &str,
    ) -> Result<Vec<Subscription>> {
        authz::authorize::<perm::UpdateOrganization>(self.db, actor, organization_uri).await?;
        s::Entity::find()
            .filter(s::Column::OrganizationUri.eq(organization_uri))
            .order_by_asc(s::Column::Created)
            .order_by_asc(s::Column::SubscriptionUri)
            .all(self.db)
            .await?
            .into_iter()
            .map(Subscription::from_model)
            .collect()
    }

    /// Deletes the webhook and its delivery log; pending deliveries are dropped.
    pub async fn delete_subscription(&self, actor: &Actor, subscription_uri: &str) -> Result<bool> {
        let result = async {
            let sub = self.authorize(actor, subscription_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            d::Entity::delete_many()
                .filter(d::Column::SubscriptionUri.eq(subscription_uri))
                .exec(&txn)
                .await?;
            s::Entity::delete_by_id(subscription_uri.to_owned()).exec(&txn).await?;
            audit::record(
                &txn,
                actor,
                "deleteEventSubscription",
                &sub.organization_uri,
                ORGANIZATION,
                &format!("subscription {subscription_uri}"),
            )
            .await?;
            txn.commit().await?;
            Ok(true)
        }
        .await;
        audit::record_failure(
            self.db,
            actor,
            "deleteEventSubscription",
            subscription_uri,
            "event_subscription",
            &result,
        )
        .await;
        result
    }

    /// The webhook's delivery log, newest event first.
    pub async fn list_deliveries(
        &self,
        actor: &Actor,
        subscription_uri: &str,
        filter: &DeliveryFilter,
        request: PageRequest,
    ) -> Result<Page<Delivery>> {
        self.authorize(actor, subscription_uri).await?;
        let mut query = d::Entity::find().filter(d::Column::SubscriptionUri.eq(subscription_uri));
        if let Some(status) = filter.status {
            query = query.filter(d::Column::Status.eq(status.as_str()));
        }
        let query = query.order_by_desc(d::Column::EventSeq);
        page::fetch(self.db, query, request).await?.try_map(Delivery::from_model)
    }

    /// The subscription if the actor administers its organization; the same refusal as for a
    /// missing one otherwise.
    pub(super) async fn authorize(&self, actor: &Actor, subscription_uri: &str) -> Result<Subscription> {
        let row = s::Entity::find_by_id(subscription_uri.to_owned())
            .filter(
                Expr::col(s::Column::OrganizationUri)
                    .in_subquery(authz::permitted::<perm::UpdateOrganization>(actor)),
            )
            .one(self.db)
            .await?;
        match row {
            Some(row) => Subscription::from_model(row),
            None => Err(authz::refusal::<perm::UpdateOrganization>(actor, subscription_uri)),
        }
    }
}

/// 32 alphanumerics, about 190 bits: the key subscribers check signatures with.
fn new_secret() -> String {
    let random: String = rand::thread_rng().sample_iter(&Alphanumeric).map(char::from).take(32).collect();
    format!("whsec_{random}")
}
