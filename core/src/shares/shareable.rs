//! A share's item list as data.all lists it: every table, folder and the bucket of the share's
//! dataset, each with this share's item for it when it has one. data.all's clients add items by
//! walking this list, and tell what is in the share by `isShared` ("in this share", whatever the
//! item's state); the item's status says whether it is granted.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_entities::{dataset_location as loc, dataset_table as tbl, share_item as si};

use super::{ItemFilter, ItemStatus, ItemType, ShareItem, Shares};
use crate::{
    Actor, Result, datasets,
    datasets::tables::IN_SYNC,
    page::{Page, PageRequest},
};

/// One entry of a share's item list: a table, folder or bucket of its dataset.
#[derive(Debug, Clone)]
pub struct Shareable {
    pub share_uri: String,
    pub item_uri: String,
    pub item_type: String,
    pub item_name: String,
    pub description: Option<String>,
    /// This share's item for it; `None` while it is not in the share.
    pub item: Option<ShareItem>,
}

impl From<ShareItem> for Shareable {
    fn from(item: ShareItem) -> Self {
        Self {
            share_uri: item.share_uri.clone(),
            item_uri: item.item_uri.clone(),
            item_type: item.item_type.clone(),
            item_name: item.item_name.clone(),
            description: None,
            item: Some(item),
        }
    }
}

impl Shares<'_> {
    /// The share's item list for its requesters and approvers. Without `is_shared`, every
    /// shareable part of the dataset the caller may find, with this share's items; `is_shared`
    /// keeps only those in the share (`true`) or only those not in it yet (`false`).
    pub async fn item_list(
        &self,
        actor: &Actor,
        share_uri: &str,
        filter: &ItemFilter,
        page: PageRequest,
    ) -> Result<Page<Shareable>> {
        let share = self.get(actor, share_uri).await?;
        if filter.is_shared == Some(true) {
            return Ok(self.items_in_share(share_uri, filter, page).await?.map(Shareable::from));
        }
        let held = si::Entity::find().filter(si::Column::ShareUri.eq(share_uri)).all(self.db).await?;
        let mut by_uri: BTreeMap<String, ShareItem> =
            held.into_iter().map(|m| (m.item_uri.clone(), ShareItem::from(m))).collect();
        let mut listed: Vec<Shareable> = Vec::new();
        // A requester whose dataset the catalog now hides still sees what the share holds.
        let datasets = datasets::Datasets { db: self.db, aws: &None, visibility: self.visibility };
        if datasets.require_findable(actor, &share.dataset_uri).await.is_ok() {
            let dataset = self.dataset(&share.dataset_uri).await?;
            let mut part = |item_uri: String, item_type: ItemType, item_name: String, description| {
                let item = by_uri.remove(&item_uri);
                listed.push(Shareable {
                    share_uri: share_uri.to_owned(),
                    item_uri,
                    item_type: item_type.as_str().to_owned(),
                    item_name,
                    description,
                    item,
                });
            };
            let tables = tbl::Entity::find()
                .filter(tbl::Column::DatasetUri.eq(&share.dataset_uri))
                .filter(tbl::Column::LastGlueTableStatus.eq(IN_SYNC))
                .all(self.db)
                .await?;
            for t in tables {
                part(t.table_uri, ItemType::Table, t.name, t.description);
            }
            let folders = loc::Entity::find()
                .filter(loc::Column::DatasetUri.eq(&share.dataset_uri))
                .all(self.db)
                .await?;
            for f in folders {
                part(f.location_uri, ItemType::StorageLocation, f.s3_prefix, f.description);
            }
            part(dataset.dataset_uri.clone(), ItemType::S3Bucket, dataset.bucket_name.clone(), None);
        }
        // Items whose table or folder is gone from the dataset stay listed: they are in the share.
        listed.extend(by_uri.into_values().map(Shareable::from));
        listed.retain(|s| keeps(filter, s));
        listed.sort_by(|a, b| (&a.item_name, &a.item_uri).cmp(&(&b.item_name, &b.item_uri)));
        let count = listed.len() as u64;
        let nodes = listed.into_iter().skip(page.offset() as usize).take(page.page_size as usize).collect();
        Ok(Page::new(page, count, nodes))
    }
}

/// The filter, for an entry of the merged list.
fn keeps(filter: &ItemFilter, entry: &Shareable) -> bool {
    let status = entry.item.as_ref().and_then(|i| ItemStatus::parse(&i.status));
    let term_ok = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()).is_none_or(|term| {
        let term = term.to_lowercase();
        entry.item_name.to_lowercase().contains(&term)
            || entry.description.as_deref().is_some_and(|d| d.to_lowercase().contains(&term))
    });
    let shared_ok = filter.is_shared.is_none_or(|wanted| entry.item.is_some() == wanted);
    let revokable_ok =
        filter.is_revokable.is_none_or(|wanted| status.is_some_and(|s| s.is_revokable()) == wanted);
    // Health belongs to items in the share: an entry outside it is neither healthy nor not.
    let healthy_ok = filter.is_healthy.is_none_or(|wanted| {
        entry.item.as_ref().is_some_and(|i| (i.health_status.as_deref() == Some("Healthy")) == wanted)
    });
    term_ok && shared_ok && revokable_ok && healthy_ok
}
