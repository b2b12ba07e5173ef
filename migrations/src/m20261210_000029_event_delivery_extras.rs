//! Events out, continued (issue 29): the event-bus relay's cursor. A relay (today one:
//! `SLUICE_EVENTBRIDGE_BUS`) puts every recorded event on its bus in `event.seq` order and
//! keeps here the last sequence the bus accepted, so a restart resumes where it stopped and
//! the events' retention keeps what the relay has not put yet.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum EventRelay {
    Table,
    Relay,
    LastSeq,
    Updated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EventRelay::Table)
                // The relay's name: the bus it puts events on.
                .col(ColumnDef::new(EventRelay::Relay).string_len(255).not_null().primary_key())
                .col(ColumnDef::new(EventRelay::LastSeq).big_integer().not_null())
                .col(ColumnDef::new(EventRelay::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventRelay::Table).to_owned()).await
    }
}
