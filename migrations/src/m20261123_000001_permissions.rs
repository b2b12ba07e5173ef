//! The permission catalog and the two policy tables that every check and list filter reads.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Permission {
    Table,
    Name,
    Kind,
    Description,
}

#[derive(Iden)]
enum TenantPolicy {
    Table,
    Sid,
    PrincipalId,
    PrincipalType,
    Created,
}

#[derive(Iden)]
enum TenantPolicyPermission {
    Table,
    Sid,
    Permission,
}

#[derive(Iden)]
enum ResourcePolicy {
    Table,
    Sid,
    ResourceUri,
    ResourceType,
    PrincipalId,
    PrincipalType,
    Created,
}

#[derive(Iden)]
enum ResourcePolicyPermission {
    Table,
    Sid,
    Permission,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Permission::Table)
                .col(ColumnDef::new(Permission::Name).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(Permission::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Permission::Description).text().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenantPolicy::Table)
                .col(ColumnDef::new(TenantPolicy::Sid).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(TenantPolicy::PrincipalId).string_len(255).not_null())
                .col(ColumnDef::new(TenantPolicy::PrincipalType).string_len(16).not_null())
                .col(ColumnDef::new(TenantPolicy::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_tenant_policy_principal")
                .table(TenantPolicy::Table)
                .col(TenantPolicy::PrincipalId)
                .col(TenantPolicy::PrincipalType)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TenantPolicyPermission::Table)
                .col(ColumnDef::new(TenantPolicyPermission::Sid).string_len(32).not_null())
                .col(ColumnDef::new(TenantPolicyPermission::Permission).string_len(64).not_null())
                .primary_key(
                    Index::create().col(TenantPolicyPermission::Sid).col(TenantPolicyPermission::Permission),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantPolicyPermission::Table, TenantPolicyPermission::Sid)
                        .to(TenantPolicy::Table, TenantPolicy::Sid)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantPolicyPermission::Table, TenantPolicyPermission::Permission)
                        .to(Permission::Table, Permission::Name)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ResourcePolicy::Table)
                .col(ColumnDef::new(ResourcePolicy::Sid).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(ResourcePolicy::ResourceUri).string_len(64).not_null())
                .col(ColumnDef::new(ResourcePolicy::ResourceType).string_len(64).not_null())
                .col(ColumnDef::new(ResourcePolicy::PrincipalId).string_len(255).not_null())
                .col(ColumnDef::new(ResourcePolicy::PrincipalType).string_len(16).not_null())
                .col(ColumnDef::new(ResourcePolicy::Created).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_resource_policy_resource_principal")
                .table(ResourcePolicy::Table)
                .col(ResourcePolicy::ResourceUri)
                .col(ResourcePolicy::PrincipalId)
                .col(ResourcePolicy::PrincipalType)
                .unique()
                .to_owned(),
        )
        .await?;
        // List filters start from the actor's groups and a resource type.
        m.create_index(
            Index::create()
                .name("ix_resource_policy_principal_type")
                .table(ResourcePolicy::Table)
                .col(ResourcePolicy::PrincipalId)
                .col(ResourcePolicy::ResourceType)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ResourcePolicyPermission::Table)
                .col(ColumnDef::new(ResourcePolicyPermission::Sid).string_len(32).not_null())
                .col(ColumnDef::new(ResourcePolicyPermission::Permission).string_len(64).not_null())
                .primary_key(
                    Index::create()
                        .col(ResourcePolicyPermission::Sid)
                        .col(ResourcePolicyPermission::Permission),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ResourcePolicyPermission::Table, ResourcePolicyPermission::Sid)
                        .to(ResourcePolicy::Table, ResourcePolicy::Sid)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ResourcePolicyPermission::Table, ResourcePolicyPermission::Permission)
                        .to(Permission::Table, Permission::Name)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ResourcePolicyPermission::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ResourcePolicy::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TenantPolicyPermission::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(TenantPolicy::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Permission::Table).to_owned()).await
    }
}
