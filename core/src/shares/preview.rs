//! The plan preview: the exact grants, links and databases that approving (or revoking) a share
//! makes (or removes), computed from the database alone, so approvers see what they approve.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_entities::share_item as si;

use super::{
    ItemPlan, ShareItem, Shares,
    grants::item_plan,
    processing::{Mode, Work, accounts, work_items},
    state::{ItemStatus, ShareStatus},
};
use crate::{Actor, Result};

/// What a decision on the share would do in AWS.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SharePlan {
    /// `grant` (approval) or `revoke`.
    pub action: &'static str,
    pub items: Vec<ItemPlan>,
    /// Items that would fail, and why (folders, tables gone from the dataset).
    pub refused: Vec<String>,
}

impl Shares<'_> {
    /// For a share being revoked, what the revoke removes; otherwise what approval grants (or
    /// granted) for every item not rejected or revoked. Never calls AWS.
    pub async fn plan(&self, actor: &Actor, share_uri: &str) -> Result<SharePlan> {
        let share = self.get(actor, share_uri).await?;
        let revoking = matches!(
            ShareStatus::parse(&share.status),
            Some(ShareStatus::Revoked | ShareStatus::RevokeInProgress)
        );
        let wanted: &[ItemStatus] = if revoking {
            &[ItemStatus::RevokeApproved, ItemStatus::RevokeInProgress]
        } else {
            &[
                ItemStatus::PendingApproval,
                ItemStatus::ShareApproved,
                ItemStatus::ShareInProgress,
                ItemStatus::ShareSucceeded,
                ItemStatus::PendingExtension,
            ]
        };
        let (dataset, source, target) = accounts(self.db, &share).await?;
        let mut items = vec![];
        for row in si::Entity::find().filter(si::Column::ShareUri.eq(share_uri)).all(self.db).await? {
            let item = ShareItem::from(row);
            if !ItemStatus::parse(&item.status).is_some_and(|s| wanted.contains(&s)) {
                continue;
            }
            items.push(item);
        }
        let items = work_items(self.db, items).await?;
        let mode = if revoking { Mode::Revoke } else { Mode::Share };
        let work = Work { share, dataset, source, target, items, mode };
        let (mut plans, mut refused) = (vec![], vec![]);
        for item in &work.items {
            match item_plan(&work, item) {
                Ok(plan) => plans.push(plan),
                Err(reason) => refused.push(reason),
            }
        }
        Ok(SharePlan { action: if revoking { "revoke" } else { "grant" }, items: plans, refused })
    }
}
