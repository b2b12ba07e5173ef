//! sea-orm entities, one module per table. Only `core` reads and writes them.

pub mod activity;
pub mod consumption_principal;
pub mod dataset;
pub mod dataset_location;
pub mod dataset_table;
pub mod dataset_table_column;
pub mod environment;
pub mod environment_group;
pub mod feed_message;
pub mod iam_principal_mapping;
pub mod iam_signature_seen;
pub mod organization;
pub mod organization_group;
pub mod permission;
pub mod platform_setting;
pub mod queue_message;
pub mod resource_policy;
pub mod resource_policy_permission;
pub mod share_item;
pub mod share_log;
pub mod share_object;
pub mod stack;
pub mod task;
pub mod tenant_policy;
pub mod tenant_policy_permission;
pub mod vote;
