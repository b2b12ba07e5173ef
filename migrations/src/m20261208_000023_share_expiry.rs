//! Shares that expire unless extended, in data.all's terms: a dataset may require expiring access
//! (`enableExpiration`, `expirySetting`, the minimum and maximum periods), and a share then
//! carries its period, the date it expires, and an extension request while one is pending.
//! `expiry_warned_for` remembers the expiry date requesters were last warned about, so a warning
//! goes out once per date however often the expiry task runs.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Dataset {
    Table,
    EnableExpiration,
    ExpirySetting,
    ExpiryMinDuration,
    ExpiryMaxDuration,
}

#[derive(Iden)]
enum ShareObject {
    Table,
    ExpiryDate,
    RequestedExpiryDate,
    ShareExpirationPeriod,
    NonExpirable,
    SubmittedForExtension,
    ExtensionReason,
    LastExtensionDate,
    ExpiryWarnedFor,
}

const DUE: &str = "ix_share_object_expiry_date";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let dataset_columns = [
            ColumnDef::new(Dataset::EnableExpiration).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(Dataset::ExpirySetting).string_len(16).null().to_owned(),
            ColumnDef::new(Dataset::ExpiryMinDuration).integer().null().to_owned(),
            ColumnDef::new(Dataset::ExpiryMaxDuration).integer().null().to_owned(),
        ];
        for mut column in dataset_columns {
            m.alter_table(Table::alter().table(Dataset::Table).add_column(&mut column).to_owned()).await?;
        }
        let share_columns = [
            ColumnDef::new(ShareObject::ExpiryDate).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(ShareObject::RequestedExpiryDate).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(ShareObject::ShareExpirationPeriod).integer().null().to_owned(),
            ColumnDef::new(ShareObject::NonExpirable).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(ShareObject::SubmittedForExtension).boolean().not_null().default(false).to_owned(),
            ColumnDef::new(ShareObject::ExtensionReason).text().null().to_owned(),
            ColumnDef::new(ShareObject::LastExtensionDate).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(ShareObject::ExpiryWarnedFor).timestamp_with_time_zone().null().to_owned(),
        ];
        for mut column in share_columns {
            m.alter_table(Table::alter().table(ShareObject::Table).add_column(&mut column).to_owned())
                .await?;
        }
        // The expiry task reads only shares that expire, soonest first.
        m.create_index(
            Index::create().name(DUE).table(ShareObject::Table).col(ShareObject::ExpiryDate).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(DUE).table(ShareObject::Table).to_owned()).await?;
        for column in [
            ShareObject::ExpiryDate,
            ShareObject::RequestedExpiryDate,
            ShareObject::ShareExpirationPeriod,
            ShareObject::NonExpirable,
            ShareObject::SubmittedForExtension,
            ShareObject::ExtensionReason,
            ShareObject::LastExtensionDate,
            ShareObject::ExpiryWarnedFor,
        ] {
            m.alter_table(Table::alter().table(ShareObject::Table).drop_column(column).to_owned()).await?;
        }
        for column in [
            Dataset::EnableExpiration,
            Dataset::ExpirySetting,
            Dataset::ExpiryMinDuration,
            Dataset::ExpiryMaxDuration,
        ] {
            m.alter_table(Table::alter().table(Dataset::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
