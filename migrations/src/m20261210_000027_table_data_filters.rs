//! Row and column filters on a dataset's tables (data.all's table data filters), and the filters
//! attached to a share's table items. A filter is immutable once made: a share item that uses it
//! was granted on exactly what it says, so changing one means deleting it (refused while a share
//! item uses it) and making another. `share_item.attached_data_filter_uri` names an item's
//! attachment; `share_item_filter_use` lists the filters it holds, so "is this filter in use" is
//! one indexed lookup.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum TableDataFilter {
    Table,
    FilterUri,
    TableUri,
    DatasetUri,
    Label,
    Description,
    FilterType,
    RowExpression,
    IncludedCols,
    Owner,
    Created,
}

#[derive(Iden)]
enum ShareItemDataFilter {
    Table,
    AttachedDataFilterUri,
    ShareItemUri,
    ShareUri,
    ItemUri,
    Label,
    Created,
    Updated,
}

#[derive(Iden)]
enum ShareItemFilterUse {
    Table,
    AttachedDataFilterUri,
    FilterUri,
    Position,
}

#[derive(Iden)]
enum ShareItem {
    Table,
    AttachedDataFilterUri,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TableDataFilter::Table)
                .col(ColumnDef::new(TableDataFilter::FilterUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(TableDataFilter::TableUri).string_len(32).not_null())
                .col(ColumnDef::new(TableDataFilter::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(TableDataFilter::Label).string_len(255).not_null())
                .col(ColumnDef::new(TableDataFilter::Description).text().null())
                // ROW or COLUMN.
                .col(ColumnDef::new(TableDataFilter::FilterType).string_len(16).not_null())
                .col(ColumnDef::new(TableDataFilter::RowExpression).text().null())
                // A JSON list of column names; null for a row filter.
                .col(ColumnDef::new(TableDataFilter::IncludedCols).text().null())
                .col(ColumnDef::new(TableDataFilter::Owner).string_len(255).not_null())
                .col(ColumnDef::new(TableDataFilter::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        // A filter's name is unique on its table, as Lake Formation's names are.
        m.create_index(
            Index::create()
                .name("ux_table_data_filter_label")
                .table(TableDataFilter::Table)
                .col(TableDataFilter::TableUri)
                .col(TableDataFilter::Label)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ShareItemDataFilter::Table)
                .col(
                    ColumnDef::new(ShareItemDataFilter::AttachedDataFilterUri)
                        .string_len(32)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ShareItemDataFilter::ShareItemUri).string_len(32).not_null().unique_key())
                .col(ColumnDef::new(ShareItemDataFilter::ShareUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItemDataFilter::ItemUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItemDataFilter::Label).string_len(255).not_null())
                .col(ColumnDef::new(ShareItemDataFilter::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(ShareItemDataFilter::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ShareItemFilterUse::Table)
                .col(ColumnDef::new(ShareItemFilterUse::AttachedDataFilterUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItemFilterUse::FilterUri).string_len(32).not_null())
                .col(ColumnDef::new(ShareItemFilterUse::Position).integer().not_null())
                .primary_key(
                    Index::create()
                        .col(ShareItemFilterUse::AttachedDataFilterUri)
                        .col(ShareItemFilterUse::FilterUri),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_share_item_filter_use_filter")
                .table(ShareItemFilterUse::Table)
                .col(ShareItemFilterUse::FilterUri)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ShareItem::Table)
                .add_column(ColumnDef::new(ShareItem::AttachedDataFilterUri).string_len(32).null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(ShareItem::Table).drop_column(ShareItem::AttachedDataFilterUri).to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(ShareItemFilterUse::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ShareItemDataFilter::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TableDataFilter::Table).to_owned()).await
    }
}
