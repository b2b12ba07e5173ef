//! Shares: a team's request for items of a dataset, the share's state machine and one per item.

pub mod state;

pub use state::{
    ItemAction, ItemMove, ItemStatus, Plan, ShareAction, ShareStatus, Transition, finish_action, next_item,
    next_share, plan, share_state_after_processing,
};
