//! Reads and writes for the dataset stack's long tasks, which act for the platform rather than
//! for a user: the task that deploys or deletes a stack was authorised when it was queued.

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use serde_json::json;
use sluice_entities::{dataset as ds, environment as env};

use super::{DELETE_ACTION, Dataset};
use crate::{
    Error, Result,
    environments::{self, Environment, PivotRole, platform::pivot_for, stacks, stacks::Stack},
    tasks::{NewTask, targets},
};

/// Everything a dataset stack deploy needs.
#[derive(Debug, Clone)]
pub struct DatasetDeployInputs {
    pub stack: Stack,
    /// Its names (bucket, key alias, admin role, Glue database) were fixed at creation; the
    /// deploy uses them as stored.
    pub dataset: Dataset,
    pub environment: Environment,
    pub pivot: PivotRole,
    /// The dataset's key-value tags and its environment's cascading ones, which the stack
    /// carries besides Sluice's own.
    pub tags: std::collections::BTreeMap<String, String>,
}

/// What the deploy of the stack `stack_uri` needs; `None` when its dataset was deleted before
/// the deploy ran. There is nothing to deploy then: the deletion queued its own task, which
/// removes whatever an earlier deploy made.
pub(crate) async fn deploy_inputs(
    db: &DatabaseConnection,
    stack_uri: &str,
) -> Result<Option<DatasetDeployInputs>> {
    let stack = stacks::load(db, stack_uri).await?;
    if stack.target_type != super::RESOURCE_TYPE {
        return Err(Error::InvalidState(format!(
            "stack {stack_uri} is the stack of {} {}, not of a dataset",
            stack.target_type, stack.target_uri
        )));
    }
    let Some(row) = ds::Entity::find_by_id(stack.target_uri.clone()).one(db).await? else { return Ok(None) };
    let dataset = Dataset::from_model(row)?;
    let environment = Environment::from_model(environment_of(db, &dataset).await?)?;
    let pivot = pivot_for(db, &stack, &environment.pivot_role_name, None).await?;
    let tags = crate::tags::for_stack(db, &stack).await?;
    Ok(Some(DatasetDeployInputs { stack, dataset, environment, pivot, tags }))
}

async fn environment_of(db: &impl ConnectionTrait, dataset: &Dataset) -> Result<env::Model> {
    env::Entity::find_by_id(dataset.environment_uri.clone()).one(db).await?.ok_or_else(|| Error::NotFound {
        kind: environments::RESOURCE_TYPE,
        uri: dataset.environment_uri.clone(),
    })
}

/// Queues the deletion of a dataset's stack and marks the stack row DELETE_REQUESTED, in the
/// caller's transaction (the one that deletes the dataset row). The task's payload carries what
/// the deletion needs once the dataset row is gone, and its environment may be gone too:
/// `stackUri`, `pivotRoleName`, `bucketName` (whose Lake Formation registration goes) and
/// `glueDatabaseName`. The bucket and key are retained by the stack.
pub(crate) async fn queue_delete(db: &impl ConnectionTrait, dataset: &Dataset, why: &str) -> Result<String> {
    let stack = stacks::for_target(db, &dataset.dataset_uri).await?;
    let environment = environment_of(db, dataset).await?;
    let external_id = environments::onboarding::environment_external_id(db, &environment).await?;
    let task = NewTask {
        action: DELETE_ACTION.into(),
        target_uri: dataset.dataset_uri.clone(),
        target_type: targets::PLATFORM.into(),
        payload: json!({
            "stackUri": stack.stack_uri,
            "reason": why,
            "pivotRoleName": environment.pivot_role_name,
            "externalId": external_id,
            "bucketName": dataset.bucket_name,
            "glueDatabaseName": dataset.glue_database_name,
        }),
    };
    stacks::queue_for(db, &stack, task, Some("DELETE_REQUESTED")).await
}

/// What registering an imported dataset's bucket with Lake Formation needs.
#[derive(Debug, Clone)]
pub struct ImportRegistration {
    pub pivot: PivotRole,
    pub bucket_name: String,
    /// The role Lake Formation reaches the bucket through: the imported admin role, or the
    /// admin team's environment role.
    pub admin_role_arn: String,
    /// The dataset's Glue database, which the task creates when the import named none.
    pub glue_database_name: String,
    pub label: String,
}

/// None when the dataset is gone, or was not imported.
pub(crate) async fn import_registration(
    db: &DatabaseConnection,
    dataset_uri: &str,
) -> Result<Option<ImportRegistration>> {
    let Some(row) = ds::Entity::find_by_id(dataset_uri.to_owned()).one(db).await? else { return Ok(None) };
    let dataset = Dataset::from_model(row)?;
    if !dataset.imported {
        return Ok(None);
    }
    let environment = environment_of(db, &dataset).await?;
    let pivot = environments::platform::pivot_of(db, &environment).await?;
    Ok(Some(ImportRegistration {
        admin_role_arn: format!(
            "arn:aws:iam::{}:role/{}",
            environment.aws_account_id, dataset.admin_role_name
        ),
        pivot,
        bucket_name: dataset.bucket_name,
        glue_database_name: dataset.glue_database_name,
        label: dataset.label,
    }))
}
