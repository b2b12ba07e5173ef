//! IAM roles a team brings to an environment to receive shares, beside the team's own role.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum ConsumptionPrincipal {
    Table,
    ConsumptionPrincipalUri,
    EnvironmentUri,
    GroupUri,
    Name,
    PrincipalArn,
    PrincipalName,
    PolicyManagement,
    CreatedBy,
    Created,
    Updated,
}

#[derive(Iden)]
enum Environment {
    Table,
    EnvironmentUri,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ConsumptionPrincipal::Table)
                .col(
                    ColumnDef::new(ConsumptionPrincipal::ConsumptionPrincipalUri)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ConsumptionPrincipal::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::GroupUri).string_len(255).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::Name).string_len(255).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::PrincipalArn).string_len(512).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::PrincipalName).string_len(128).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::PolicyManagement).string_len(32).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::CreatedBy).string_len(255).not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ConsumptionPrincipal::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ConsumptionPrincipal::Table, ConsumptionPrincipal::EnvironmentUri)
                        .to(Environment::Table, Environment::EnvironmentUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A role is added to an environment once.
        m.create_index(
            Index::create()
                .name("ux_consumption_principal_arn")
                .table(ConsumptionPrincipal::Table)
                .col(ConsumptionPrincipal::EnvironmentUri)
                .col(ConsumptionPrincipal::PrincipalArn)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ConsumptionPrincipal::Table).to_owned()).await
    }
}
