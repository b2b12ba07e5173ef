//! Environment depth: `environment.permissions_boundary_policy_arn`, the customer's permissions
//! boundary that replaces Sluice's own on the roles of the environment's stacks (null: Sluice's).
//! Expand only: older code ignores the column.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Environment {
    Table,
    PermissionsBoundaryPolicyArn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Environment::Table)
                .add_column(ColumnDef::new(Environment::PermissionsBoundaryPolicyArn).string().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Environment::Table)
                .drop_column(Environment::PermissionsBoundaryPolicyArn)
                .to_owned(),
        )
        .await
    }
}
