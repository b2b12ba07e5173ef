//! Shares: a team asks, in a target environment, for tables and folders of a dataset; the
//! dataset's admin team and stewards approve or reject; processing makes the grants real and
//! revoking takes them back. States follow data.all's, and every state write is conditional.

mod access;
mod bulk;
mod consumption;
mod databases;
mod events;
mod expiry;
mod expiry_check;
mod flow;
pub mod folders;
mod grants;
mod item_filters;
mod model;
mod notices;
mod preview;
pub mod processing;
mod reads;
mod requests;
mod shareable;
pub mod state;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use access::{DecideShare, DeleteShare, ReadShare, RevokeShare, SetShareExpiry};
pub use consumption::ConsumptionData;
pub use databases::SharedDatabase;
pub(crate) use expiry::stop_expiring;
pub use expiry_check::ExpiryRun;
pub(crate) use expiry_check::expire_due;
pub(crate) use flow::queue_verify_all;
pub use flow::{PROCESS_ACTION, REAPPLY_ACTION, REVOKE_ACTION, VERIFY_ACTION};
pub(crate) use flow::{active_shares, refuse_if_held};
pub use folders::FolderAccess;
pub use grants::{
    ItemPlan, PlannedDataFilter, PlannedGrant, PlannedLink, data_cells_filter_name, item_plan,
    table_permissions,
};
pub use item_filters::{ItemDataFilters, ModifyItemFilters};
pub use model::{
    ITEM_RESOURCE_TYPE, ItemType, NewShare, PERMISSIONS, PrincipalType, RESOURCE_TYPE, Share,
    ShareExpiryState, ShareItem, ShareRole,
};
pub use preview::SharePlan;
pub use reads::{ItemFilter, ShareFilter, ShareLogLine, ShareStatistics};
pub use shareable::Shareable;
pub use state::{
    ItemAction, ItemMove, ItemStatus, Plan, ShareAction, ShareStatus, Transition, finish_action, next_item,
    next_share, plan, share_state_after_processing,
};

pub struct Shares<'a> {
    pub(crate) db: &'a DatabaseConnection,
    /// The Lake Formation access shares may ask for (Read always).
    pub(crate) allowed_permissions: Arc<Vec<String>>,
    /// Who finds a dataset to ask for.
    pub(crate) visibility: crate::catalog::CatalogVisibility,
}
