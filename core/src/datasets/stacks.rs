//! A dataset's stack as its teams see it, and the redeploy that follows a failed deploy. Reading
//! a stack never queues work.

use super::{DEPLOY_ACTION, Datasets, RESOURCE_TYPE};
use crate::{
    Actor, Result, audit,
    authz::{self, dataset as perm},
    environments::stacks::{self, Stack},
};

impl Datasets<'_> {
    /// The dataset's stack: status, outputs, events and the last deploy's error. Needs
    /// GET_DATASET.
    pub async fn stack(&self, actor: &Actor, dataset_uri: &str) -> Result<Stack> {
        authz::authorize::<perm::GetDataset>(self.db, actor, dataset_uri).await?;
        stacks::for_target(self.db, dataset_uri).await
    }

    /// Queues a redeploy of the dataset's stack, e.g. once the cause of a failed deploy is
    /// fixed; the stack reads PENDING from then on. Needs UPDATE_DATASET.
    pub async fn update_stack(&self, actor: &Actor, dataset_uri: &str) -> Result<Stack> {
        let result = self.update_stack_inner(actor, dataset_uri).await;
        audit::record_failure(self.db, actor, "updateStack", dataset_uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_stack_inner(&self, actor: &Actor, dataset_uri: &str) -> Result<Stack> {
        let dataset = authz::authorize::<perm::UpdateDataset>(self.db, actor, dataset_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let task = stacks::queue_redeploy(&txn, dataset_uri, RESOURCE_TYPE, DEPLOY_ACTION).await?;
        audit::record(
            &txn,
            dataset.actor(),
            "updateStack",
            dataset_uri,
            RESOURCE_TYPE,
            &format!("deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        stacks::for_target(self.db, dataset_uri).await
    }
}
