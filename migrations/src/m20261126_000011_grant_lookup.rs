//! Each permission row carries its policy's resource and principal, so "which resources of a
//! type may these teams use with this permission" is one range scan of one index instead of a
//! join that Postgres answered by reading every permission row (180 ms at a million tables for a
//! user in 50 teams). The copies never change: a policy's resource and principal are fixed when
//! it is made, and its permissions are replaced, not edited.
//!
//! Expand/contract: the previous release inserts permission rows without the copies, so a
//! trigger fills them from the policy during a rolling deploy.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum ResourcePolicyPermission {
    Table,
    ResourceUri,
    ResourceType,
    PrincipalId,
    PrincipalType,
    Permission,
}

const COPIES: [(ResourcePolicyPermission, u32); 4] = [
    (ResourcePolicyPermission::ResourceUri, 64),
    (ResourcePolicyPermission::ResourceType, 64),
    (ResourcePolicyPermission::PrincipalId, 255),
    (ResourcePolicyPermission::PrincipalType, 16),
];

const BACKFILL: &str = "UPDATE resource_policy_permission SET \
    resource_uri = (SELECT p.resource_uri FROM resource_policy p WHERE p.sid = resource_policy_permission.sid), \
    resource_type = (SELECT p.resource_type FROM resource_policy p WHERE p.sid = resource_policy_permission.sid), \
    principal_id = (SELECT p.principal_id FROM resource_policy p WHERE p.sid = resource_policy_permission.sid), \
    principal_type = (SELECT p.principal_type FROM resource_policy p WHERE p.sid = resource_policy_permission.sid) \
    WHERE resource_uri = ''";

const POSTGRES_TRIGGER: &str = "
CREATE FUNCTION sluice_fill_permission_copies() RETURNS trigger AS $$
BEGIN
  IF NEW.resource_uri = '' THEN
    SELECT p.resource_uri, p.resource_type, p.principal_id, p.principal_type
      INTO NEW.resource_uri, NEW.resource_type, NEW.principal_id, NEW.principal_type
      FROM resource_policy p WHERE p.sid = NEW.sid;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER resource_policy_permission_copies BEFORE INSERT ON resource_policy_permission
  FOR EACH ROW EXECUTE FUNCTION sluice_fill_permission_copies();";

fn sqlite_trigger() -> String {
    format!(
        "CREATE TRIGGER resource_policy_permission_copies AFTER INSERT ON resource_policy_permission \
         WHEN NEW.resource_uri = '' BEGIN {} AND permission = NEW.permission AND sid = NEW.sid; END",
        BACKFILL
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (column, len) in COPIES {
            m.alter_table(
                Table::alter()
                    .table(ResourcePolicyPermission::Table)
                    .add_column(ColumnDef::new(column).string_len(len).not_null().default(""))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared(BACKFILL).await?;
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => db.execute_unprepared(POSTGRES_TRIGGER).await?,
            _ => db.execute_unprepared(&sqlite_trigger()).await?,
        };
        m.create_index(
            Index::create()
                .name("ix_resource_policy_permission_grant")
                .table(ResourcePolicyPermission::Table)
                .col(ResourcePolicyPermission::PrincipalId)
                .col(ResourcePolicyPermission::ResourceType)
                .col(ResourcePolicyPermission::Permission)
                .col(ResourcePolicyPermission::PrincipalType)
                .col(ResourcePolicyPermission::ResourceUri)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.drop_index(
            Index::drop()
                .name("ix_resource_policy_permission_grant")
                .table(ResourcePolicyPermission::Table)
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS resource_policy_permission_copies ON resource_policy_permission; \
                 DROP FUNCTION IF EXISTS sluice_fill_permission_copies()",
            )
            .await?;
        } else {
            db.execute_unprepared("DROP TRIGGER IF EXISTS resource_policy_permission_copies").await?;
        }
        for (column, _) in COPIES {
            m.alter_table(
                Table::alter().table(ResourcePolicyPermission::Table).drop_column(column).to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
