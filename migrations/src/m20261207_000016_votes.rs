//! Votes: each user's up or down vote on a catalog item (a dataset, in this release), once per
//! user, so `countUpVotes` and `Dataset.statistics.upvotes` count people, not clicks. Users are
//! told apart by issuer and name, as the activity trail does. The read epoch follows the table,
//! so a cached dataset shows a new count at once.

use sea_orm_migration::prelude::*;

use crate::m20261128_000013_read_epoch as read_epoch;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Vote {
    Table,
    VoteUri,
    TargetType,
    TargetUri,
    Voter,
    VoterIssuer,
    Upvote,
    Created,
    Updated,
}

const ONE_PER_USER: &str = "ux_vote_target_voter";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Vote::Table)
                .col(ColumnDef::new(Vote::VoteUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Vote::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(Vote::TargetUri).string_len(32).not_null())
                .col(ColumnDef::new(Vote::Voter).string_len(255).not_null())
                .col(ColumnDef::new(Vote::VoterIssuer).string_len(2048).not_null())
                .col(ColumnDef::new(Vote::Upvote).boolean().not_null())
                .col(ColumnDef::new(Vote::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Vote::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // Leads with the target, so counting a target's votes reads this index alone.
        m.create_index(
            Index::create()
                .name(ONE_PER_USER)
                .table(Vote::Table)
                .col(Vote::TargetType)
                .col(Vote::TargetUri)
                .col(Vote::VoterIssuer)
                .col(Vote::Voter)
                .unique()
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let statements = if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            vec![read_epoch::postgres_trigger("vote")]
        } else {
            read_epoch::sqlite_triggers("vote")
        };
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Vote::Table).to_owned()).await
    }
}
