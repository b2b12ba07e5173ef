//! `iam_principal_mapping.allow_session_name`: whether a mapping's user name may take the
//! caller's role session name, which whoever calls AssumeRole chooses. New mappings say so
//! explicitly; existing ones that already use `{{SessionName}}` are marked as allowing it, so
//! the callers they map keep their names after the upgrade (docs/UPGRADING.md asks operators to
//! review them).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum IamPrincipalMapping {
    Table,
    AllowSessionName,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IamPrincipalMapping::Table)
                .add_column(
                    ColumnDef::new(IamPrincipalMapping::AllowSessionName).boolean().not_null().default(false),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE iam_principal_mapping SET allow_session_name = TRUE \
                 WHERE username LIKE '%{{SessionName}}%'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IamPrincipalMapping::Table)
                .drop_column(IamPrincipalMapping::AllowSessionName)
                .to_owned(),
        )
        .await
    }
}
