//! Credential vending's permissions for what exists already: the admin team of every dataset
//! gets CREDENTIALS_DATASET, and the owning team of every environment CREDENTIALS_ENVIRONMENT
//! and LIST_ENVIRONMENT_SHARED_WITH_OBJECTS, as new ones do through DATASET_ALL and
//! ENVIRONMENT_ALL. Invited teams get nothing new: their inviters choose.
//!
//! Data only, and safe to repeat (each insert skips rows that exist). `down` leaves the rows:
//! the release before ignores permission names it does not know.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (permission, its description, the resource type, the owning team's table and its columns).
const BACKFILLS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "CREDENTIALS_DATASET",
        "Receive short-lived AWS credentials, console sign-in links and upload links of the dataset's admin role",
        "dataset",
        "dataset",
        "dataset_uri",
        "saml_admin_group_name",
    ),
    (
        "CREDENTIALS_ENVIRONMENT",
        "Receive short-lived AWS credentials and console sign-in links of the team's own environment role",
        "environment",
        "environment",
        "environment_uri",
        "saml_group_name",
    ),
    (
        "LIST_ENVIRONMENT_SHARED_WITH_OBJECTS",
        "See what is shared with the environment",
        "environment",
        "environment",
        "environment_uri",
        "saml_group_name",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (permission, description, resource_type, table, key, team) in BACKFILLS {
            // The catalog row first: policies name it. Start-up's catalog sync rewrites the
            // description from the release's own.
            db.execute_unprepared(&format!(
                "INSERT INTO permission (name, kind, description) \
                 SELECT '{permission}', 'RESOURCE', '{description}' \
                 WHERE NOT EXISTS (SELECT 1 FROM permission WHERE name = '{permission}')",
                description = description.replace('\'', "''"),
            ))
            .await?;
            db.execute_unprepared(&format!(
                "INSERT INTO resource_policy_permission \
                   (sid, permission, resource_uri, resource_type, principal_id, principal_type) \
                 SELECT rp.sid, '{permission}', rp.resource_uri, rp.resource_type, rp.principal_id, rp.principal_type \
                 FROM resource_policy rp \
                 JOIN {table} t ON t.{key} = rp.resource_uri AND t.{team} = rp.principal_id \
                 WHERE rp.resource_type = '{resource_type}' AND rp.principal_type = 'GROUP' \
                   AND NOT EXISTS (SELECT 1 FROM resource_policy_permission x \
                                   WHERE x.sid = rp.sid AND x.permission = '{permission}')"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
