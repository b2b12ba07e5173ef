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
    shares::{ItemStatus, ItemType, Share, ShareItem, table_permissions},
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

/// The reader a share item makes: the share's principal, on the item. Lake Formation's
/// permissions for a table; the share's own (`Read`, …) for a folder or the bucket.
fn share_item_reader(dataset_uri: &str, dataset_label: &str, share: &Share, item: &ShareItem) -> Reader {
    let mut reader = Reader::bare(ReaderVia::Share, dataset_uri, dataset_label, &share.principal_name);
    reader.team = Some(share.group_uri.clone());
    reader.principal_type = share.principal_type.clone();
    reader.role_arn = Some(share.principal_role_arn.clone());
    reader.share_uri = Some(share.share_uri.clone());
    reader.expiry_date = share.expiry.expiry_date;
    reader.permissions = if item.item_type == ItemType::Table.as_str() {
        table_permissions(&share.permissions).into_iter().map(str::to_owned).collect()
    } else {
        share.permissions.clone()
    };
    reader.share_item_uri = Some(item.share_item_uri.clone());
    reader.item_uri = Some(item.item_uri.clone());
    reader.item_name = Some(item.item_name.clone());
    reader.item_type = Some(item.item_type.clone());
    reader.item_status = Some(item.status.clone());
    reader
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
