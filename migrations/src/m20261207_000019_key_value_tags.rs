//! Key-value tags on environments and datasets, in data.all's terms (`listKeyValueTags`,
//! `updateKeyValueTags`): the AWS tags their CloudFormation stacks carry from their next deploy.
//! A target holds each key once; keys that differ only in case are refused by core, as IAM
//! refuses them. The read epoch follows the table, as it follows every table of a stack's
//! inputs.

use sea_orm_migration::prelude::*;

use crate::m20261128_000013_read_epoch as read_epoch;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum KeyValueTag {
    Table,
    TagUri,
    TargetType,
    TargetUri,
    Key,
    Value,
    Cascade,
    Created,
}

const ONE_PER_KEY: &str = "ux_key_value_tag_target_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(KeyValueTag::Table)
                .col(ColumnDef::new(KeyValueTag::TagUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(KeyValueTag::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(KeyValueTag::TargetUri).string_len(32).not_null())
                // AWS's limits, in characters: 128 for a key, 256 for a value.
                .col(ColumnDef::new(KeyValueTag::Key).string_len(128).not_null())
                .col(ColumnDef::new(KeyValueTag::Value).string_len(256).not_null())
                .col(ColumnDef::new(KeyValueTag::Cascade).boolean().not_null())
                .col(ColumnDef::new(KeyValueTag::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // Leads with the target, so a target's tags (and deleting them) read this index alone.
        m.create_index(
            Index::create()
                .name(ONE_PER_KEY)
                .table(KeyValueTag::Table)
                .col(KeyValueTag::TargetType)
                .col(KeyValueTag::TargetUri)
                .col(KeyValueTag::Key)
                .unique()
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let statements = if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            vec![read_epoch::postgres_trigger("key_value_tag")]
        } else {
            read_epoch::sqlite_triggers("key_value_tag")
        };
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(KeyValueTag::Table).to_owned()).await
    }
}
