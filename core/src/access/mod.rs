//! Who can read what (issue 29): `getEffectiveAccess` answers, for a dataset, table or folder,
//! every reader through Sluice and whether Lake Formation agrees, plus the grants on the
//! dataset's resources that Sluice did not make; `getPrincipalAccess` answers the reverse, for a
//! team or a consumption role.
//!
//! Sluice's expectations come from the same plan share processing carries out
//! ([`item_plan`](crate::shares::item_plan)), so the view can never expect something processing
//! does not do. AWS is read live through the accounts' pivot roles ([`GrantReader`]); when it
//! cannot be read the view still answers from Sluice's side and says why AWS is missing.

mod compare;
pub mod drift;
mod effective;
mod model;
mod port;
mod principal;

use std::sync::Arc;

use sea_orm::{Condition, DatabaseConnection};

pub use model::{
    AwsAgreement, EffectiveAccess, PrincipalAccess, PrincipalKind, Reader, ReaderVia, TargetType,
};
pub use port::{GrantReader, LakeResource, SeenGrant};

use crate::{
    Actor,
    authz::{DatasetPermission, Grant, holds},
    datasets::Dataset,
    environments::AwsSettings,
    shares::ItemStatus,
};

/// `getPrincipalAccess` answers at most this many readers.
pub const MAX_READERS: usize = 2000;

/// Item states in which the share's principal can read the item: granted, or granted with a
/// revoke not yet carried out.
const READING: [ItemStatus; 5] = [
    ItemStatus::ShareSucceeded,
    ItemStatus::PendingExtension,
    ItemStatus::RevokeApproved,
    ItemStatus::RevokeInProgress,
    ItemStatus::RevokeFailed,
];

/// Item states whose grants may be in AWS, all or in part: those grants are Sluice's, not drift.
const MAY_HOLD: [ItemStatus; 7] = [
    ItemStatus::ShareSucceeded,
    ItemStatus::PendingExtension,
    ItemStatus::RevokeApproved,
    ItemStatus::RevokeInProgress,
    ItemStatus::RevokeFailed,
    ItemStatus::ShareInProgress,
    ItemStatus::ShareFailed,
];

fn spellings(states: &[ItemStatus]) -> Vec<&'static str> {
    states.iter().map(|s| s.as_str()).collect()
}

/// Seeing who can read a dataset and its items: its admin team, and platform admins, who answer
/// for the whole estate. Stewards decide on requests, not on the dataset's access as a whole.
#[derive(Debug)]
pub struct SeeAccess;

impl Grant for SeeAccess {
    type On = Dataset;
    const PERMISSION: &'static str = "UPDATE_DATASET";
    const ADVICE: Option<&'static str> =
        Some("only the dataset's admin team and platform admins see who can read it; ask its admin team");
    fn permits(actor: &Actor) -> Condition {
        if actor.is_admin() {
            Condition::all()
        } else {
            holds::<_, Dataset>(DatasetPermission::UpdateDataset, actor)
        }
    }
}

/// The effective-access views.
pub struct Access<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) aws: &'a Option<Arc<AwsSettings>>,
}
