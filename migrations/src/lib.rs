//! Schema migrations. Each runs on Postgres and SQLite; follow expand/contract so the previous
//! release keeps working against the new schema during a rolling deploy.

// Iden enums name columns after their table (organization.organization_uri), as SQL does.
#![allow(clippy::enum_variant_names)]

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_permissions;
mod m20261123_000002_organizations;
mod m20261123_000003_activity;
mod m20261124_000004_tasks;
mod m20261124_000005_environments;
mod m20261124_000006_consumption_principals;
mod m20261124_000007_datasets;
mod m20261124_000008_dataset_items;
mod m20261124_000009_shares;
mod m20261125_000010_iam_principals;
mod m20261126_000011_grant_lookup;
mod m20261127_000012_grant_probe;
mod m20261128_000013_read_epoch;
mod m20261206_000014_access_control;
mod m20261207_000015_iam_session_names;
mod m20261207_000016_votes;
mod m20261207_000017_feeds;
mod m20261207_000018_glossaries;
mod m20261207_000019_key_value_tags;
mod m20261207_000020_notifications;
mod m20261208_000021_task_wakeups;
mod m20261208_000022_activity_trail;
mod m20261208_000023_share_expiry;
mod m20261209_000025_event_subscriptions;
mod m20261209_000026_access_drift;
mod m20261210_000027_table_data_filters;
mod m20261210_000028_environment_networks;
mod m20261210_000029_event_delivery_extras;
mod m20261210_000030_credential_vending;
mod m20261211_000031_list_indexes;
mod m20261211_000032_networks;
mod m20261213_000033_sse_s3_imports;
mod m20261213_000034_crawl_dataset;
mod m20261213_000035_event_relay_lease;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_permissions::Migration),
            Box::new(m20261123_000002_organizations::Migration),
            Box::new(m20261123_000003_activity::Migration),
            Box::new(m20261124_000004_tasks::Migration),
            Box::new(m20261124_000005_environments::Migration),
            Box::new(m20261124_000006_consumption_principals::Migration),
            Box::new(m20261124_000007_datasets::Migration),
            Box::new(m20261124_000008_dataset_items::Migration),
            Box::new(m20261124_000009_shares::Migration),
            Box::new(m20261125_000010_iam_principals::Migration),
            Box::new(m20261126_000011_grant_lookup::Migration),
            Box::new(m20261127_000012_grant_probe::Migration),
            Box::new(m20261128_000013_read_epoch::Migration),
            Box::new(m20261206_000014_access_control::Migration),
            Box::new(m20261207_000015_iam_session_names::Migration),
            Box::new(m20261207_000016_votes::Migration),
            Box::new(m20261207_000017_feeds::Migration),
            Box::new(m20261207_000018_glossaries::Migration),
            Box::new(m20261207_000019_key_value_tags::Migration),
            Box::new(m20261207_000020_notifications::Migration),
            Box::new(m20261208_000021_task_wakeups::Migration),
            Box::new(m20261208_000022_activity_trail::Migration),
            Box::new(m20261208_000023_share_expiry::Migration),
            Box::new(m20261209_000025_event_subscriptions::Migration),
            Box::new(m20261209_000026_access_drift::Migration),
            Box::new(m20261210_000027_table_data_filters::Migration),
            Box::new(m20261210_000028_environment_networks::Migration),
            Box::new(m20261210_000029_event_delivery_extras::Migration),
            Box::new(m20261210_000030_credential_vending::Migration),
            Box::new(m20261211_000031_list_indexes::Migration),
            Box::new(m20261211_000032_networks::Migration),
            Box::new(m20261213_000033_sse_s3_imports::Migration),
            Box::new(m20261213_000034_crawl_dataset::Migration),
            Box::new(m20261213_000035_event_relay_lease::Migration),
        ]
    }
}

/// Changes whenever a migration's source changes, so a test template database built from an
/// older schema is never reused.
pub const SCHEMA_FINGERPRINT: &str = env!("SLUICE_SCHEMA_FINGERPRINT");
