//! Filters attached to a share's table item (data.all's `updateShareItemFilters`,
//! `removeShareItemFilter`, `getShareItemDataFilters`, `listTableDataFiltersByAttached`). An
//! item with filters is granted on one Lake Formation data cells filter per attached filter
//! instead of on the whole table (see [`super::grants`]).
//!
//! Filters change only while the item holds no grants (PendingApproval, Share_Rejected,
//! Revoke_Succeeded), so what a revoke takes back is always what was granted. The approvers
//! attach them, as in data.all; the requesting team may too while its request is a Draft (or
//! Rejected or Revoked), so that approvers review what they approve. The filters' names are
//! read from the filters themselves: data.all's `filterNames` input is not trusted.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use sluice_entities::{
    share_item as si, share_item_data_filter as sidf, share_item_filter_use as used, table_data_filter as tdf,
};

use super::{
    ITEM_RESOURCE_TYPE, ItemType, ShareItem, Shares,
    access::{DecideShare, FilterShareItem, ReadShare},
    state::{ItemStatus, ShareStatus},
};
use crate::{
    Actor, Error, Result, audit,
    datasets::tables::{TableDataFilter, filters::filters_page},
    organizations::validate,
    page::{Page, PageRequest},
    uri::new_uri,
};

/// What activity rows about an attachment name as its type.
pub const ATTACHMENT_RESOURCE_TYPE: &str = "share_item_data_filter";

/// An item's attached filters, as `getShareItemDataFilters` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDataFilters {
    pub attached_data_filter_uri: String,
    pub share_item_uri: String,
    pub share_uri: String,
    /// The table's URI.
    pub item_uri: String,
    pub label: String,
    /// The filters, in the order they were attached.
    pub filters: Vec<TableDataFilter>,
}

/// What `updateShareItemFilters` sends.
#[derive(Debug, Clone, Default)]
pub struct ModifyItemFilters {
    pub share_item_uri: String,
    pub label: String,
    pub filter_uris: Vec<String>,
}

/// Item states that hold no grants, in which filters may change.
fn filters_may_change(status: ItemStatus) -> bool {
    matches!(status, ItemStatus::PendingApproval | ItemStatus::ShareRejected | ItemStatus::RevokeSucceeded)
}

/// Share states in which the requesting team (not an approver) changes its items' filters.
fn requester_may_change(status: Option<ShareStatus>) -> bool {
    matches!(status, Some(ShareStatus::Draft | ShareStatus::Rejected | ShareStatus::Revoked))
}

/// The filters of attachments, in order, one query for all of them.
pub(crate) async fn filters_of(
    db: &impl ConnectionTrait,
    attached_uris: &[String],
) -> Result<Vec<(String, TableDataFilter)>> {
    if attached_uris.is_empty() {
        return Ok(vec![]);
    }
    let uses = used::Entity::find()
        .filter(used::Column::AttachedDataFilterUri.is_in(attached_uris.iter().cloned()))
        .order_by_asc(used::Column::AttachedDataFilterUri)
        .order_by_asc(used::Column::Position)
        .all(db)
        .await?;
    let rows = tdf::Entity::find()
        .filter(tdf::Column::FilterUri.is_in(uses.iter().map(|u| u.filter_uri.clone())))
        .all(db)
        .await?;
    let mut out = vec![];
    for u in uses {
        // A use always names a filter: deleting one in use is refused.
        let Some(row) = rows.iter().find(|r| r.filter_uri == u.filter_uri) else { continue };
        out.push((u.attached_data_filter_uri, TableDataFilter::from_model(row.clone())?));
    }
    Ok(out)
}

/// Forgets an item's attachment, in the caller's transaction: the item is leaving its share.
pub(crate) async fn forget_item(db: &impl ConnectionTrait, item: &ShareItem) -> Result<()> {
    let Some(uri) = &item.attached_data_filter_uri else { return Ok(()) };
    used::Entity::delete_many().filter(used::Column::AttachedDataFilterUri.eq(uri)).exec(db).await?;
    sidf::Entity::delete_by_id(uri.clone()).exec(db).await?;
    Ok(())
}

/// Forgets every attachment of a share's items, in the caller's transaction: the share is going.
pub(crate) async fn forget_share(db: &impl ConnectionTrait, share_uri: &str) -> Result<()> {
    let of_share = sea_orm::sea_query::Query::select()
        .column(sidf::Column::AttachedDataFilterUri)
        .from(sidf::Entity)
        .and_where(sidf::Column::ShareUri.eq(share_uri))
        .to_owned();
    used::Entity::delete_many()
        .filter(used::Column::AttachedDataFilterUri.in_subquery(of_share))
        .exec(db)
        .await?;
    sidf::Entity::delete_many().filter(sidf::Column::ShareUri.eq(share_uri)).exec(db).await?;
    Ok(())
}

impl Shares<'_> {
    /// The item with its share, if the actor may change its filters now.
    async fn item_for_filters(&self, actor: &Actor, item: &ShareItem) -> Result<super::Share> {
        let share = self.authorize::<FilterShareItem>(actor, &item.share_uri).await?.into_inner();
        if item.item_type != ItemType::Table.as_str() {
            return Err(Error::validation(
                "shareItemUri",
                format!("{} is a {}; only tables take data filters", item.item_name, item.item_type),
            ));
        }
        let status = ItemStatus::parse(&item.status);
        if !status.is_some_and(filters_may_change) {
            return Err(Error::InvalidState(format!(
                "item {} is {}; its filters change only before it is shared or after it is revoked",
                item.item_name, item.status
            )));
        }
        let approver = self.authorize::<DecideShare>(actor, &item.share_uri).await.is_ok();
        if !approver && !requester_may_change(ShareStatus::parse(&share.status)) {
            return Err(Error::InvalidState(format!(
                "the share is {}; requesters choose filters while it is a Draft, Rejected or Revoked, \
                 and the dataset's approvers at any time before it is shared",
                share.status
            )));
        }
        Ok(share)
    }

    /// Attaches `filter_uris` (filters of the item's table) to a table item, replacing what it
    /// had. data.all's `updateShareItemFilters`.
    pub async fn update_item_filters(
        &self,
        actor: &Actor,
        input: ModifyItemFilters,
    ) -> Result<ItemDataFilters> {
        let uri = input.share_item_uri.clone();
        audit::audited(
            self.db,
            actor,
            "updateShareItemFilters",
            (&uri, ITEM_RESOURCE_TYPE),
            self.update_item_filters_inner(actor, input),
        )
        .await
    }

    async fn update_item_filters_inner(
        &self,
        actor: &Actor,
        input: ModifyItemFilters,
    ) -> Result<ItemDataFilters> {
        let item = match self.load_item(input.share_item_uri.trim()).await {
            Ok(item) => item,
            Err(Error::NotFound { .. }) => {
                return Err(crate::authz::refusal::<FilterShareItem>(actor, input.share_item_uri.trim()));
            }
            Err(e) => return Err(e),
        };
        // Refused alike whether the item exists or not, naming only what was asked for.
        if self.authorize::<FilterShareItem>(actor, &item.share_uri).await.is_err() {
            return Err(crate::authz::refusal::<FilterShareItem>(actor, &item.share_item_uri));
        }
        let share = self.item_for_filters(actor, &item).await?;
        let label = validate::label(Some(&input.label))?;
        let mut wanted: Vec<String> = vec![];
        for uri in &input.filter_uris {
            let uri = uri.trim().to_owned();
            if !uri.is_empty() && !wanted.contains(&uri) {
                wanted.push(uri);
            }
        }
        if wanted.is_empty() {
            return Err(Error::validation(
                "filterUris",
                "choose at least one filter; removeShareItemFilter shares the whole table again",
            ));
        }
        let found = tdf::Entity::find()
            .filter(tdf::Column::FilterUri.is_in(wanted.clone()))
            .filter(tdf::Column::TableUri.eq(&item.item_uri))
            .all(self.db)
            .await?;
        if let Some(missing) = wanted.iter().find(|w| !found.iter().any(|f| &f.filter_uri == *w)) {
            return Err(Error::validation(
                "filterUris",
                format!("{missing} is not a filter of table {}", item.item_name),
            ));
        }
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        let attached_uri = match &item.attached_data_filter_uri {
            Some(uri) => {
                sidf::Entity::update_many()
                    .col_expr(sidf::Column::Label, Expr::value(label.clone()))
                    .col_expr(sidf::Column::Updated, Expr::value(now))
                    .filter(sidf::Column::AttachedDataFilterUri.eq(uri))
                    .exec(&txn)
                    .await?;
                used::Entity::delete_many()
                    .filter(used::Column::AttachedDataFilterUri.eq(uri))
                    .exec(&txn)
                    .await?;
                uri.clone()
            }
            None => {
                let uri = new_uri();
                sidf::ActiveModel {
                    attached_data_filter_uri: Set(uri.clone()),
                    share_item_uri: Set(item.share_item_uri.clone()),
                    share_uri: Set(item.share_uri.clone()),
                    item_uri: Set(item.item_uri.clone()),
                    label: Set(label.clone()),
                    created: Set(now),
                    updated: Set(now),
                }
                .insert(&txn)
                .await?;
                uri
            }
        };
        for (position, filter_uri) in wanted.iter().enumerate() {
            used::ActiveModel {
                attached_data_filter_uri: Set(attached_uri.clone()),
                filter_uri: Set(filter_uri.clone()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            }
            .insert(&txn)
            .await?;
        }
        // Conditional on the item's state, so a share processed meanwhile is not changed under it.
        let moved = si::Entity::update_many()
            .col_expr(si::Column::AttachedDataFilterUri, Expr::value(Some(attached_uri.clone())))
            .col_expr(si::Column::Updated, Expr::value(now))
            .filter(si::Column::ShareItemUri.eq(&item.share_item_uri))
            .filter(si::Column::Status.eq(&item.status))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(Error::Conflict(format!("item {} changed meanwhile; read it again", item.item_name)));
        }
        let names: Vec<&str> = wanted
            .iter()
            .filter_map(|w| found.iter().find(|f| &f.filter_uri == w))
            .map(|f| f.label.as_str())
            .collect();
        audit::record_in(
            &txn,
            actor,
            "updateShareItemFilters",
            (&item.share_item_uri, ITEM_RESOURCE_TYPE),
            audit::Scope::share(&share.share_uri),
            &format!("{}: {}", item.item_name, names.join(", ")),
        )
        .await?;
        txn.commit().await?;
        self.attached(&attached_uri).await?.ok_or_else(|| Error::Internal("attachment vanished".into()))
    }

    /// Takes an item's filters off: the item asks for the whole table again. data.all's
    /// `removeShareItemFilter`.
    pub async fn remove_item_filters(&self, actor: &Actor, attached_uri: &str) -> Result<bool> {
        audit::audited(
            self.db,
            actor,
            "removeShareItemFilter",
            (attached_uri, ATTACHMENT_RESOURCE_TYPE),
            self.remove_item_filters_inner(actor, attached_uri),
        )
        .await
    }

    async fn remove_item_filters_inner(&self, actor: &Actor, attached_uri: &str) -> Result<bool> {
        let Some(attached) = sidf::Entity::find_by_id(attached_uri.to_owned()).one(self.db).await? else {
            return Err(crate::authz::refusal::<FilterShareItem>(actor, attached_uri));
        };
        let item = self.load_item(&attached.share_item_uri).await?;
        if self.authorize::<FilterShareItem>(actor, &item.share_uri).await.is_err() {
            return Err(crate::authz::refusal::<FilterShareItem>(actor, attached_uri));
        }
        let share = self.item_for_filters(actor, &item).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let moved = si::Entity::update_many()
            .col_expr(si::Column::AttachedDataFilterUri, Expr::value(Option::<String>::None))
            .col_expr(si::Column::Updated, Expr::value(chrono::Utc::now()))
            .filter(si::Column::ShareItemUri.eq(&item.share_item_uri))
            .filter(si::Column::Status.eq(&item.status))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(Error::Conflict(format!("item {} changed meanwhile; read it again", item.item_name)));
        }
        used::Entity::delete_many()
            .filter(used::Column::AttachedDataFilterUri.eq(attached_uri))
            .exec(&txn)
            .await?;
        sidf::Entity::delete_by_id(attached_uri.to_owned()).exec(&txn).await?;
        audit::record_in(
            &txn,
            actor,
            "removeShareItemFilter",
            (&item.share_item_uri, ITEM_RESOURCE_TYPE),
            audit::Scope::share(&share.share_uri),
            &item.item_name,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// An item's attached filters, for whoever may read its share.
    pub async fn item_filters(&self, actor: &Actor, attached_uri: &str) -> Result<ItemDataFilters> {
        let found = self.attached(attached_uri).await?;
        let readable = match &found {
            Some(a) => self.authorize::<ReadShare>(actor, &a.share_uri).await.is_ok(),
            None => false,
        };
        match found {
            Some(attached) if readable => Ok(attached),
            _ => Err(crate::authz::refusal::<ReadShare>(actor, attached_uri)),
        }
    }

    /// The filters attached to an item, as a page (data.all's `listTableDataFiltersByAttached`).
    pub async fn item_filters_page(
        &self,
        actor: &Actor,
        attached_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TableDataFilter>> {
        let attached = self.item_filters(actor, attached_uri).await?;
        let uris: Vec<String> = attached.filters.iter().map(|f| f.filter_uri.clone()).collect();
        filters_page(self.db, tdf::Entity::find().filter(tdf::Column::FilterUri.is_in(uris)), term, page)
            .await
    }

    async fn attached(&self, attached_uri: &str) -> Result<Option<ItemDataFilters>> {
        let Some(row) = sidf::Entity::find_by_id(attached_uri.to_owned()).one(self.db).await? else {
            return Ok(None);
        };
        let filters = filters_of(self.db, std::slice::from_ref(&row.attached_data_filter_uri))
            .await?
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        Ok(Some(ItemDataFilters {
            attached_data_filter_uri: row.attached_data_filter_uri,
            share_item_uri: row.share_item_uri,
            share_uri: row.share_uri,
            item_uri: row.item_uri,
            label: row.label,
            filters,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_change_only_where_nothing_is_granted() {
        let open: Vec<ItemStatus> =
            ItemStatus::ALL.iter().copied().filter(|s| filters_may_change(*s)).collect();
        assert_eq!(open.len(), 3);
        assert!(open.contains(&ItemStatus::PendingApproval) && open.contains(&ItemStatus::RevokeSucceeded));
        assert!(open.iter().all(|s| !s.is_granted() && !s.is_shared()));
        assert!(requester_may_change(Some(ShareStatus::Draft)));
        assert!(!requester_may_change(Some(ShareStatus::Submitted)));
        assert!(!requester_may_change(Some(ShareStatus::Approved)));
    }
}
