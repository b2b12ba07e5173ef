//! Events out, continued (issue 29): a lease on each event-bus relay, so that with several
//! worker replicas one of them puts a bus's events and the others wait, instead of each putting
//! every event. `holder` is the replica's relay id; `held_until` when the others may take over
//! (a replica that stopped hands over at once; one that died, when its lease runs out).
//! Expand only: older code ignores the columns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum EventRelay {
    Table,
    Holder,
    HeldUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter()
                .table(EventRelay::Table)
                .add_column(ColumnDef::new(EventRelay::Holder).string_len(64).null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(EventRelay::Table)
                .add_column(ColumnDef::new(EventRelay::HeldUntil).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [EventRelay::HeldUntil, EventRelay::Holder] {
            m.alter_table(Table::alter().table(EventRelay::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
