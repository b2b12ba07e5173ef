//! data.all's `startGlueCrawler`: the dataset remembers the Glue crawler Sluice made on its
//! location (`glue_crawler_name`, null until the first start makes it), and the admin team of
//! every dataset that exists gets CRAWL_DATASET, as new ones do through DATASET_ALL. Stewards
//! get nothing new: data.all keeps crawling to the admins too.
//!
//! Expand only: the release before never reads the column. The backfill is safe to repeat
//! (it skips rows that exist). `down` leaves the column and the permission rows, which the
//! release before ignores (SQLite drops a column only by rebuilding the table).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Dataset {
    Table,
    GlueCrawlerName,
}

const PERMISSION: &str = "CRAWL_DATASET";
const DESCRIPTION: &str = "Start the Glue crawler on the dataset's location";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("dataset", "glue_crawler_name").await? {
            m.alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .add_column(ColumnDef::new(Dataset::GlueCrawlerName).string_len(255).null())
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        // The catalog row first: policies name it. Start-up's catalog sync rewrites the
        // description from the release's own.
        db.execute_unprepared(&format!(
            "INSERT INTO permission (name, kind, description) \
             SELECT '{PERMISSION}', 'RESOURCE', '{description}' \
             WHERE NOT EXISTS (SELECT 1 FROM permission WHERE name = '{PERMISSION}')",
            description = DESCRIPTION.replace('\'', "''"),
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO resource_policy_permission \
               (sid, permission, resource_uri, resource_type, principal_id, principal_type) \
             SELECT rp.sid, '{PERMISSION}', rp.resource_uri, rp.resource_type, rp.principal_id, rp.principal_type \
             FROM resource_policy rp \
             JOIN dataset t ON t.dataset_uri = rp.resource_uri AND t.saml_admin_group_name = rp.principal_id \
             WHERE rp.resource_type = 'dataset' AND rp.principal_type = 'GROUP' \
               AND NOT EXISTS (SELECT 1 FROM resource_policy_permission x \
                               WHERE x.sid = rp.sid AND x.permission = '{PERMISSION}')"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
