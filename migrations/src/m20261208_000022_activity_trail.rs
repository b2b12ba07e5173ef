//! The readable audit trail (issue 29):
//! - `activity.scope_type` and `activity.scope_uri`: the resource whose readers may see a row (a
//!   table's row belongs to its dataset, a share item's to its share, a consumption role's to
//!   its environment's `environment.consumption` scope). Core writes them with the row, so a row
//!   stays visible to its resource's teams after the table, folder or item it names is gone.
//!   Existing rows are filled in here from what still exists; a row whose resource is gone, or
//!   that the previous release writes during a rolling deploy, keeps NULL and is shown to
//!   platform admins only;
//! - `activity.actor_principal`: the AWS principal (ARN) of an IAM-signed request, which a
//!   mapping's pattern may match many of;
//! - indexes for the trail's lists, filters and export: newest first over everything, by actor,
//!   by scope (what a team sees), beside the existing one by target.
//!
//! Every column is added, none is dropped or renamed: the previous release keeps working during
//! a rolling deploy.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Activity {
    Table,
    ActivityUri,
    Actor,
    ActorPrincipal,
    ScopeType,
    ScopeUri,
    Created,
}

const CREATED_INDEX: &str = "ix_activity_created";
const ACTOR_INDEX: &str = "ix_activity_actor";
const SCOPE_INDEX: &str = "ix_activity_scope";

/// The actions whose rows name consumption roles, which only teams that may list them read.
const CONSUMPTION_ACTIONS: &str =
    "('addConsumptionPrincipalToEnvironment', 'removeConsumptionPrincipalFromEnvironment')";

/// Fills the scope of rows written before it was recorded, from what still exists. Each
/// statement is plain SQL that Postgres and SQLite both run.
fn backfill() -> Vec<String> {
    let unset = "scope_uri IS NULL";
    let direct = |scope: &str, types: &str, extra: &str| {
        format!(
            "UPDATE activity SET scope_type = '{scope}', scope_uri = target_uri \
             WHERE {unset} AND target_type IN {types}{extra}"
        )
    };
    // `lookup` selects the scope's URI for the row's target (`activity.target_uri`).
    let via = |scope: &str, types: &str, lookup: &str| {
        format!(
            "UPDATE activity SET scope_type = '{scope}', scope_uri = ({lookup}) \
             WHERE {unset} AND target_type IN {types} AND ({lookup}) IS NOT NULL"
        )
    };
    // Stacks and tasks name their target's kind themselves.
    let typed = |table: &str, key: &str, kinds: &str| {
        let pick = |column: &str| {
            format!(
                "SELECT x.{column} FROM {table} x WHERE x.{key} = activity.target_uri AND x.target_type IN {kinds}"
            )
        };
        format!(
            "UPDATE activity SET scope_type = ({}), scope_uri = ({}) \
             WHERE {unset} AND target_type = '{table}' AND ({}) IS NOT NULL",
            pick("target_type"),
            pick("target_uri"),
            pick("target_uri"),
        )
    };
    vec![
        direct("organization", "('organization')", ""),
        direct(
            "environment.consumption",
            "('environment')",
            &format!(" AND action IN {CONSUMPTION_ACTIONS}"),
        ),
        direct("environment", "('environment')", ""),
        direct("dataset", "('dataset', 'Dataset')", ""),
        direct("share_object", "('share_object')", ""),
        via(
            "dataset",
            "('dataset_table', 'DatasetTable')",
            "SELECT t.dataset_uri FROM dataset_table t WHERE t.table_uri = activity.target_uri",
        ),
        // Columns were recorded as `dataset_table` before this release.
        via(
            "dataset",
            "('dataset_table', 'dataset_table_column', 'Column')",
            "SELECT t.dataset_uri FROM dataset_table_column c JOIN dataset_table t ON t.table_uri = c.table_uri \
             WHERE c.column_uri = activity.target_uri",
        ),
        via(
            "dataset",
            "('dataset_location', 'DatasetStorageLocation', 'Folder')",
            "SELECT l.dataset_uri FROM dataset_location l WHERE l.location_uri = activity.target_uri",
        ),
        via(
            "share_object",
            "('share_item')",
            "SELECT i.share_uri FROM share_item i WHERE i.share_item_uri = activity.target_uri",
        ),
        via(
            "glossary",
            "('glossary')",
            "SELECT n.glossary_uri FROM glossary_node n WHERE n.node_uri = activity.target_uri",
        ),
        // Term links made on a dataset's item were recorded against the item, as `glossary`.
        via(
            "dataset",
            "('glossary')",
            "SELECT MIN(l.dataset_uri) FROM glossary_term_link l WHERE l.target_uri = activity.target_uri",
        ),
        via(
            "glossary",
            "('term_link')",
            "SELECT l.glossary_uri FROM glossary_term_link l WHERE l.link_uri = activity.target_uri",
        ),
        typed("stack", "stack_uri", "('environment', 'dataset')"),
        typed("task", "task_uri", "('organization', 'environment', 'dataset')"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let add = |column: ColumnDef| Table::alter().table(Activity::Table).add_column(column).to_owned();
        m.alter_table(add(ColumnDef::new(Activity::ScopeType).string_len(64).null().to_owned())).await?;
        m.alter_table(add(ColumnDef::new(Activity::ScopeUri).string_len(255).null().to_owned())).await?;
        m.alter_table(add(ColumnDef::new(Activity::ActorPrincipal).string_len(2048).null().to_owned()))
            .await?;
        let db = m.get_connection();
        for statement in backfill() {
            db.execute_unprepared(&statement).await?;
        }
        let index = |name: &str, columns: [Activity; 2]| {
            let mut index = Index::create().name(name).table(Activity::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            index
        };
        // Newest first, with the key breaking ties: the admin's list and the export's keyset.
        m.create_index(index(CREATED_INDEX, [Activity::Created, Activity::ActivityUri])).await?;
        m.create_index(index(ACTOR_INDEX, [Activity::Actor, Activity::Created])).await?;
        m.create_index(index(SCOPE_INDEX, [Activity::ScopeUri, Activity::Created])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [SCOPE_INDEX, ACTOR_INDEX, CREATED_INDEX] {
            m.drop_index(Index::drop().name(name).table(Activity::Table).to_owned()).await?;
        }
        for column in [Activity::ActorPrincipal, Activity::ScopeUri, Activity::ScopeType] {
            m.alter_table(Table::alter().table(Activity::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
