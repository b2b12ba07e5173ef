//! Access control (issue 23):
//! - `activity.actor_issuer`: who vouched for the actor, since two issuers may each have an
//!   "alice";
//! - `organization.pivot_external_id` and `environment.pivot_external_id`: each organization has
//!   its own ExternalId, and an environment keeps the one its account was linked with. Both
//!   start NULL on existing rows: core reads an environment's as the installation's former
//!   single ExternalId, so linked accounts keep working after the upgrade, and makes a new one
//!   for an organization (docs/UPGRADING.md);
//! - `share_object.dataset_environment_uri`: the environment of the share's dataset, so a share
//!   says which two accounts it joins without a join;
//! - one dataset per bucket across the whole platform (bucket names are global in S3), where
//!   existing rows allow it;
//! - the read epoch (migration 13) also moves with shares: with restricted catalog visibility,
//!   who may find a dataset follows the items shared from it.
//!
//! Every column is added, none is dropped or renamed: the previous release keeps working during
//! a rolling deploy.

use sea_orm_migration::prelude::*;

use crate::m20261128_000013_read_epoch as read_epoch;

/// Tables added to the read epoch's watch.
const WATCHED: [&str; 2] = ["share_object", "share_item"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Activity {
    Table,
    ActorIssuer,
}

#[derive(Iden)]
enum Organization {
    Table,
    PivotExternalId,
}

#[derive(Iden)]
enum Environment {
    Table,
    PivotExternalId,
}

#[derive(Iden)]
enum ShareObject {
    Table,
    DatasetEnvironmentUri,
}

#[derive(Iden)]
enum Dataset {
    Table,
    BucketName,
}

const BUCKET_INDEX: &str = "ux_dataset_bucket_global";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add =
            |table: TableRef, column: ColumnDef| Table::alter().table(table).add_column(column).to_owned();
        m.alter_table(add(
            Activity::Table.into_table_ref(),
            ColumnDef::new(Activity::ActorIssuer).string().null().to_owned(),
        ))
        .await?;
        m.alter_table(add(
            Organization::Table.into_table_ref(),
            ColumnDef::new(Organization::PivotExternalId).string().null().to_owned(),
        ))
        .await?;
        m.alter_table(add(
            Environment::Table.into_table_ref(),
            ColumnDef::new(Environment::PivotExternalId).string().null().to_owned(),
        ))
        .await?;
        m.alter_table(add(
            ShareObject::Table.into_table_ref(),
            ColumnDef::new(ShareObject::DatasetEnvironmentUri).string().not_null().default("").to_owned(),
        ))
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE share_object SET dataset_environment_uri = \
             (SELECT environment_uri FROM dataset WHERE dataset.dataset_uri = share_object.dataset_uri) \
             WHERE EXISTS (SELECT 1 FROM dataset WHERE dataset.dataset_uri = share_object.dataset_uri)",
        )
        .await?;
        // An installation where one bucket was imported twice (the hole this closes) keeps its
        // rows; core refuses new duplicates either way, and the index follows once an operator
        // has removed the duplicate (docs/UPGRADING.md).
        let duplicates = db
            .query_one_raw(sea_orm::Statement::from_string(
                m.get_database_backend(),
                "SELECT bucket_name FROM dataset GROUP BY bucket_name HAVING COUNT(*) > 1",
            ))
            .await?;
        if duplicates.is_none() {
            m.create_index(
                Index::create()
                    .name(BUCKET_INDEX)
                    .table(Dataset::Table)
                    .col(Dataset::BucketName)
                    .unique()
                    .to_owned(),
            )
            .await?;
        }
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for table in WATCHED {
            let statements = if postgres {
                vec![read_epoch::postgres_trigger(table)]
            } else {
                read_epoch::sqlite_triggers(table)
            };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for table in WATCHED {
            if postgres {
                let name = read_epoch::trigger_name(table);
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {table}")).await?;
            } else {
                for event in read_epoch::SQLITE_EVENTS {
                    let name = read_epoch::sqlite_trigger_name(table, event);
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}")).await?;
                }
            }
        }
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {BUCKET_INDEX}")).await?;
        let drop =
            |table: TableRef, column: DynIden| Table::alter().table(table).drop_column(column).to_owned();
        m.alter_table(drop(
            ShareObject::Table.into_table_ref(),
            ShareObject::DatasetEnvironmentUri.into_iden(),
        ))
        .await?;
        m.alter_table(drop(Environment::Table.into_table_ref(), Environment::PivotExternalId.into_iden()))
            .await?;
        m.alter_table(drop(Organization::Table.into_table_ref(), Organization::PivotExternalId.into_iden()))
            .await?;
        m.alter_table(drop(Activity::Table.into_table_ref(), Activity::ActorIssuer.into_iden())).await
    }
}
