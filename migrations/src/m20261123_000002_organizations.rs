//! Organizations and the teams invited to them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Organization {
    Table,
    OrganizationUri,
    Label,
    Name,
    Description,
    Tags,
    Owner,
    SamlGroupName,
    Archived,
    Created,
    Updated,
}

#[derive(Iden)]
enum OrganizationGroup {
    Table,
    OrganizationUri,
    GroupUri,
    InvitedBy,
    Created,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organization::Table)
                .col(ColumnDef::new(Organization::OrganizationUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(Organization::Label).string_len(255).not_null())
                .col(ColumnDef::new(Organization::Name).string_len(255).not_null())
                .col(ColumnDef::new(Organization::Description).text())
                // A JSON array of strings, kept as text so both databases can filter it the same way.
                .col(ColumnDef::new(Organization::Tags).text().not_null())
                .col(ColumnDef::new(Organization::Owner).string_len(255).not_null())
                .col(ColumnDef::new(Organization::SamlGroupName).string_len(255).not_null())
                .col(ColumnDef::new(Organization::Archived).boolean().not_null().default(false))
                .col(ColumnDef::new(Organization::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Organization::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_organization_label")
                .table(Organization::Table)
                .col(Organization::Label)
                .col(Organization::OrganizationUri)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrganizationGroup::Table)
                .col(ColumnDef::new(OrganizationGroup::OrganizationUri).string_len(32).not_null())
                .col(ColumnDef::new(OrganizationGroup::GroupUri).string_len(255).not_null())
                .col(ColumnDef::new(OrganizationGroup::InvitedBy).string_len(255).not_null())
                .col(ColumnDef::new(OrganizationGroup::Created).timestamp_with_time_zone().not_null())
                .primary_key(
                    Index::create().col(OrganizationGroup::OrganizationUri).col(OrganizationGroup::GroupUri),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrganizationGroup::Table, OrganizationGroup::OrganizationUri)
                        .to(Organization::Table, Organization::OrganizationUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrganizationGroup::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Organization::Table).to_owned()).await
    }
}
