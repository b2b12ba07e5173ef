//! Access that expires unless extended, in data.all's dialect: `submitShareExtension`,
//! `approveShareExtension`, `cancelShareExtension`, `updateShareExpirationPeriod` and
//! `updateShareExtensionReason`. Rejecting an extension is `rejectShareObject`, as in data.all.
//! Core decides who may.

use async_graphql::{Context, Object};

use super::types::ShareGql;
use crate::graphql::{GqlResult, actor, core};

#[derive(Default)]
pub struct ShareExtensionMutation;

#[Object]
impl ShareExtensionMutation {
    /// Asks to keep the share's access for `expiration` more periods of the dataset's unit, or,
    /// with `nonExpirable`, for good. Needs SUBMIT_SHARE_OBJECT (the requesting team).
    async fn submit_share_extension(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        expiration: Option<i32>,
        extension_reason: Option<String>,
        non_expirable: Option<bool>,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?
            .shares()
            .submit_extension(
                actor(ctx)?,
                &share_uri,
                expiration,
                extension_reason.as_deref(),
                non_expirable.unwrap_or(false),
            )
            .await
            .gql()
            .map(ShareGql)
    }

    /// Grants the pending extension; the new expiry date counts from today. Needs
    /// APPROVE_SHARE_OBJECT on the dataset (its admin team and stewards).
    async fn approve_share_extension(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<ShareGql> {
        core(ctx)?.shares().approve_extension(actor(ctx)?, &share_uri).await.gql().map(ShareGql)
    }

    /// Withdraws the pending extension; access still ends at the current expiry date. Needs
    /// SUBMIT_SHARE_OBJECT.
    async fn cancel_share_extension(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
    ) -> async_graphql::Result<bool> {
        core(ctx)?.shares().cancel_extension(actor(ctx)?, &share_uri).await.gql()
    }

    /// The period a pending request or extension asks for, or, with `nonExpirable`, none. The
    /// requesters and the approvers may change it while the share is Draft, Submitted or
    /// Submitted_For_Extension; the current expiry date changes only when it is approved.
    async fn update_share_expiration_period(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        expiration: Option<i32>,
        non_expirable: Option<bool>,
    ) -> async_graphql::Result<bool> {
        core(ctx)?
            .shares()
            .update_expiration_period(actor(ctx)?, &share_uri, expiration, non_expirable.unwrap_or(false))
            .await
            .gql()
    }

    /// Why the requesters want the extension. Needs SUBMIT_SHARE_OBJECT.
    async fn update_share_extension_reason(
        &self,
        ctx: &Context<'_>,
        share_uri: String,
        extension_purpose: Option<String>,
    ) -> async_graphql::Result<bool> {
        core(ctx)?
            .shares()
            .update_extension_reason(actor(ctx)?, &share_uri, extension_purpose.as_deref())
            .await
            .gql()
    }
}
