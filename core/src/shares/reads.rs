//! Reading shares: one share for its requesters and approvers, the approvers' inbox, the
//! requesters' outbox, items with their filters, and the processing log.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order,
    QueryFilter, QueryOrder, QuerySelect,
};
use sluice_entities::{share_item as si, share_log, share_object as so};

use super::{
    RESOURCE_TYPE, Share, ShareItem, ShareRole, Shares,
    access::{DecideShare, ReadShare},
    state::ItemStatus,
};
use crate::{
    Actor, Error, Result,
    authz::{DatasetPermission, Grant, SharePermission, granted, share as perm},
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

/// What `getShareRequestsToMe` and `getShareRequestsFromMe` narrow by.
#[derive(Debug, Clone, Default)]
pub struct ShareFilter {
    pub term: Option<String>,
    pub statuses: Vec<String>,
    pub dataset_uris: Vec<String>,
}

/// What `items(filter)` narrows by.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub term: Option<String>,
    /// Items in this share (or, `false`, parts of the dataset not in it yet), as data.all
    /// means it; whether an item is granted is its status.
    pub is_shared: Option<bool>,
    pub is_revokable: Option<bool>,
    pub is_healthy: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareLogLine {
    pub created: chrono::DateTime<chrono::Utc>,
    pub message: String,
}

pub(crate) async fn log(db: &impl ConnectionTrait, share_uri: &str, message: &str) -> Result<()> {
    share_log::ActiveModel {
        log_uri: Set(new_uri()),
        share_uri: Set(share_uri.to_owned()),
        created: Set(chrono::Utc::now()),
        message: Set(message.to_owned()),
    }
    .insert(db)
    .await?;
    Ok(())
}

impl Shares<'_> {
    pub(crate) async fn load(&self, share_uri: &str) -> Result<Share> {
        self.load_in(self.db, share_uri).await
    }

    /// The share as `db` (a transaction, when the caller wrote to it) sees it.
    pub(crate) async fn load_in(&self, db: &impl sea_orm::ConnectionTrait, share_uri: &str) -> Result<Share> {
        so::Entity::find_by_id(share_uri.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: share_uri.to_owned() })
            .and_then(Share::from_model)
    }

    pub(crate) async fn load_item(&self, share_item_uri: &str) -> Result<ShareItem> {
        si::Entity::find_by_id(share_item_uri.to_owned()).one(self.db).await?.map(Into::into).ok_or_else(
            || Error::NotFound { kind: super::ITEM_RESOURCE_TYPE, uri: share_item_uri.to_owned() },
        )
    }

    /// The actor's relation to the share: requesting team, approvers, both, or neither.
    pub async fn role_of(&self, actor: &Actor, share: &Share) -> Result<ShareRole> {
        let requester = self.authorize::<perm::GetShareObject>(actor, &share.share_uri).await.is_ok();
        let approver = self.authorize::<DecideShare>(actor, &share.share_uri).await.is_ok();
        Ok(match (approver, requester) {
            (true, true) => ShareRole::ApproversAndRequesters,
            (true, false) => ShareRole::Approvers,
            (false, true) => ShareRole::Requesters,
            (false, false) => ShareRole::NoPermission,
        })
    }

    /// A share, for its requesting team and its dataset's approvers only.
    pub async fn get(&self, actor: &Actor, share_uri: &str) -> Result<Share> {
        self.authorize::<ReadShare>(actor, share_uri).await.map(|s| s.into_inner()).map_err(|e| match e {
            Error::Forbidden(_) => Error::forbidden(
                actor,
                ReadShare::PERMISSION,
                RESOURCE_TYPE,
                share_uri,
                "only the requesting team and the dataset's admins and stewards see a share",
            ),
            other => other,
        })
    }

    /// The items in the share (`filter.is_shared` aside), for its requesters and approvers.
    /// [`Shares::item_list`] is the list as data.all gives it, with the dataset's other parts.
    pub async fn items(
        &self,
        actor: &Actor,
        share_uri: &str,
        filter: &ItemFilter,
        page: PageRequest,
    ) -> Result<Page<ShareItem>> {
        self.get(actor, share_uri).await?;
        self.items_in_share(share_uri, filter, page).await
    }

    /// The items in the share, filtered and paged in the database; the caller has read it.
    pub(crate) async fn items_in_share(
        &self,
        share_uri: &str,
        filter: &ItemFilter,
        page: PageRequest,
    ) -> Result<Page<ShareItem>> {
        let mut query = si::Entity::find().filter(si::Column::ShareUri.eq(share_uri));
        if let Some(term) = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(si::Entity, si::Column::ItemName)]));
        }
        let in_states = |pred: fn(&ItemStatus) -> bool, wanted: bool| {
            let names: Vec<&str> =
                ItemStatus::ALL.iter().filter(|s| pred(s) == wanted).map(|s| s.as_str()).collect();
            si::Column::Status.is_in(names)
        };
        if let Some(revokable) = filter.is_revokable {
            query = query.filter(in_states(|s| s.is_revokable(), revokable));
        }
        if let Some(healthy) = filter.is_healthy {
            query = query.filter(if healthy {
                Condition::all().add(si::Column::HealthStatus.eq("Healthy"))
            } else {
                Condition::any()
                    .add(si::Column::HealthStatus.ne("Healthy"))
                    .add(si::Column::HealthStatus.is_null())
            });
        }
        let query = query.order_by_asc(si::Column::ItemName).order_by_asc(si::Column::ShareItemUri);
        Ok(page::fetch(self.db, query, page).await?.map(Into::into))
    }

    /// Shares of datasets the actor's teams approve for.
    pub async fn inbox(&self, actor: &Actor, filter: &ShareFilter, page: PageRequest) -> Result<Page<Share>> {
        let query = so::Entity::find().filter(
            so::Column::DatasetUri.in_subquery(granted(DatasetPermission::ApproveShareObject, actor)),
        );
        self.page(query, filter, page).await
    }

    /// Shares the actor's teams requested.
    pub async fn outbox(
        &self,
        actor: &Actor,
        filter: &ShareFilter,
        page: PageRequest,
    ) -> Result<Page<Share>> {
        let query = so::Entity::find()
            .filter(so::Column::ShareUri.in_subquery(granted(SharePermission::GetShareObject, actor)));
        self.page(query, filter, page).await
    }

    async fn page(
        &self,
        mut query: sea_orm::Select<so::Entity>,
        filter: &ShareFilter,
        page: PageRequest,
    ) -> Result<Page<Share>> {
        if !filter.statuses.is_empty() {
            query = query.filter(so::Column::Status.is_in(filter.statuses.clone()));
        }
        if !filter.dataset_uris.is_empty() {
            query = query.filter(so::Column::DatasetUri.is_in(filter.dataset_uris.clone()));
        }
        if let Some(term) = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [so::Column::PrincipalName, so::Column::GroupUri, so::Column::RequestPurpose];
            query = query.filter(contains_any(term, columns.map(|c| (so::Entity, c))));
        }
        // Counted up to a cap: counting every share of every dataset a user in 50 teams approves
        // for read them all (349 ms p99 at size L); the page itself walks ix_share_object_updated.
        let order = [(so::Column::Updated, Order::Desc), (so::Column::ShareUri, Order::Asc)];
        page::fetch_capped(self.db, query, &order, page).await?.try_map(Share::from_model)
    }

    /// The share's processing log, oldest first.
    pub async fn logs(&self, actor: &Actor, share_uri: &str) -> Result<Vec<ShareLogLine>> {
        self.get(actor, share_uri).await?;
        Ok(share_log::Entity::find()
            .filter(share_log::Column::ShareUri.eq(share_uri))
            .order_by_asc(share_log::Column::Created)
            .order_by_asc(share_log::Column::LogUri)
            .limit(1000)
            .all(self.db)
            .await?
            .into_iter()
            .map(|l| ShareLogLine { created: l.created, message: l.message })
            .collect())
    }
}

impl Shares<'_> {
    /// How the principal's IAM policies are managed: a team's role is Sluice's, a consumption
    /// role says itself.
    pub async fn policy_management(&self, share: &Share) -> Result<String> {
        if share.principal_type != super::PrincipalType::ConsumptionRole.as_str() {
            return Ok("FULLY_MANAGED".into());
        }
        let role = sluice_entities::consumption_principal::Entity::find_by_id(share.principal_id.clone())
            .one(self.db)
            .await?;
        Ok(role.map_or_else(|| "EXTERNALLY_MANAGED".into(), |r| r.policy_management))
    }

    /// Counts of the share's items by what they hold.
    pub async fn statistics(&self, actor: &Actor, share_uri: &str) -> Result<ShareStatistics> {
        let mut many = self.statistics_many(actor, &[share_uri.to_owned()]).await?;
        many.remove(share_uri).ok_or_else(|| crate::authz::refusal::<ReadShare>(actor, share_uri))
    }

    /// Item counts of many shares in one query, for a page of them; every share asked for that
    /// the actor may read has an entry.
    pub async fn statistics_many(
        &self,
        actor: &Actor,
        share_uris: &[String],
    ) -> Result<std::collections::HashMap<String, ShareStatistics>> {
        let readable: Vec<String> = so::Entity::find()
            .select_only()
            .column(so::Column::ShareUri)
            .filter(so::Column::ShareUri.is_in(share_uris.to_vec()))
            .filter(ReadShare::permits(actor))
            .into_tuple()
            .all(self.db)
            .await?;
        let mut out: std::collections::HashMap<String, ShareStatistics> =
            readable.iter().map(|u| (u.clone(), ShareStatistics::default())).collect();
        let items = si::Entity::find().filter(si::Column::ShareUri.is_in(readable)).all(self.db).await?;
        for item in items {
            let stats = out.entry(item.share_uri).or_default();
            match ItemStatus::parse(&item.status) {
                Some(s) if s.is_shared() => stats.shared += 1,
                Some(ItemStatus::RevokeSucceeded) => stats.revoked += 1,
                Some(ItemStatus::ShareFailed | ItemStatus::RevokeFailed) => stats.failed += 1,
                Some(ItemStatus::PendingApproval) => stats.pending += 1,
                _ => {}
            }
        }
        Ok(out)
    }
}

impl Shares<'_> {
    /// The catalog entry of each share's dataset, by share URI, for the shares the actor may
    /// read: a share's requesters see the dataset they asked for even where the catalog is
    /// restricted. Two queries for any number of shares.
    pub async fn dataset_entries(
        &self,
        actor: &Actor,
        share_uris: &[String],
    ) -> Result<std::collections::HashMap<String, crate::datasets::DatasetEntry>> {
        let pairs: Vec<(String, String)> = so::Entity::find()
            .select_only()
            .columns([so::Column::ShareUri, so::Column::DatasetUri])
            .filter(so::Column::ShareUri.is_in(share_uris.to_vec()))
            .filter(ReadShare::permits(actor))
            .into_tuple()
            .all(self.db)
            .await?;
        let dataset_uris: Vec<String> = pairs.iter().map(|(_, d)| d.clone()).collect();
        let datasets: std::collections::HashMap<String, crate::datasets::DatasetEntry> =
            sluice_entities::dataset::Entity::find()
                .filter(sluice_entities::dataset::Column::DatasetUri.is_in(dataset_uris))
                .all(self.db)
                .await?
                .into_iter()
                .map(|row| {
                    crate::datasets::Dataset::from_model(row).map(|d| (d.dataset_uri.clone(), d.entry()))
                })
                .collect::<Result<_>>()?;
        Ok(pairs
            .into_iter()
            .filter_map(|(share, dataset)| datasets.get(&dataset).map(|e| (share, e.clone())))
            .collect())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShareStatistics {
    pub shared: u64,
    pub revoked: u64,
    pub failed: u64,
    pub pending: u64,
}

impl Shares<'_> {
    /// The dataset's tables shared into an environment, through the shares the actor may read:
    /// (table URI, Glue table name), once each.
    pub async fn shared_tables(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        environment_uri: &str,
    ) -> Result<Vec<(String, String)>> {
        let rows = so::Entity::find()
            .filter(so::Column::DatasetUri.eq(dataset_uri))
            .filter(so::Column::EnvironmentUri.eq(environment_uri))
            .all(self.db)
            .await?;
        let mut tables: Vec<(String, String)> = vec![];
        for row in rows {
            let share = Share::from_model(row)?;
            if self.role_of(actor, &share).await? == ShareRole::NoPermission {
                continue;
            }
            for item in self.items_of(&share.share_uri).await? {
                let shared = ItemStatus::parse(&item.status).is_some_and(|s| s.is_shared());
                if shared && item.item_type == "Table" && !tables.iter().any(|(uri, _)| *uri == item.item_uri)
                {
                    tables.push((item.item_uri, item.item_name));
                }
            }
        }
        tables.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(tables)
    }
}
