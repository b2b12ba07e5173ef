//! Datasets: an S3 bucket, its KMS key and a Glue database in an environment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Dataset {
    Table,
    DatasetUri,
    EnvironmentUri,
    OrganizationUri,
    Label,
    Name,
    Description,
    Tags,
    Topics,
    Confidentiality,
    Owner,
    SamlAdminGroupName,
    Stewards,
    AutoApprovalEnabled,
    Imported,
    BucketName,
    GlueDatabaseName,
    KmsAlias,
    AdminRoleName,
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
                .table(Dataset::Table)
                .col(ColumnDef::new(Dataset::DatasetUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Dataset::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(Dataset::OrganizationUri).string_len(32).not_null())
                .col(ColumnDef::new(Dataset::Label).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::Name).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::Description).text())
                .col(ColumnDef::new(Dataset::Tags).text().not_null())
                .col(ColumnDef::new(Dataset::Topics).text().not_null())
                .col(ColumnDef::new(Dataset::Confidentiality).string_len(32).not_null())
                .col(ColumnDef::new(Dataset::Owner).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::SamlAdminGroupName).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::Stewards).string_len(255))
                .col(ColumnDef::new(Dataset::AutoApprovalEnabled).boolean().not_null().default(false))
                .col(ColumnDef::new(Dataset::Imported).boolean().not_null().default(false))
                .col(ColumnDef::new(Dataset::BucketName).string_len(63).not_null())
                .col(ColumnDef::new(Dataset::GlueDatabaseName).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::KmsAlias).string_len(255).not_null())
                .col(ColumnDef::new(Dataset::AdminRoleName).string_len(64).not_null())
                .col(ColumnDef::new(Dataset::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Dataset::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Dataset::Table, Dataset::EnvironmentUri)
                        .to(Environment::Table, Environment::EnvironmentUri),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_dataset_environment")
                .table(Dataset::Table)
                .col(Dataset::EnvironmentUri)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_dataset_label")
                .table(Dataset::Table)
                .col(Dataset::Label)
                .col(Dataset::DatasetUri)
                .to_owned(),
        )
        .await?;
        // One dataset per bucket in an environment: imports of the same bucket would collide.
        m.create_index(
            Index::create()
                .name("ux_dataset_bucket")
                .table(Dataset::Table)
                .col(Dataset::EnvironmentUri)
                .col(Dataset::BucketName)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Dataset::Table).to_owned()).await
    }
}
