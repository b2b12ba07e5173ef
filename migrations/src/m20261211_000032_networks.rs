//! data.all's networks: VPCs a team registers in an environment (`createNetwork`), for tools
//! that run in the account to find. Sluice records them and provisions nothing.
//!
//! Also the two environment permissions that go with them, for what exists already: the owning
//! team of every environment gets CREATE_NETWORK and LIST_ENVIRONMENT_NETWORKS, as new ones do
//! through ENVIRONMENT_ALL, and every invited team LIST_ENVIRONMENT_NETWORKS, which invitations
//! now always grant (data.all's invited default). Safe to repeat: each insert skips rows that
//! exist.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum EnvironmentNetwork {
    Table,
    VpcUri,
    EnvironmentUri,
    VpcId,
    Label,
    Name,
    Description,
    SamlGroupName,
    PrivateSubnetIds,
    PublicSubnetIds,
    Tags,
    Owner,
    Created,
    Updated,
}

#[derive(Iden)]
enum Environment {
    Table,
    EnvironmentUri,
}

/// (permission, description, whether invited teams get it too).
const BACKFILLS: &[(&str, &str, bool)] = &[
    ("CREATE_NETWORK", "Register VPCs in the environment and remove the team's own", false),
    ("LIST_ENVIRONMENT_NETWORKS", "See the environment's registered VPCs", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EnvironmentNetwork::Table)
                .col(ColumnDef::new(EnvironmentNetwork::VpcUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(EnvironmentNetwork::EnvironmentUri).string_len(32).not_null())
                .col(ColumnDef::new(EnvironmentNetwork::VpcId).string_len(32).not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Label).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Name).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Description).text())
                .col(ColumnDef::new(EnvironmentNetwork::SamlGroupName).string_len(255).not_null())
                // JSON arrays of strings.
                .col(ColumnDef::new(EnvironmentNetwork::PrivateSubnetIds).text().not_null())
                .col(ColumnDef::new(EnvironmentNetwork::PublicSubnetIds).text().not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Tags).text().not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Owner).string_len(255).not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(EnvironmentNetwork::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(EnvironmentNetwork::Table, EnvironmentNetwork::EnvironmentUri)
                        .to(Environment::Table, Environment::EnvironmentUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A VPC is registered in an environment once, as in data.all.
        m.create_index(
            Index::create()
                .name("ux_environment_network_vpc")
                .table(EnvironmentNetwork::Table)
                .col(EnvironmentNetwork::EnvironmentUri)
                .col(EnvironmentNetwork::VpcId)
                .unique()
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        for (permission, description, invited_too) in BACKFILLS {
            db.execute_unprepared(&format!(
                "INSERT INTO permission (name, kind, description) \
                 SELECT '{permission}', 'RESOURCE', '{description}' \
                 WHERE NOT EXISTS (SELECT 1 FROM permission WHERE name = '{permission}')",
                description = description.replace('\'', "''"),
            ))
            .await?;
            // The owning team's policy, or with `invited_too` every team's policy on the
            // environment (invited teams are in environment_group).
            let whose = if *invited_too {
                "JOIN environment_group t ON t.environment_uri = rp.resource_uri AND t.group_uri = rp.principal_id"
            } else {
                "JOIN environment t ON t.environment_uri = rp.resource_uri AND t.saml_group_name = rp.principal_id"
            };
            db.execute_unprepared(&format!(
                "INSERT INTO resource_policy_permission \
                   (sid, permission, resource_uri, resource_type, principal_id, principal_type) \
                 SELECT rp.sid, '{permission}', rp.resource_uri, rp.resource_type, rp.principal_id, rp.principal_type \
                 FROM resource_policy rp {whose} \
                 WHERE rp.resource_type = 'environment' AND rp.principal_type = 'GROUP' \
                   AND NOT EXISTS (SELECT 1 FROM resource_policy_permission x \
                                   WHERE x.sid = rp.sid AND x.permission = '{permission}')"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EnvironmentNetwork::Table).to_owned()).await
    }
}
