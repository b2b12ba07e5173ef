//! Notifications: what a team should know about a share (a request to approve, a decision, the
//! end of a processing run), in data.all's terms (`listNotifications`, `markNotificationAsRead`).
//! A notification goes to one team; each member reads it for themselves, so whether it was read
//! is kept per user: one row per notification read, and a per-user mark before which everything
//! counts as read (`markAllNotificationsAsRead` moves it, in one write however many there are).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Notification {
    Table,
    NotificationUri,
    NotificationType,
    Message,
    RecipientGroup,
    TargetUri,
    TargetType,
    Created,
}

#[derive(Iden)]
enum NotificationRead {
    Table,
    NotificationUri,
    Issuer,
    Username,
    ReadAt,
}

#[derive(Iden)]
enum NotificationMark {
    Table,
    Issuer,
    Username,
    ReadBefore,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notification::Table)
                .col(ColumnDef::new(Notification::NotificationUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Notification::NotificationType).string_len(64).not_null())
                .col(ColumnDef::new(Notification::Message).text().not_null())
                .col(ColumnDef::new(Notification::RecipientGroup).string_len(255).not_null())
                // data.all's form, `<share uri>|<dataset uri>`, which its console splits.
                .col(ColumnDef::new(Notification::TargetUri).string_len(128).not_null())
                .col(ColumnDef::new(Notification::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(Notification::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // A user's inbox is their teams' notifications, newest first.
        m.create_index(
            Index::create()
                .name("ix_notification_recipient")
                .table(Notification::Table)
                .col(Notification::RecipientGroup)
                .col(Notification::Created)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NotificationRead::Table)
                .col(ColumnDef::new(NotificationRead::NotificationUri).string_len(32).not_null())
                .col(ColumnDef::new(NotificationRead::Issuer).string_len(2048).not_null())
                .col(ColumnDef::new(NotificationRead::Username).string_len(255).not_null())
                .col(ColumnDef::new(NotificationRead::ReadAt).timestamp_with_time_zone().not_null())
                .primary_key(
                    Index::create()
                        .col(NotificationRead::NotificationUri)
                        .col(NotificationRead::Issuer)
                        .col(NotificationRead::Username),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(NotificationRead::Table, NotificationRead::NotificationUri)
                        .to(Notification::Table, Notification::NotificationUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NotificationMark::Table)
                .col(ColumnDef::new(NotificationMark::Issuer).string_len(2048).not_null())
                .col(ColumnDef::new(NotificationMark::Username).string_len(255).not_null())
                .col(ColumnDef::new(NotificationMark::ReadBefore).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(NotificationMark::Issuer).col(NotificationMark::Username))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NotificationMark::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(NotificationRead::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Notification::Table).to_owned()).await
    }
}
