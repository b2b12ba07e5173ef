//! What a dataset holds: Glue tables and their columns, and folders (S3 prefixes); plus the
//! dataset fields data.all clients send (language, business owner), and progress on tasks,
//! which the table sync reports.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Dataset {
    Table,
    DatasetUri,
    Language,
    BusinessOwnerEmail,
    BusinessOwnerDelegationEmails,
    ImportedAdminRole,
}

#[derive(Iden)]
enum Task {
    Table,
    Progress,
}

#[derive(Iden)]
enum DatasetTable {
    Table,
    TableUri,
    DatasetUri,
    Label,
    Name,
    Description,
    Tags,
    Topics,
    Owner,
    TableType,
    Location,
    Properties,
    Fingerprint,
    LastGlueTableStatus,
    SyncToken,
    Created,
    Updated,
}

#[derive(Iden)]
enum DatasetTableColumn {
    Table,
    ColumnUri,
    TableUri,
    Name,
    Label,
    TypeName,
    ColumnType,
    Position,
    Description,
    Created,
    Updated,
}

#[derive(Iden)]
enum DatasetLocation {
    Table,
    LocationUri,
    DatasetUri,
    Label,
    Name,
    Description,
    Tags,
    Owner,
    S3Prefix,
    LocationCreated,
    Created,
    Updated,
}

async fn add_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    m.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            m,
            Dataset::Table,
            ColumnDef::new(Dataset::Language).string_len(32).not_null().default("English"),
        )
        .await?;
        add_column(m, Dataset::Table, ColumnDef::new(Dataset::BusinessOwnerEmail).string_len(255)).await?;
        add_column(
            m,
            Dataset::Table,
            ColumnDef::new(Dataset::BusinessOwnerDelegationEmails).text().not_null().default("[]"),
        )
        .await?;
        add_column(
            m,
            Dataset::Table,
            ColumnDef::new(Dataset::ImportedAdminRole).boolean().not_null().default(false),
        )
        .await?;
        add_column(m, Task::Table, ColumnDef::new(Task::Progress).text()).await?;

        m.create_table(
            Table::create()
                .table(DatasetTable::Table)
                .col(ColumnDef::new(DatasetTable::TableUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(DatasetTable::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(DatasetTable::Label).string_len(255).not_null())
                .col(ColumnDef::new(DatasetTable::Name).string_len(255).not_null())
                .col(ColumnDef::new(DatasetTable::Description).text())
                .col(ColumnDef::new(DatasetTable::Tags).text().not_null())
                .col(ColumnDef::new(DatasetTable::Topics).text().not_null())
                .col(ColumnDef::new(DatasetTable::Owner).string_len(255).not_null())
                .col(ColumnDef::new(DatasetTable::TableType).string_len(64))
                .col(ColumnDef::new(DatasetTable::Location).text())
                .col(ColumnDef::new(DatasetTable::Properties).text().not_null())
                .col(ColumnDef::new(DatasetTable::Fingerprint).string_len(32).not_null())
                .col(ColumnDef::new(DatasetTable::LastGlueTableStatus).string_len(16).not_null())
                .col(ColumnDef::new(DatasetTable::SyncToken).string_len(32))
                .col(ColumnDef::new(DatasetTable::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DatasetTable::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(DatasetTable::Table, DatasetTable::DatasetUri)
                        .to(Dataset::Table, Dataset::DatasetUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A Glue table is one row of its dataset; the sync looks tables up by name.
        m.create_index(
            Index::create()
                .name("ux_dataset_table_name")
                .table(DatasetTable::Table)
                .col(DatasetTable::DatasetUri)
                .col(DatasetTable::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DatasetTableColumn::Table)
                .col(ColumnDef::new(DatasetTableColumn::ColumnUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(DatasetTableColumn::TableUri).string_len(32).not_null())
                .col(ColumnDef::new(DatasetTableColumn::Name).string_len(255).not_null())
                .col(ColumnDef::new(DatasetTableColumn::Label).string_len(255).not_null())
                .col(ColumnDef::new(DatasetTableColumn::TypeName).text())
                .col(ColumnDef::new(DatasetTableColumn::ColumnType).string_len(32).not_null())
                .col(ColumnDef::new(DatasetTableColumn::Position).integer().not_null())
                .col(ColumnDef::new(DatasetTableColumn::Description).text())
                .col(ColumnDef::new(DatasetTableColumn::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DatasetTableColumn::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(DatasetTableColumn::Table, DatasetTableColumn::TableUri)
                        .to(DatasetTable::Table, DatasetTable::TableUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_dataset_table_column_position")
                .table(DatasetTableColumn::Table)
                .col(DatasetTableColumn::TableUri)
                .col(DatasetTableColumn::Position)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DatasetLocation::Table)
                .col(ColumnDef::new(DatasetLocation::LocationUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(DatasetLocation::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(DatasetLocation::Label).string_len(255).not_null())
                .col(ColumnDef::new(DatasetLocation::Name).string_len(255).not_null())
                .col(ColumnDef::new(DatasetLocation::Description).text())
                .col(ColumnDef::new(DatasetLocation::Tags).text().not_null())
                .col(ColumnDef::new(DatasetLocation::Owner).string_len(255).not_null())
                .col(ColumnDef::new(DatasetLocation::S3Prefix).string_len(1024).not_null())
                .col(ColumnDef::new(DatasetLocation::LocationCreated).boolean().not_null().default(false))
                .col(ColumnDef::new(DatasetLocation::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(DatasetLocation::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(DatasetLocation::Table, DatasetLocation::DatasetUri)
                        .to(Dataset::Table, Dataset::DatasetUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Two folders on one prefix would be one folder with two names.
        m.create_index(
            Index::create()
                .name("ux_dataset_location_prefix")
                .table(DatasetLocation::Table)
                .col(DatasetLocation::DatasetUri)
                .col(DatasetLocation::S3Prefix)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DatasetTableColumn::Table.into_iden(),
            DatasetTable::Table.into_iden(),
            DatasetLocation::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Task::Table).drop_column(Task::Progress).to_owned()).await?;
        for column in [
            Dataset::Language.into_iden(),
            Dataset::BusinessOwnerEmail.into_iden(),
            Dataset::BusinessOwnerDelegationEmails.into_iden(),
            Dataset::ImportedAdminRole.into_iden(),
        ] {
            m.alter_table(Table::alter().table(Dataset::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
