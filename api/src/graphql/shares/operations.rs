use async_graphql::{Context, InputObject, Object};
use sluice_core::{
    Error,
    shares::{NewShare, ShareFilter},
};

use super::types::{
    ShareGql, ShareItemGql, ShareLog, ShareObjectDataPermission, ShareSearchResult, ShareableType,
};
use crate::graphql::{
    GqlResult, actor, core,
    environments::flat,
    organizations::{SortDirection, page_of},
    to_gql,
};

#[derive(InputObject)]
pub struct NewShareObjectInput {
    pub environment_uri: String,
    /// The requesting team; you must be in it.
    pub group_uri: String,
    /// The team (for Group) or the consumption principal's URI (for ConsumptionRole).
    pub principal_id: String,
    /// Ignored: the principal's own name is used.
    pub principal_name: Option<String>,
    /// Group or ConsumptionRole.
    pub principal_type: String,
    pub request_purpose: Option<String>,
    /// Accepted and ignored: processing the share writes whatever policies the principal's
    /// role needs, whatever the value (data.all does so for the roles it manages, and for
    /// the others when this is true, which its clients send).
    pub attach_missing_policies: Option<bool>,
    pub permissions: Vec<Option<ShareObjectDataPermission>>,
    /// On a dataset whose shares expire: the period asked for, in its `expirySetting` units
    /// (between its `expiryMinDuration` and `expiryMaxDuration`). Needed before submitting,
    /// unless `nonExpirable`.
    pub share_expiration_period: Option<i32>,
    /// On a dataset whose shares expire: ask for access that doesn't; the approvers decide.
    pub non_expirable: Option<bool>,
}

#[derive(async_graphql::SimpleObject)]
pub struct SharedDatasetTableItem {
    table_uri: String,
    #[graphql(name = "GlueTableName")]
    glue_table_name: String,
}

#[derive(InputObject)]
pub struct AddSharedItemInput {
    pub item_uri: String,
    pub item_type: ShareableType,
}

#[derive(InputObject)]
pub struct ShareItemSelectorInput {
    pub share_uri: String,
    /// Items by their table or folder URI (or their share item URI).
    pub item_uris: Vec<Option<String>>,
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum ShareSortField {
    Created,
    Updated,
    Label,
}

#[derive(InputObject)]
pub struct ShareSortCriteria {
    pub field: ShareSortField,
    pub direction: SortDirection,
}

#[derive(InputObject, Default)]
pub struct ShareObjectFilter {
    /// Matches the principal, the requesting team and the purpose.
    pub term: Option<String>,
    /// Shares are listed newest first; a sort is accepted and ignored.
    pub sort: Option<Vec<Option<ShareSortCriteria>>>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
    pub status: Option<Vec<Option<String>>>,
    /// Not supported: leave it out.
    #[graphql(name = "dataset_owners")]
    pub dataset_owners: Option<Vec<Option<String>>>,
    #[graphql(name = "datasets_uris")]
    pub datasets_uris: Option<Vec<Option<String>>>,
    /// Not supported: leave it out.
    #[graphql(name = "share_requesters")]
    pub share_requesters: Option<Vec<Option<String>>>,
    /// Not supported: leave it out.
    #[graphql(name = "share_iam_principals")]
    pub share_iam_principals: Option<Vec<Option<String>>>,
}

impl ShareObjectFilter {
    fn to_core(&self) -> async_graphql::Result<ShareFilter> {
        if [&self.dataset_owners, &self.share_requesters, &self.share_iam_principals]
            .iter()
            .any(|f| !flat(f).is_empty())
        {
            return Err(to_gql(Error::validation(
                "filter",
                "dataset_owners, share_requesters and share_iam_principals are not supported; use term",
            )));
        }
        Ok(ShareFilter {
            term: self.term.clone(),
            statuses: flat(&self.status),
            dataset_uris: flat(&self.datasets_uris),
        })
    }
}

#[derive(Default)]
pub struct ShareQuery;

#[Object]
impl ShareQuery {
    /// For the requesting team and the dataset's admins and stewards.
    async fn get_share_object(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?.shares().get(actor(ctx)?, &share_uri).await.gql().map(ShareGql)
    }

    /// Shares of datasets your teams approve for.
    async fn get_share_requests_to_me(
        &self,
        ctx: &Context<'_>,
        filter: Option<ShareObjectFilter>,
    ) -> async_graphql::Result<ShareSearchResult> {
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?.shares().inbox(actor(ctx)?, &filter.to_core()?, page).await.gql()?;
        Ok(ShareSearchResult(found.map(ShareGql)))
    }

    /// Shares your teams requested.
    async fn get_share_requests_from_me(
        &self,
        ctx: &Context<'_>,
        filter: Option<ShareObjectFilter>,
    ) -> async_graphql::Result<ShareSearchResult> {
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?.shares().outbox(actor(ctx)?, &filter.to_core()?, page).await.gql()?;
        Ok(ShareSearchResult(found.map(ShareGql)))
    }

    /// The dataset's tables shared into the environment, through shares you may read.
    async fn get_shared_dataset_tables(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        env_uri: String,
    ) -> async_graphql::Result<Vec<SharedDatasetTableItem>> {
        let tables = core(ctx)?.shares().shared_tables(actor(ctx)?, &dataset_uri, &env_uri).await.gql()?;
        Ok(tables
            .into_iter()
            .map(|(table_uri, name)| SharedDatasetTableItem { table_uri, glue_table_name: name })
            .collect())
    }

    /// The share's processing log, oldest first.
    async fn get_share_logs(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<Vec<ShareLog>> {
        let lines = core(ctx)?.shares().logs(actor(ctx)?, &share_uri).await.gql()?;
        Ok(lines.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct ShareMutation;

fn required<T>(value: Option<T>, field: &str) -> async_graphql::Result<T> {
    value.ok_or_else(|| to_gql(Error::required(field)))
}

#[Object]
impl ShareMutation {
    /// Requests a share of the dataset for a principal in a target environment, or returns the
    /// existing one (`alreadyExisted`); with `itemUri` and `itemType`, adds that item.
    async fn create_share_object(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        item_uri: Option<String>,
        item_type: Option<String>,
        input: NewShareObjectInput,
    ) -> async_graphql::Result<ShareGql> {
        let item = match (&item_uri, &item_type) {
            (Some(uri), Some(kind)) if !uri.is_empty() => Some((uri.as_str(), kind.as_str())),
            (Some(uri), None) if !uri.is_empty() => {
                return Err(to_gql(Error::validation("itemType", "give the item's type with its URI")));
            }
            _ => None,
        };
        let new = NewShare {
            environment_uri: input.environment_uri,
            group_uri: input.group_uri,
            principal_id: input.principal_id,
            principal_type: input.principal_type,
            request_purpose: input.request_purpose,
            permissions: input.permissions.iter().flatten().map(|p| format!("{p:?}")).collect(),
            share_expiration_period: input.share_expiration_period,
            non_expirable: input.non_expirable.unwrap_or(false),
        };
        core(ctx)?.shares().create(actor(ctx)?, &dataset_uri, item, new).await.gql().map(ShareGql)
    }

    async fn add_shared_item(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        input: Option<AddSharedItemInput>,
    ) -> async_graphql::Result<ShareItemGql> {
        let input = required(input, "input")?;
        let kind = match input.item_type {
            ShareableType::Table => "Table",
            ShareableType::StorageLocation => "StorageLocation",
            ShareableType::S3Bucket => "S3Bucket",
            ShareableType::RedshiftTable => {
                return Err(to_gql(Error::validation(
                    "itemType",
                    "only tables, folders and the dataset's bucket can be shared",
                )));
            }
        };
        core(ctx)?
            .shares()
            .add_item(actor(ctx)?, &share_uri, &input.item_uri, kind)
            .await
            .gql()
            .map(ShareItemGql::from)
    }

    async fn remove_shared_item(
        &self,
        ctx: &Context<'_>,
        share_item_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.shares().remove_item(actor(ctx)?, &share_item_uri).await.gql()
    }

    async fn submit_share_object(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?.shares().submit(actor(ctx)?, &share_uri).await.gql().map(ShareGql)
    }

    async fn approve_share_object(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?.shares().approve(actor(ctx)?, &share_uri).await.gql().map(ShareGql)
    }

    async fn reject_share_object(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        reject_purpose: Option<String>,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?
            .shares()
            .reject(actor(ctx)?, &share_uri, reject_purpose.as_deref())
            .await
            .gql()
            .map(ShareGql)
    }

    async fn revoke_items_share_object(
        &self,
        ctx: &Context<'_>,
        input: Option<ShareItemSelectorInput>,
    ) -> async_graphql::Result<ShareGql> {
        let input = required(input, "input")?;
        let uris: Vec<String> = input.item_uris.into_iter().flatten().collect();
        core(ctx)?.shares().revoke(actor(ctx)?, &input.share_uri, &uris).await.gql().map(ShareGql)
    }

    /// Queues a check of the items' grants in Lake Formation against the share; each item's
    /// `healthStatus` shows the result. Requesters and approvers may.
    async fn verify_items_share_object(
        &self,
        ctx: &Context<'_>,
        input: Option<ShareItemSelectorInput>,
    ) -> async_graphql::Result<ShareGql> {
        let input = required(input, "input")?;
        let uris: Vec<String> = input.item_uris.into_iter().flatten().collect();
        core(ctx)?.shares().verify(actor(ctx)?, &input.share_uri, &uris).await.gql().map(ShareGql)
    }

    /// Queues the repair of the items' missing grants; only approvers may. Revoked items are
    /// never brought back.
    #[graphql(name = "reApplyItemsShareObject")]
    async fn reapply_items_share_object(
        &self,
        ctx: &Context<'_>,
        input: Option<ShareItemSelectorInput>,
    ) -> async_graphql::Result<ShareGql> {
        let input = required(input, "input")?;
        let uris: Vec<String> = input.item_uris.into_iter().flatten().collect();
        core(ctx)?.shares().reapply(actor(ctx)?, &input.share_uri, &uris).await.gql().map(ShareGql)
    }

    /// Deletes a share with nothing shared. `forceDelete` is not supported.
    async fn delete_share_object(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        force_delete: Option<bool>,
    ) -> async_graphql::Result<bool> {
        if force_delete == Some(true) {
            return Err(to_gql(Error::validation(
                "forceDelete",
                "a share holding grants cannot be force-deleted; revoke its items first",
            )));
        }
        core(ctx)?.shares().delete(actor(ctx)?, &share_uri).await.gql()
    }

    async fn update_share_request_reason(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        request_purpose: Option<String>,
    ) -> async_graphql::Result<bool> {
        core(ctx)?
            .shares()
            .update_request_purpose(actor(ctx)?, &share_uri, request_purpose.as_deref())
            .await
            .gql()
    }

    async fn update_share_reject_reason(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        reject_purpose: Option<String>,
    ) -> async_graphql::Result<bool> {
        core(ctx)?
            .shares()
            .update_reject_purpose(actor(ctx)?, &share_uri, reject_purpose.as_deref())
            .await
            .gql()
    }
}
