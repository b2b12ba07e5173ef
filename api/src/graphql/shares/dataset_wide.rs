//! A dataset's shares at once, and what a team may query in an environment, in data.all's
//! dialect: `verifyDatasetShareObjects`, `reApplyShareObjectItemsOnDataset` and
//! `listS3DatasetsSharedWithEnvGroup`. Core decides who may.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use sluice_core::shares::SharedDatabase;

use crate::graphql::{GqlResult, actor, core};

#[derive(InputObject)]
pub struct ShareObjectSelectorInput {
    pub dataset_uri: String,
    /// The dataset's shares to verify; empty: all of them.
    pub share_uris: Vec<Option<String>>,
}

/// A database a team queries what was shared with it through, as data.all names it.
#[derive(SimpleObject)]
pub struct SharedDatabaseTableItem {
    dataset_uri: String,
    /// The dataset's own Glue database.
    #[graphql(name = "GlueDatabaseName")]
    glue_database_name: String,
    share_uri: String,
    target_env_aws_account_id: String,
    target_env_region: String,
    /// Where to query the shared tables: the dataset's database in its own account and region,
    /// `<database>_shared` (resource links) in any other.
    shared_glue_database_name: String,
}

impl From<SharedDatabase> for SharedDatabaseTableItem {
    fn from(d: SharedDatabase) -> Self {
        Self {
            dataset_uri: d.dataset_uri,
            glue_database_name: d.glue_database_name,
            share_uri: d.share_uri,
            target_env_aws_account_id: d.target_account_id,
            target_env_region: d.target_region,
            shared_glue_database_name: d.shared_glue_database_name,
        }
    }
}

#[derive(Default)]
pub struct DatasetSharesQuery;

#[Object]
impl DatasetSharesQuery {
    /// The databases shared with `groupUri` in the environment, for querying what its tables'
    /// shares granted, newest share first. Needs that you are in the team, and GET_ENVIRONMENT.
    async fn list_s3_datasets_shared_with_env_group(
        &self,
        ctx: &Context<'_>,
        group_uri: String,
        environment_uri: String,
    ) -> async_graphql::Result<Vec<SharedDatabaseTableItem>> {
        let found =
            core(ctx)?.shares().shared_databases(actor(ctx)?, &environment_uri, &group_uri).await.gql()?;
        Ok(found.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct DatasetSharesMutation;

#[Object]
impl DatasetSharesMutation {
    /// Queues a check of the granted items of the dataset's shares named (all, when none is),
    /// one task per share; each item's `healthStatus` shows the result. Needs UPDATE_DATASET.
    async fn verify_dataset_share_objects(
        &self,
        ctx: &Context<'_>,
        input: Option<ShareObjectSelectorInput>,
    ) -> async_graphql::Result<Option<bool>> {
        let input = input.ok_or_else(|| crate::graphql::to_gql(sluice_core::Error::required("input")))?;
        let uris: Vec<String> = input.share_uris.into_iter().flatten().collect();
        core(ctx)?.shares().verify_dataset(actor(ctx)?, &input.dataset_uri, &uris).await.gql()?;
        Ok(Some(true))
    }

    /// Queues a re-apply of the granted items of every share of the dataset, one task per share:
    /// missing grants are made again, revoked items stay revoked. Needs UPDATE_DATASET.
    async fn re_apply_share_object_items_on_dataset(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
    ) -> async_graphql::Result<Option<bool>> {
        core(ctx)?.shares().reapply_dataset(actor(ctx)?, &dataset_uri).await.gql()?;
        Ok(Some(true))
    }
}
