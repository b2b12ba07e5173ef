//! Tasks (the transactional outbox) and the embedded queue's messages.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Task {
    Table,
    TaskUri,
    Action,
    TargetUri,
    TargetType,
    Payload,
    Status,
    Attempts,
    LastError,
    Response,
    DispatchedAt,
    Created,
    Updated,
}

#[derive(Iden)]
enum QueueMessage {
    Table,
    Id,
    Queue,
    GroupId,
    DedupId,
    Body,
    Receipt,
    VisibleAt,
    ReceiveCount,
    Reason,
    Created,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Task::Table)
                .col(ColumnDef::new(Task::TaskUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Task::Action).string_len(128).not_null())
                .col(ColumnDef::new(Task::TargetUri).string_len(255).not_null())
                .col(ColumnDef::new(Task::TargetType).string_len(64).not_null())
                .col(ColumnDef::new(Task::Payload).text().not_null())
                .col(ColumnDef::new(Task::Status).string_len(16).not_null())
                .col(ColumnDef::new(Task::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(Task::LastError).text())
                .col(ColumnDef::new(Task::Response).text())
                .col(ColumnDef::new(Task::DispatchedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(Task::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Task::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // The dispatcher scans for undispatched tasks; lists read a target's tasks newest first.
        m.create_index(
            Index::create()
                .name("ix_task_undispatched")
                .table(Task::Table)
                .col(Task::DispatchedAt)
                .col(Task::Created)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_task_target")
                .table(Task::Table)
                .col(Task::TargetUri)
                .col(Task::Created)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_task_status")
                .table(Task::Table)
                .col(Task::Status)
                .col(Task::Updated)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(QueueMessage::Table)
                .col(ColumnDef::new(QueueMessage::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(QueueMessage::Queue).string_len(16).not_null())
                .col(ColumnDef::new(QueueMessage::GroupId).string_len(255).not_null())
                .col(ColumnDef::new(QueueMessage::DedupId).string_len(255).not_null())
                .col(ColumnDef::new(QueueMessage::Body).text().not_null())
                .col(ColumnDef::new(QueueMessage::Receipt).string_len(64))
                .col(ColumnDef::new(QueueMessage::VisibleAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(QueueMessage::ReceiveCount).integer().not_null().default(0))
                .col(ColumnDef::new(QueueMessage::Reason).text())
                .col(ColumnDef::new(QueueMessage::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // Deduplication: a message id appears at most once per queue while it is there.
        m.create_index(
            Index::create()
                .name("ux_queue_message_dedup")
                .table(QueueMessage::Table)
                .col(QueueMessage::Queue)
                .col(QueueMessage::DedupId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_queue_message_group")
                .table(QueueMessage::Table)
                .col(QueueMessage::Queue)
                .col(QueueMessage::GroupId)
                .col(QueueMessage::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(QueueMessage::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Task::Table).to_owned()).await
    }
}
