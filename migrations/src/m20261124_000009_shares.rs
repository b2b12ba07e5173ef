//! Shares: a team's request, in a target environment, for items of a dataset; its items; and
//! the processing log approvers and requesters read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum ShareObject {
    Table,
    ShareUri,
    DatasetUri,
    EnvironmentUri,
    GroupUri,
    PrincipalId,
    PrincipalType,
    PrincipalName,
    PrincipalRoleArn,
    Owner,
    Status,
    RequestPurpose,
    RejectPurpose,
    Permissions,
    Created,
    Updated,
}

#[derive(Iden)]
enum ShareItem {
    Table,
    ShareItemUri,
    ShareUri,
    ItemUri,
    ItemType,
    ItemName,
    Status,
    HealthStatus,
    HealthMessage,
    LastVerificationTime,
    Created,
    Updated,
}

#[derive(Iden)]
enum ShareLog {
    Table,
    LogUri,
    ShareUri,
    Created,
    Message,
}

#[derive(Iden)]
enum Dataset {
    Table,
    DatasetUri,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ShareObject::Table)
                .col(ColumnDef::new(ShareObject::ShareUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(ShareObject::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareObject::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareObject::GroupUri).string_len(255).not_null())
                .col(ColumnDef::new(ShareObject::PrincipalId).string_len(255).not_null())
                .col(ColumnDef::new(ShareObject::PrincipalType).string_len(32).not_null())
                .col(ColumnDef::new(ShareObject::PrincipalName).string_len(255).not_null())
                .col(ColumnDef::new(ShareObject::PrincipalRoleArn).string_len(512).not_null())
                .col(ColumnDef::new(ShareObject::Owner).string_len(255).not_null())
                .col(ColumnDef::new(ShareObject::Status).string_len(32).not_null())
                .col(ColumnDef::new(ShareObject::RequestPurpose).text())
                .col(ColumnDef::new(ShareObject::RejectPurpose).text())
                .col(ColumnDef::new(ShareObject::Permissions).text().not_null())
                .col(ColumnDef::new(ShareObject::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ShareObject::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ShareObject::Table, ShareObject::DatasetUri)
                        .to(Dataset::Table, Dataset::DatasetUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One share per dataset, target environment and principal: a second request returns it.
        m.create_index(
            Index::create()
                .name("ux_share_object_principal")
                .table(ShareObject::Table)
                .col(ShareObject::DatasetUri)
                .col(ShareObject::EnvironmentUri)
                .col(ShareObject::PrincipalType)
                .col(ShareObject::PrincipalId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_share_object_group")
                .table(ShareObject::Table)
                .col(ShareObject::GroupUri)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShareItem::Table)
                .col(ColumnDef::new(ShareItem::ShareItemUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(ShareItem::ShareUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItem::ItemUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItem::ItemType).string_len(32).not_null())
                .col(ColumnDef::new(ShareItem::ItemName).string_len(255).not_null())
                .col(ColumnDef::new(ShareItem::Status).string_len(32).not_null())
                .col(ColumnDef::new(ShareItem::HealthStatus).string_len(32))
                .col(ColumnDef::new(ShareItem::HealthMessage).text())
                .col(ColumnDef::new(ShareItem::LastVerificationTime).timestamp_with_time_zone())
                .col(ColumnDef::new(ShareItem::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ShareItem::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ShareItem::Table, ShareItem::ShareUri)
                        .to(ShareObject::Table, ShareObject::ShareUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_share_item_item")
                .table(ShareItem::Table)
                .col(ShareItem::ShareUri)
                .col(ShareItem::ItemUri)
                .unique()
                .to_owned(),
        )
        .await?;
        // Which shares hold a table or folder: the dataset's delete rule and Glue drift read it.
        m.create_index(
            Index::create()
                .name("ix_share_item_item")
                .table(ShareItem::Table)
                .col(ShareItem::ItemUri)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShareLog::Table)
                .col(ColumnDef::new(ShareLog::LogUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(ShareLog::ShareUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareLog::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ShareLog::Message).text().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ShareLog::Table, ShareLog::ShareUri)
                        .to(ShareObject::Table, ShareObject::ShareUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_share_log_share")
                .table(ShareLog::Table)
                .col(ShareLog::ShareUri)
                .col(ShareLog::Created)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [ShareLog::Table.into_iden(), ShareItem::Table.into_iden(), ShareObject::Table.into_iden()]
        {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
