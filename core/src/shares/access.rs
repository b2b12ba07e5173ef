//! Who may do what with a share. The requesting team holds the share permissions
//! (`SharePermission`); the dataset's admin team and stewards decide on it through
//! APPROVE_SHARE_OBJECT on the dataset. Some acts are open to both sides: each is one grant here,
//! one SQL condition, so lists and point checks agree.

use sea_orm::{ColumnTrait, Condition};
use sluice_entities::share_object as so;

use super::Share;
use crate::{
    Actor,
    authz::{DatasetPermission, Grant, SharePermission, granted, holds, proof::stored_resource},
};

stored_resource!(Share, Share, so::Entity, so::Column::ShareUri, Share::from_model);

/// The share's dataset is one the actor's teams approve shares of.
fn approves(actor: &Actor) -> Condition {
    Condition::all()
        .add(so::Column::DatasetUri.in_subquery(granted(DatasetPermission::ApproveShareObject, actor)))
}

/// Defines a grant on shares held by the requesting team's `permission`, by approvers, or both.
macro_rules! share_grant {
    ($(#[$doc:meta])* $name:ident, $permission:literal, requester: $requester:expr, approver: $approver:literal) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl Grant for $name {
            type On = Share;
            const PERMISSION: &'static str = $permission;
            fn permits(actor: &Actor) -> Condition {
                let mut any = Condition::any();
                let requester: Option<SharePermission> = $requester;
                if let Some(permission) = requester {
                    any = any.add(holds::<_, Share>(permission, actor));
                }
                if $approver {
                    any = any.add(approves(actor));
                }
                any
            }
        }
    };
}

share_grant!(
    /// Seeing the share, its items, plan and log: the requesting team and the approvers.
    ReadShare, "GET_SHARE_OBJECT", requester: Some(SharePermission::GetShareObject), approver: true
);
share_grant!(
    /// Approving, rejecting and repairing: the dataset's admin team and stewards.
    DecideShare, "APPROVE_SHARE_OBJECT", requester: None, approver: true
);
share_grant!(
    /// Revoking shared items: either side.
    RevokeShare, "REVOKE_SHARE_ITEM", requester: Some(SharePermission::RevokeShareItem), approver: true
);
share_grant!(
    /// Setting the period a pending request or extension asks for: the requesters, who ask, and
    /// the approvers, who may change it before approving.
    SetShareExpiry, "SUBMIT_SHARE_OBJECT", requester: Some(SharePermission::SubmitShareObject), approver: true
);
share_grant!(
    /// Deleting a share that holds nothing: either side.
    DeleteShare, "DELETE_SHARE_OBJECT", requester: Some(SharePermission::DeleteShareObject), approver: true
);
share_grant!(
    /// Attaching filters to a table item and taking them off: the approvers, as in data.all, and
    /// the requesters while their request is a draft (or revoked), before approvers see it.
    FilterShareItem, "SUBMIT_SHARE_OBJECT", requester: Some(SharePermission::SubmitShareObject), approver: true
);
