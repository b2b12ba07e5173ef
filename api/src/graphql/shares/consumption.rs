//! How to use a share, in data.all's dialect: `getS3ConsumptionData` (with Sluice's additions:
//! the S3 URI of each granted folder and the role to use) and `listSharedDatasetTableColumns`.
//! Core decides who may, and describes only what is granted.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use sluice_core::shares::ConsumptionData;

use crate::graphql::{
    GqlResult, actor, core,
    datasets::{DatasetTableColumnFilter, DatasetTableColumnSearchResult, column_page},
    organizations::page_of,
};

/// What a requester needs to use a share, as far as it is granted now.
#[derive(SimpleObject)]
pub struct S3ConsumptionData {
    /// The share's S3 access point, when a folder or the bucket is granted: read the shared
    /// data through it (`arn:aws:s3:<region>:<account>:accesspoint/<name>`).
    s3_access_point_name: Option<String>,
    /// The access point's ARN (Sluice's addition).
    s3_access_point_arn: Option<String>,
    /// The Glue database to query the granted tables from, in the share's environment.
    shared_glue_database: Option<String>,
    /// The dataset's bucket, when a folder or the bucket is granted.
    #[graphql(name = "s3bucketName")]
    s3_bucket_name: Option<String>,
    /// `s3://bucket/prefix/` of each granted folder (Sluice's addition).
    s3_prefixes: Vec<String>,
    /// The IAM role the grants went to: the one to use (Sluice's addition).
    principal_role_arn: String,
}

impl From<ConsumptionData> for S3ConsumptionData {
    fn from(d: ConsumptionData) -> Self {
        Self {
            s3_access_point_name: d.s3_access_point_name,
            s3_access_point_arn: d.s3_access_point_arn,
            shared_glue_database: d.shared_glue_database,
            s3_bucket_name: d.s3_bucket_name,
            s3_prefixes: d.s3_prefixes,
            principal_role_arn: d.principal_role_arn,
        }
    }
}

#[derive(Default)]
pub struct ShareConsumptionQuery;

#[Object]
impl ShareConsumptionQuery {
    /// How to use the share's granted items; its requesters and approvers may ask.
    async fn get_s3_consumption_data(
        &self,
        ctx: &Context<'_>,
        share_uri: Option<String>,
    ) -> async_graphql::Result<S3ConsumptionData> {
        let share_uri = share_uri.unwrap_or_default();
        core(ctx)?.shares().consumption(actor(ctx)?, &share_uri).await.gql().map(Into::into)
    }

    /// The columns of a table the share grants; its requesters and approvers may ask.
    async fn list_shared_dataset_table_columns(
        &self,
        ctx: &Context<'_>,
        table_uri: String,
        share_uri: String,
        filter: Option<DatasetTableColumnFilter>,
    ) -> async_graphql::Result<DatasetTableColumnSearchResult> {
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let (table, columns) = core(ctx)?
            .shares()
            .shared_table_columns(actor(ctx)?, &share_uri, &table_uri, filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(column_page(Arc::new(table), columns))
    }
}
