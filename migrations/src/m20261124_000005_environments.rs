//! Environments, their teams, their stacks, and platform settings (the pivot ExternalId).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Environment {
    Table,
    EnvironmentUri,
    OrganizationUri,
    Label,
    Name,
    Description,
    Tags,
    Owner,
    SamlGroupName,
    AwsAccountId,
    Region,
    ResourcePrefix,
    Parameters,
    PivotRoleName,
    Created,
    Updated,
}

#[derive(Iden)]
enum Organization {
    Table,
    OrganizationUri,
}

#[derive(Iden)]
enum EnvironmentGroup {
    Table,
    EnvironmentUri,
    GroupUri,
    InvitedBy,
    RoleName,
    RoleArn,
    RoleImported,
    Created,
}

#[derive(Iden)]
enum Stack {
    Table,
    StackUri,
    TargetUri,
    TargetType,
    EnvironmentUri,
    Name,
    AccountId,
    Region,
    Status,
    StackId,
    Outputs,
    Events,
    Error,
    TaskUri,
    Created,
    Updated,
}

#[derive(Iden)]
enum PlatformSetting {
    Table,
    Key,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Environment::Table)
                .col(ColumnDef::new(Environment::EnvironmentUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Environment::OrganizationUri).string_len(32).not_null())
                .col(ColumnDef::new(Environment::Label).string_len(255).not_null())
                .col(ColumnDef::new(Environment::Name).string_len(255).not_null())
                .col(ColumnDef::new(Environment::Description).text())
                .col(ColumnDef::new(Environment::Tags).text().not_null())
                .col(ColumnDef::new(Environment::Owner).string_len(255).not_null())
                .col(ColumnDef::new(Environment::SamlGroupName).string_len(255).not_null())
                .col(ColumnDef::new(Environment::AwsAccountId).string_len(12).not_null())
                .col(ColumnDef::new(Environment::Region).string_len(32).not_null())
                .col(ColumnDef::new(Environment::ResourcePrefix).string_len(64).not_null())
                // JSON object of key → value, kept as text like tags.
                .col(ColumnDef::new(Environment::Parameters).text().not_null())
                .col(ColumnDef::new(Environment::PivotRoleName).string_len(64).not_null())
                .col(ColumnDef::new(Environment::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Environment::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Environment::Table, Environment::OrganizationUri)
                        .to(Organization::Table, Organization::OrganizationUri),
                )
                .to_owned(),
        )
        .await?;
        // One environment per account and region: a second link is a CONFLICT, even in a race.
        m.create_index(
            Index::create()
                .name("ux_environment_account_region")
                .table(Environment::Table)
                .col(Environment::AwsAccountId)
                .col(Environment::Region)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_environment_organization")
                .table(Environment::Table)
                .col(Environment::OrganizationUri)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EnvironmentGroup::Table)
                .col(ColumnDef::new(EnvironmentGroup::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(EnvironmentGroup::GroupUri).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentGroup::InvitedBy).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentGroup::RoleName).string_len(64).not_null())
                .col(ColumnDef::new(EnvironmentGroup::RoleArn).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentGroup::RoleImported).boolean().not_null().default(false))
                .col(ColumnDef::new(EnvironmentGroup::Created).timestamp_with_time_zone().not_null())
                .primary_key(
                    Index::create().col(EnvironmentGroup::EnvironmentUri).col(EnvironmentGroup::GroupUri),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EnvironmentGroup::Table, EnvironmentGroup::EnvironmentUri)
                        .to(Environment::Table, Environment::EnvironmentUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Stack::Table)
                .col(ColumnDef::new(Stack::StackUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Stack::TargetUri).string_len(32).not_null())
                .col(ColumnDef::new(Stack::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(Stack::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(Stack::Name).string_len(128).not_null())
                .col(ColumnDef::new(Stack::AccountId).string_len(12).not_null())
                .col(ColumnDef::new(Stack::Region).string_len(32).not_null())
                .col(ColumnDef::new(Stack::Status).string_len(64).not_null())
                .col(ColumnDef::new(Stack::StackId).string_len(512))
                .col(ColumnDef::new(Stack::Outputs).text())
                .col(ColumnDef::new(Stack::Events).text())
                .col(ColumnDef::new(Stack::Error).text())
                .col(ColumnDef::new(Stack::TaskUri).string_len(32))
                .col(ColumnDef::new(Stack::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Stack::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_stack_target")
                .table(Stack::Table)
                .col(Stack::TargetUri)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlatformSetting::Table)
                .col(ColumnDef::new(PlatformSetting::Key).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(PlatformSetting::Value).text().not_null())
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlatformSetting::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Stack::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(EnvironmentGroup::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Environment::Table).to_owned()).await
    }
}
