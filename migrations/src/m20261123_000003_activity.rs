//! The audit trail: one row per mutation, whatever its outcome.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Activity {
    Table,
    ActivityUri,
    Action,
    Actor,
    TargetUri,
    TargetType,
    Summary,
    Outcome,
    Created,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Activity::Table)
                .col(ColumnDef::new(Activity::ActivityUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Activity::Action).string_len(128).not_null())
                .col(ColumnDef::new(Activity::Actor).string_len(255).not_null())
                .col(ColumnDef::new(Activity::TargetUri).string_len(255).not_null())
                .col(ColumnDef::new(Activity::TargetType).string_len(64).not_null())
                .col(ColumnDef::new(Activity::Summary).text().not_null())
                .col(ColumnDef::new(Activity::Outcome).string_len(16).not_null())
                .col(ColumnDef::new(Activity::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_target")
                .table(Activity::Table)
                .col(Activity::TargetUri)
                .col(Activity::Created)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Activity::Table).to_owned()).await
    }
}
