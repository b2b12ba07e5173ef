//! Drift: the Lake Formation grants on a dataset's database and tables that Sluice did not make,
//! as `ecs-tasks verify-shares` last found them. One row per principal and resource; a run
//! replaces a dataset's rows, keeping when each was first seen. Nothing is revoked for it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum AccessDrift {
    Table,
    DriftUri,
    DatasetUri,
    AccountId,
    Principal,
    DatabaseName,
    TableName,
    Permissions,
    FirstSeen,
    LastSeen,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AccessDrift::Table)
                .col(ColumnDef::new(AccessDrift::DriftUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(AccessDrift::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(AccessDrift::AccountId).string_len(12).not_null())
                .col(ColumnDef::new(AccessDrift::Principal).string_len(2048).not_null())
                .col(ColumnDef::new(AccessDrift::DatabaseName).string_len(255).not_null())
                // Null for a grant on the database itself.
                .col(ColumnDef::new(AccessDrift::TableName).string_len(255).null())
                // A JSON list of Lake Formation's permission names.
                .col(ColumnDef::new(AccessDrift::Permissions).text().not_null())
                .col(ColumnDef::new(AccessDrift::FirstSeen).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(AccessDrift::LastSeen).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_access_drift_dataset")
                .table(AccessDrift::Table)
                .col(AccessDrift::DatasetUri)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccessDrift::Table).to_owned()).await
    }
}
