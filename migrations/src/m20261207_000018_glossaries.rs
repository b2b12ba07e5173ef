//! Glossaries: trees of business terms (glossary → categories → terms) in one table, and the
//! links of terms to datasets, tables, columns and folders. A node's `path` holds its
//! ancestors' URIs, so a subtree is one prefix range of one glossary. Links name their dataset,
//! so deleting a dataset drops its links, and a term's links reindex their datasets.
//!
//! Creating glossaries is the tenant permission MANAGE_GLOSSARIES, as in data.all. Teams that
//! existed before this release get it, as new teams do.

use sea_orm_migration::prelude::*;

use crate::m20261128_000013_read_epoch as read_epoch;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum GlossaryNode {
    Table,
    NodeUri,
    NodeType,
    ParentUri,
    GlossaryUri,
    Path,
    Label,
    Readme,
    Status,
    Admin,
    Owner,
    Created,
    Updated,
}

#[derive(Iden)]
enum GlossaryTermLink {
    Table,
    LinkUri,
    TermUri,
    GlossaryUri,
    TargetUri,
    TargetType,
    DatasetUri,
    Owner,
    ApprovedByOwner,
    ApprovedBySteward,
    Created,
    Updated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GlossaryNode::Table)
                .col(ColumnDef::new(GlossaryNode::NodeUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(GlossaryNode::NodeType).string_len(16).not_null())
                .col(ColumnDef::new(GlossaryNode::ParentUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryNode::GlossaryUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryNode::Path).string_len(1024).not_null())
                .col(ColumnDef::new(GlossaryNode::Label).string_len(255).not_null())
                .col(ColumnDef::new(GlossaryNode::Readme).text().not_null())
                .col(ColumnDef::new(GlossaryNode::Status).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryNode::Admin).string_len(255).not_null())
                .col(ColumnDef::new(GlossaryNode::Owner).string_len(255).not_null())
                .col(ColumnDef::new(GlossaryNode::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(GlossaryNode::Updated).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_glossary_node_glossary_path", vec![GlossaryNode::GlossaryUri, GlossaryNode::Path]),
            ("ix_glossary_node_parent", vec![GlossaryNode::ParentUri, GlossaryNode::Label]),
            ("ix_glossary_node_type_label", vec![GlossaryNode::NodeType, GlossaryNode::Label]),
        ] {
            let mut index = Index::create().name(name).table(GlossaryNode::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            m.create_index(index).await?;
        }

        m.create_table(
            Table::create()
                .table(GlossaryTermLink::Table)
                .col(ColumnDef::new(GlossaryTermLink::LinkUri).string_len(32).not_null().primary_key())
                .col(ColumnDef::new(GlossaryTermLink::TermUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryTermLink::GlossaryUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryTermLink::TargetUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryTermLink::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryTermLink::DatasetUri).string_len(32).not_null())
                .col(ColumnDef::new(GlossaryTermLink::Owner).string_len(255).not_null())
                .col(ColumnDef::new(GlossaryTermLink::ApprovedByOwner).boolean().not_null())
                .col(ColumnDef::new(GlossaryTermLink::ApprovedBySteward).boolean().not_null())
                .col(ColumnDef::new(GlossaryTermLink::Created).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(GlossaryTermLink::Updated).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(GlossaryTermLink::Table, GlossaryTermLink::TermUri)
                        .to(GlossaryNode::Table, GlossaryNode::NodeUri)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_glossary_term_link_term_target")
                .table(GlossaryTermLink::Table)
                .col(GlossaryTermLink::TermUri)
                .col(GlossaryTermLink::TargetUri)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_glossary_term_link_target", GlossaryTermLink::TargetUri),
            ("ix_glossary_term_link_glossary", GlossaryTermLink::GlossaryUri),
            ("ix_glossary_term_link_dataset", GlossaryTermLink::DatasetUri),
        ] {
            m.create_index(Index::create().name(name).table(GlossaryTermLink::Table).col(col).to_owned())
                .await?;
        }

        let db = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for table in ["glossary_node", "glossary_term_link"] {
            let statements = if postgres {
                vec![read_epoch::postgres_trigger(table)]
            } else {
                read_epoch::sqlite_triggers(table)
            };
            for statement in statements {
                db.execute_unprepared(&statement).await?;
            }
        }
        db.execute_unprepared(
            "INSERT INTO permission (name, kind, description) \
             VALUES ('MANAGE_GLOSSARIES', 'TENANT', 'Create glossaries') ON CONFLICT (name) DO NOTHING",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO tenant_policy_permission (sid, permission) \
             SELECT sid, 'MANAGE_GLOSSARIES' FROM tenant_policy WHERE true ON CONFLICT DO NOTHING",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GlossaryTermLink::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(GlossaryNode::Table).to_owned()).await?;
        m.get_connection()
            .execute_unprepared("DELETE FROM tenant_policy_permission WHERE permission = 'MANAGE_GLOSSARIES'")
            .await?;
        Ok(())
    }
}
