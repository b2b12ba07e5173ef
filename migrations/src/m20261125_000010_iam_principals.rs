//! IAM principal mappings (which AWS callers are which Sluice user and teams) and the
//! signatures of IAM-signed requests already used, so one cannot be replayed on any replica.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum IamPrincipalMapping {
    Table,
    MappingUri,
    ArnPattern,
    Username,
    Groups,
    CreatedBy,
    Created,
    Updated,
}

#[derive(Iden)]
enum IamSignatureSeen {
    Table,
    Signature,
    Expires,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IamPrincipalMapping::Table)
                .col(ColumnDef::new(IamPrincipalMapping::MappingUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(IamPrincipalMapping::ArnPattern).string_len(2048).not_null())
                .col(ColumnDef::new(IamPrincipalMapping::Username).string_len(255).not_null())
                // A JSON array of team names.
                .col(ColumnDef::new(IamPrincipalMapping::Groups).text().not_null())
                .col(ColumnDef::new(IamPrincipalMapping::CreatedBy).string_len(255).not_null())
                .col(ColumnDef::new(IamPrincipalMapping::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(IamPrincipalMapping::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_iam_principal_mapping_pattern")
                .table(IamPrincipalMapping::Table)
                .col(IamPrincipalMapping::ArnPattern)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IamSignatureSeen::Table)
                // The hex SigV4 signature: 64 characters.
                .col(ColumnDef::new(IamSignatureSeen::Signature).string_len(128).not_null().primary_key())
                .col(ColumnDef::new(IamSignatureSeen::Expires).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_iam_signature_seen_expires")
                .table(IamSignatureSeen::Table)
                .col(IamSignatureSeen::Expires)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IamSignatureSeen::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(IamPrincipalMapping::Table).to_owned()).await
    }
}
