//! Indexes in the order lists are read (issue 28). A share inbox or outbox is ordered by
//! `updated` newest first: without an index in that order, a page sorted every share the caller
//! may read (5,000 for a user in 50 teams at size L) to keep ten. With it, a page walks the
//! index and checks each share's grant as it goes, and stops when the page is full.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum ShareObject {
    Table,
    Updated,
    ShareUri,
}

const SHARE_UPDATED: &str = "ix_share_object_updated";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(SHARE_UPDATED)
                .table(ShareObject::Table)
                // The lists' own order (`updated DESC, share_uri ASC`), readable both ways.
                .col((ShareObject::Updated, IndexOrder::Desc))
                .col(ShareObject::ShareUri)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(SHARE_UPDATED).table(ShareObject::Table).to_owned()).await
    }
}
