//! A dataset's shares at once, for its admin team (data.all's `verifyDatasetShareObjects` and
//! `reApplyShareObjectItemsOnDataset`): each share with granted items gets its own verify or
//! re-apply task, queued in one transaction, as the per-share operations queue them.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use sluice_entities::{share_item as si, share_object as so};

use super::{
    Share, Shares,
    flow::{REAPPLY_ACTION, VERIFY_ACTION, queue},
    state::ItemStatus,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, dataset as perm},
    datasets,
};

impl Shares<'_> {
    /// Queues a verification of the granted items of `share_uris` (all of the dataset's shares
    /// when empty), each share its own task. Needs UPDATE_DATASET on the dataset; a share of
    /// another dataset is refused by name. Returns how many shares were queued.
    pub async fn verify_dataset(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        share_uris: &[String],
    ) -> Result<usize> {
        let result = self.queue_dataset(actor, dataset_uri, share_uris, VERIFY_ACTION, "PendingVerify");
        audit::audited(
            self.db,
            actor,
            "verifyDatasetShareObjects",
            (dataset_uri, datasets::RESOURCE_TYPE),
            result,
        )
        .await
    }

    /// Queues a re-apply of the granted items of every share of the dataset, each share its own
    /// task: missing grants are made again, revoked items stay revoked. Needs UPDATE_DATASET.
    pub async fn reapply_dataset(&self, actor: &Actor, dataset_uri: &str) -> Result<usize> {
        let result = self.queue_dataset(actor, dataset_uri, &[], REAPPLY_ACTION, "PendingReApply");
        audit::audited(
            self.db,
            actor,
            "reApplyShareObjectItemsOnDataset",
            (dataset_uri, datasets::RESOURCE_TYPE),
            result,
        )
        .await
    }

    async fn queue_dataset(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        share_uris: &[String],
        action: &str,
        pending: &str,
    ) -> Result<usize> {
        authz::authorize::<perm::UpdateDataset>(self.db, actor, dataset_uri).await?;
        let shares: Vec<Share> = so::Entity::find()
            .filter(so::Column::DatasetUri.eq(dataset_uri))
            .all(self.db)
            .await?
            .into_iter()
            .map(Share::from_model)
            .collect::<Result<_>>()?;
        if let Some(stranger) = share_uris.iter().find(|u| !shares.iter().any(|s| &s.share_uri == *u)) {
            return Err(Error::validation(
                "shareUris",
                format!(
                    "{stranger} is not a share of dataset {dataset_uri}; name only this dataset's shares"
                ),
            ));
        }
        let granted: Vec<si::Model> = si::Entity::find()
            .filter(si::Column::ShareUri.is_in(shares.iter().map(|s| s.share_uri.clone())))
            .filter(si::Column::Status.is_in(ItemStatus::granted_spellings()))
            .all(self.db)
            .await?;
        let chosen: Vec<&Share> = shares
            .iter()
            .filter(|s| share_uris.is_empty() || share_uris.contains(&s.share_uri))
            .filter(|s| granted.iter().any(|i| i.share_uri == s.share_uri))
            .collect();
        let txn = crate::db::write_txn(self.db).await?;
        for share in &chosen {
            let items: Vec<String> = granted
                .iter()
                .filter(|i| i.share_uri == share.share_uri)
                .map(|i| i.share_item_uri.clone())
                .collect();
            si::Entity::update_many()
                .col_expr(si::Column::HealthStatus, Expr::value(pending))
                .filter(si::Column::ShareItemUri.is_in(items.clone()))
                .exec(&txn)
                .await?;
            let task = queue(&txn, share, action, &items).await?;
            self.log(
                &txn,
                &share.share_uri,
                &format!("{} queued {action} of the dataset's shares; task {task}", actor.username()),
            )
            .await?;
        }
        audit::record(
            &txn,
            actor,
            if action == VERIFY_ACTION {
                "verifyDatasetShareObjects"
            } else {
                "reApplyShareObjectItemsOnDataset"
            },
            dataset_uri,
            datasets::RESOURCE_TYPE,
            &format!("{} share(s) queued", chosen.len()),
        )
        .await?;
        txn.commit().await?;
        Ok(chosen.len())
    }
}
