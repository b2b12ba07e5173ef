//! A dataset's Glue tables and their columns: synced from Glue by a long task, curated by the
//! dataset's teams, read by everyone as catalog entries.

pub mod filters;
mod model;
mod service;
mod sync;

pub use filters::{DataFilterKind, FILTER_RESOURCE_TYPE, NewTableDataFilter, TableDataFilter};
pub use model::{
    COLUMN_RESOURCE_TYPE, DELETED, DatasetTable, GlueColumn, GlueTable, IN_SYNC, ModifyColumn, ModifyTable,
    QueuedSync, TABLE_RESOURCE_TYPE, TableColumn, TableDetails,
};
pub use service::ItemCounts;
pub use sync::{SYNC_ACTION, SyncSummary, TableSync};
