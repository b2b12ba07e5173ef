//! Events out (issue 29): the domain events a change records in its own transaction (`event`,
//! the outbox of events), the organizations' webhook subscriptions, and one delivery row per
//! event and subscription, which is both the retry state and the delivery log.
//!
//! - `event.seq` orders events; a subscription receives one target's events in that order.
//! - `event.fanned_out` marks events whose delivery rows exist, so a restart between commit
//!   and delivery loses nothing: the loop finds the unmarked ones again.
//! - On Postgres a trigger `pg_notify`s `sluice_events` when an event is recorded, so the
//!   delivery loop waits instead of polling (see `core::tasks::wakeup`); SQLite announces its
//!   own writes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Event {
    Table,
    Seq,
    EventUri,
    OrganizationUri,
    EventType,
    TargetUri,
    TargetType,
    Actor,
    Detail,
    Created,
    FannedOut,
}

#[derive(Iden)]
enum EventSubscription {
    Table,
    SubscriptionUri,
    OrganizationUri,
    Label,
    Endpoint,
    Secret,
    EventTypes,
    CreatedBy,
    Created,
}

#[derive(Iden)]
enum EventDelivery {
    Table,
    DeliveryUri,
    SubscriptionUri,
    EventSeq,
    EventUri,
    EventType,
    TargetUri,
    Status,
    Attempts,
    NextAttemptAt,
    LastStatusCode,
    LastError,
    Created,
    Updated,
}

/// The channel `core::tasks::wakeup` listens on for events.
const EVENTS_CHANNEL: &str = "sluice_events";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Event::Table)
                .col(ColumnDef::new(Event::Seq).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Event::EventUri).string_len(32).not_null().unique_key())
                .col(ColumnDef::new(Event::OrganizationUri).string_len(32).not_null())
                .col(ColumnDef::new(Event::EventType).string_len(64).not_null())
                .col(ColumnDef::new(Event::TargetUri).string_len(128).not_null())
                .col(ColumnDef::new(Event::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(Event::Actor).string_len(255).not_null())
                // A JSON object of the ids the event concerns; never data values.
                .col(ColumnDef::new(Event::Detail).text().not_null())
                .col(ColumnDef::new(Event::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Event::FannedOut).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        // The delivery loop's look for events without delivery rows.
        m.create_index(
            Index::create()
                .name("ix_event_fanned_out")
                .table(Event::Table)
                .col(Event::FannedOut)
                .col(Event::Seq)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventSubscription::Table)
                .col(
                    ColumnDef::new(EventSubscription::SubscriptionUri)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(EventSubscription::OrganizationUri).string_len(32).not_null())
                .col(ColumnDef::new(EventSubscription::Label).string_len(255).not_null())
                .col(ColumnDef::new(EventSubscription::Endpoint).string_len(2048).not_null())
                // Kept to sign with; shown once, at creation, and never again.
                .col(ColumnDef::new(EventSubscription::Secret).string_len(128).not_null())
                // A JSON array of event types; empty means every type.
                .col(ColumnDef::new(EventSubscription::EventTypes).text().not_null())
                .col(ColumnDef::new(EventSubscription::CreatedBy).string_len(255).not_null())
                .col(ColumnDef::new(EventSubscription::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_event_subscription_organization")
                .table(EventSubscription::Table)
                .col(EventSubscription::OrganizationUri)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventDelivery::Table)
                .col(ColumnDef::new(EventDelivery::DeliveryUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(EventDelivery::SubscriptionUri).string_len(32).not_null())
                .col(ColumnDef::new(EventDelivery::EventSeq).big_integer().not_null())
                .col(ColumnDef::new(EventDelivery::EventUri).string_len(32).not_null())
                .col(ColumnDef::new(EventDelivery::EventType).string_len(64).not_null())
                .col(ColumnDef::new(EventDelivery::TargetUri).string_len(128).not_null())
                // pending, delivered or dead.
                .col(ColumnDef::new(EventDelivery::Status).string_len(16).not_null())
                .col(ColumnDef::new(EventDelivery::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(EventDelivery::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(EventDelivery::LastStatusCode).integer().null())
                .col(ColumnDef::new(EventDelivery::LastError).text().null())
                .col(ColumnDef::new(EventDelivery::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(EventDelivery::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(EventDelivery::Table, EventDelivery::SubscriptionUri)
                        .to(EventSubscription::Table, EventSubscription::SubscriptionUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One delivery per event and subscription, however often the fan-out runs.
        m.create_index(
            Index::create()
                .name("ux_event_delivery_subscription_event")
                .table(EventDelivery::Table)
                .col(EventDelivery::SubscriptionUri)
                .col(EventDelivery::EventSeq)
                .unique()
                .to_owned(),
        )
        .await?;
        // Due deliveries, and the head of each subscription's target (order per target).
        m.create_index(
            Index::create()
                .name("ix_event_delivery_due")
                .table(EventDelivery::Table)
                .col(EventDelivery::Status)
                .col(EventDelivery::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_event_delivery_target")
                .table(EventDelivery::Table)
                .col(EventDelivery::SubscriptionUri)
                .col(EventDelivery::TargetUri)
                .col(EventDelivery::Status)
                .col(EventDelivery::EventSeq)
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let db = m.get_connection();
            db.execute_unprepared(&format!(
                "CREATE OR REPLACE FUNCTION sluice_notify_events() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('{EVENTS_CHANNEL}', '');
  RETURN NULL;
END $$ LANGUAGE plpgsql"
            ))
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER event_wakeup AFTER INSERT ON event \
                 FOR EACH ROW EXECUTE FUNCTION sluice_notify_events()",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let db = m.get_connection();
            db.execute_unprepared("DROP TRIGGER IF EXISTS event_wakeup ON event").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS sluice_notify_events()").await?;
        }
        m.drop_table(Table::drop().table(EventDelivery::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(EventSubscription::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Event::Table).to_owned()).await
    }
}
