//! Feeds: a discussion thread on each catalog item (a dataset, a table, a folder), in data.all's
//! terms (`getFeed`, `postFeedMessage`). Messages are kept in the order they came, per item.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum FeedMessage {
    Table,
    FeedMessageUri,
    TargetType,
    TargetUri,
    Creator,
    CreatorIssuer,
    Content,
    Created,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FeedMessage::Table)
                .col(ColumnDef::new(FeedMessage::FeedMessageUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(FeedMessage::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(FeedMessage::TargetUri).string_len(32).not_null())
                .col(ColumnDef::new(FeedMessage::Creator).string_len(255).not_null())
                .col(ColumnDef::new(FeedMessage::CreatorIssuer).string_len(2048).not_null())
                .col(ColumnDef::new(FeedMessage::Content).text().not_null())
                .col(ColumnDef::new(FeedMessage::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // A thread is read a page at a time, newest first.
        m.create_index(
            Index::create()
                .name("ix_feed_message_target")
                .table(FeedMessage::Table)
                .col(FeedMessage::TargetUri)
                .col(FeedMessage::Created)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FeedMessage::Table).to_owned()).await
    }
}
