//! `ecs-tasks deploy-dataset-stack` and `delete-dataset-stack`: a dataset's stack (its KMS key,
//! bucket and admin role) through the account's pivot role, and what goes next to it because
//! moto's CloudFormation drops those types: the Glue database and the Lake Formation
//! registration of the bucket, made through their own APIs. Every step is safe to repeat, so a
//! task that died half-way is simply run again.
//!
//! The outcome goes on the stack row. A failure leaves there what went wrong and what to do
//! next, and the task fails with the same message.

use std::collections::BTreeMap;

use anyhow::Context;
use serde_json::{Value, json};
use sluice_cloud::{
    DeployOutcome, GlueCatalog, LakeFormation, StackDeployer,
    lake::bucket_arn,
    sdk::aws_config::SdkConfig,
    templates::{DatasetStackSpec, dataset, dataset_template},
};
use sluice_core::system::System;
use sluice_core::{
    datasets::DatasetDeployInputs,
    environments::{
        PivotRole,
        stacks::{self, DeployRecord},
    },
};

use crate::{
    OrChain,
    stack::{self as shared, RETRY_DELETE},
};

/// The stack row's status when a step outside CloudFormation failed.
const DEPLOY_FAILED: &str = "DEPLOY_FAILED";
const DELETE_FAILED: &str = "DELETE_FAILED";
const REDEPLOY: &str = "fix the cause, then redeploy the dataset's stack (updateStack)";

/// What deleting a deleted dataset's stack needs: its delete task's payload carries it, as the
/// dataset row (and perhaps its environment) is gone by then.
#[derive(Debug, Clone, clap::Args)]
pub struct Deletion {
    #[arg(long)]
    pub stack_uri: String,
    #[arg(long)]
    pub pivot_role_name: String,
    /// Its Lake Formation registration goes; the bucket itself is retained with its data.
    #[arg(long)]
    pub bucket_name: String,
    #[arg(long)]
    pub glue_database_name: String,
    /// The ExternalId the environment's pivot role trusts; tasks queued by older releases lack it.
    #[arg(long)]
    pub external_id: Option<String>,
}

fn spec(inputs: &DatasetDeployInputs) -> DatasetStackSpec {
    let dataset = &inputs.dataset;
    DatasetStackSpec {
        dataset_uri: dataset.dataset_uri.clone(),
        label: dataset.label.clone(),
        account_id: inputs.stack.account_id.clone(),
        region: inputs.stack.region.clone(),
        pivot_role_arn: inputs.pivot.arn(),
        permissions_boundary_arn: inputs.environment.permissions_boundary_policy_arn.clone(),
        admin_role_name: dataset.admin_role_name.clone(),
        bucket_name: dataset.bucket_name.clone(),
        kms_alias: dataset.kms_alias.clone(),
        glue_database_name: dataset.glue_database_name.clone(),
    }
}

/// The stack's tags: the dataset's key-value tags with its environment's cascading ones, and
/// Sluice's own, so operators can find what Sluice made (no key-value tag may start with
/// `sluice:`).
fn tags(inputs: &DatasetDeployInputs) -> BTreeMap<String, String> {
    let mut tags = inputs.tags.clone();
    tags.extend([
        ("sluice:dataset-uri".to_owned(), inputs.dataset.dataset_uri.clone()),
        ("sluice:environment-uri".to_owned(), inputs.environment.environment_uri.clone()),
        ("sluice:organization-uri".to_owned(), inputs.dataset.organization_uri.clone()),
    ]);
    tags
}

/// The ARN Lake Formation registers the bucket by, in the pivot role's partition.
fn location_arn(pivot: &PivotRole, bucket: &str) -> String {
    let arn = pivot.arn();
    let partition = arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws");
    bucket_arn(partition, bucket)
}

enum Deployed {
    /// The stack and what goes next to it are as asked.
    Done { outcome: DeployOutcome, made: Value },
    /// CloudFormation's operation failed; nothing was made next to the stack.
    StackFailed(DeployOutcome),
}

/// A deploy that stopped on an error, with the stack's outcome if CloudFormation got that far.
struct Stopped {
    outcome: Option<DeployOutcome>,
    error: anyhow::Error,
}

impl Stopped {
    fn before_stack(error: impl Into<anyhow::Error>) -> Self {
        Self { outcome: None, error: error.into() }
    }
}

/// Deploys the stack, then makes the Glue database and registers the bucket location.
async fn provision(inputs: &DatasetDeployInputs) -> Result<Deployed, Stopped> {
    let session = shared::session(&inputs.pivot).await.map_err(Stopped::before_stack)?;
    let outcome = StackDeployer::new(&session)
        .deploy(&inputs.stack.name, &dataset_template(&spec(inputs)), &tags(inputs), shared::log_event)
        .await
        .map_err(Stopped::before_stack)?;
    if !outcome.succeeded() {
        return Ok(Deployed::StackFailed(outcome));
    }
    match beside_the_stack(&session, inputs, &outcome).await {
        Ok(made) => Ok(Deployed::Done { outcome, made }),
        Err(error) => Err(Stopped { outcome: Some(outcome), error }),
    }
}

/// The Glue database at `s3://<bucket>/`, and the bucket registered with Lake Formation, which
/// reaches it through the dataset admin role. Either is left as it is when it exists.
async fn beside_the_stack(
    session: &SdkConfig,
    inputs: &DatasetDeployInputs,
    outcome: &DeployOutcome,
) -> anyhow::Result<Value> {
    let dataset = &inputs.dataset;
    let role_arn = outcome.outputs.get(dataset::ADMIN_ROLE_ARN_OUTPUT).with_context(|| {
        format!("the stack {} has no {} output", inputs.stack.name, dataset::ADMIN_ROLE_ARN_OUTPUT)
    })?;
    let location = format!("s3://{}/", dataset.bucket_name);
    let description = format!("Sluice dataset {} ({})", dataset.label, dataset.dataset_uri);
    let created = GlueCatalog::new(session)
        .ensure_database(&dataset.glue_database_name, &location, &description)
        .await?;
    let resource = location_arn(&inputs.pivot, &dataset.bucket_name);
    let registered = LakeFormation::new(session).register_location(&resource, role_arn).await?;
    Ok(json!({
        "glueDatabase": {"name": dataset.glue_database_name, "location": location, "created": created},
        "lakeFormationLocation": {"resourceArn": resource, "roleArn": role_arn, "registered": registered},
    }))
}

/// Deploys the dataset's stack and what goes next to it; Ok(Err(reason)) is a deploy that ran
/// and failed, with its reason recorded on the stack row.
pub async fn deploy(system: &System<'_>, stack_uri: &str) -> anyhow::Result<Result<Value, String>> {
    let Some(inputs) = system.dataset_deploy_inputs(stack_uri).await.or_chain()? else {
        // Its deletion queued a delete task, which removes whatever an earlier deploy made.
        tracing::info!(stack = stack_uri, "the dataset was deleted before its deploy ran");
        return Ok(Ok(
            json!({"status": "SKIPPED", "reason": "the dataset was deleted before its deploy ran"}),
        ));
    };
    system
        .record_deploy(stack_uri, DeployRecord { status: stacks::DEPLOYING.into(), ..Default::default() })
        .await
        .or_chain()?;
    let name = &inputs.stack.name;
    let (mut record, result) = match provision(&inputs).await {
        Ok(Deployed::Done { outcome, made }) => {
            let response = json!({"status": outcome.status, "outputs": outcome.outputs, "made": made});
            (shared::record(&outcome), Ok(response))
        }
        Ok(Deployed::StackFailed(outcome)) => {
            let record = shared::record(&outcome);
            let reason = record.error.clone().unwrap_or_default();
            (record, Err(format!("the stack {name} ended {}: {reason}; {REDEPLOY}", outcome.status)))
        }
        Err(Stopped { outcome, error }) => {
            let mut record = outcome.as_ref().map(shared::record).unwrap_or_default();
            record.status = DEPLOY_FAILED.into();
            let stage = match &outcome {
                Some(o) => format!("the stack {name} is {}, but what goes next to it failed", o.status),
                None => format!("deploying the stack {name} failed"),
            };
            (record, Err(format!("{stage}: {error:#}; {REDEPLOY}")))
        }
    };
    if let Err(message) = &result {
        record.error = Some(message.clone());
    }
    system.record_deploy(stack_uri, record).await.or_chain()?;
    Ok(result)
}

/// Removes a deleted dataset's Lake Formation location, Glue database and stack, in that order,
/// then forgets the stack row. The bucket and key are retained (with the data they hold).
pub async fn delete(system: &System<'_>, deletion: &Deletion) -> anyhow::Result<Result<Value, String>> {
    let Some((stack, pivot)) = shared::stack_and_pivot(
        system,
        &deletion.stack_uri,
        &deletion.pivot_role_name,
        deletion.external_id.as_deref(),
    )
    .await?
    else {
        return Ok(Ok(shared::already_forgotten()));
    };
    let removed = async {
        let session = shared::session(&pivot).await?;
        LakeFormation::new(&session)
            .deregister_location(&location_arn(&pivot, &deletion.bucket_name))
            .await?;
        GlueCatalog::new(&session).delete_database(&deletion.glue_database_name).await?;
        anyhow::Ok(StackDeployer::new(&session).delete(&stack.name).await?)
    }
    .await;
    match removed {
        Ok(outcome) => shared::forget_if_deleted(system, &stack, &outcome).await,
        Err(error) => {
            let message =
                format!("deleting the dataset stack {} failed: {error:#}; {RETRY_DELETE}", stack.name);
            let record = DeployRecord {
                status: DELETE_FAILED.into(),
                error: Some(message.clone()),
                ..Default::default()
            };
            system.record_deploy(&stack.stack_uri, record).await.or_chain()?;
            Ok(Err(message))
        }
    }
}
