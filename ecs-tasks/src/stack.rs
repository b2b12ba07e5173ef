//! `ecs-tasks deploy-stack` and `delete-stack`: an environment's CloudFormation stack, deployed
//! through the account's pivot role. The outcome (status, outputs, events, reason) goes on the
//! stack row, and the task succeeds or fails with it. The dataset stack's commands
//! ([`crate::dataset_stack`]) share the session, recording and deletion steps defined here.

use std::collections::BTreeMap;

use anyhow::Context;
use serde_json::{Value, json};
use sluice_cloud::{
    DeployOutcome, StackDeployer, StackEvent, assume_pivot,
    sdk::aws_config::SdkConfig,
    templates::{EnvironmentStackSpec, TeamRole, environment_template},
};
use sluice_core::authz::Permission as _;
use sluice_core::environments::{
    PivotRole,
    platform::DeployInputs,
    stacks::{self, DeployRecord},
};
use sluice_core::system::System;

use crate::OrChain;

/// The stack's tags: the environment's key-value tags, and Sluice's own, so operators can find
/// what Sluice made (no key-value tag may start with `sluice:`).
fn tags(inputs: &DeployInputs) -> BTreeMap<String, String> {
    let mut tags = inputs.tags.clone();
    tags.extend([
        ("sluice:environment-uri".to_owned(), inputs.environment.environment_uri.clone()),
        ("sluice:organization-uri".to_owned(), inputs.environment.organization_uri.clone()),
    ]);
    tags
}

fn spec(inputs: &DeployInputs) -> EnvironmentStackSpec {
    let env = &inputs.environment;
    EnvironmentStackSpec {
        environment_uri: env.environment_uri.clone(),
        label: env.name_label().to_owned(),
        resource_prefix: env.resource_prefix.clone(),
        account_id: env.aws_account_id.clone(),
        region: env.region.clone(),
        pivot_role_arn: inputs.pivot.arn(),
        permissions_boundary_arn: env.permissions_boundary_policy_arn.clone(),
        teams: inputs
            .teams
            .iter()
            .map(|(team, permissions)| TeamRole {
                group_uri: team.group_uri.clone(),
                role_name: team.role_name.clone(),
                imported_role_arn: team.role_imported.then(|| team.role_arn.clone()),
                permissions: permissions.iter().map(|p| p.name().to_owned()).collect(),
            })
            .collect(),
    }
}

/// What a stack operation's outcome puts on the stack row.
pub(crate) fn record(outcome: &DeployOutcome) -> DeployRecord {
    let events: Vec<Value> = outcome
        .events
        .iter()
        .map(|e| {
            json!({"timestamp": e.timestamp, "logicalId": e.logical_id, "resourceType": e.resource_type,
                   "status": e.status, "reason": e.reason})
        })
        .collect();
    DeployRecord {
        status: outcome.status.clone(),
        stack_id: None,
        outputs: Some(json!(outcome.outputs)),
        events: Some(Value::Array(events)),
        error: (!outcome.succeeded())
            .then(|| outcome.reason.clone().unwrap_or_else(|| outcome.status.clone())),
    }
}

/// A configuration whose clients act as the account's pivot role.
pub(crate) async fn session(pivot: &PivotRole) -> anyhow::Result<SdkConfig> {
    let base = sluice_cloud::sdk_config().await;
    assume_pivot(&base, pivot).await.with_context(|| format!("assuming {}", pivot.arn()))
}

async fn deployer(pivot: &PivotRole) -> anyhow::Result<StackDeployer> {
    Ok(StackDeployer::new(&session(pivot).await?))
}

/// Logs a stack event as polling finds it.
pub(crate) fn log_event(e: &StackEvent) {
    tracing::info!(resource = %e.logical_id, status = %e.status, reason = ?e.reason, "stack event");
}

/// The stack row and the pivot role of its account, for deleting a stack whose target is gone;
/// `None` once the row is forgotten, i.e. an earlier run of the deletion finished.
pub(crate) async fn stack_and_pivot(
    system: &System<'_>,
    stack_uri: &str,
    pivot_role_name: &str,
    external_id: Option<&str>,
) -> anyhow::Result<Option<(stacks::Stack, PivotRole)>> {
    let stack = match system.stack(stack_uri).await {
        Err(sluice_core::Error::NotFound { .. }) => return Ok(None),
        loaded => loaded.or_chain()?,
    };
    let pivot = system.pivot_for(&stack, pivot_role_name, external_id).await.or_chain()?;
    Ok(Some((stack, pivot)))
}

/// The result of a deletion that finds its stack row already forgotten.
pub(crate) fn already_forgotten() -> Value {
    json!({"status": "DELETE_COMPLETE", "reason": "an earlier run deleted the stack and forgot it"})
}

/// Deploys the stack; Ok(Err(reason)) is a deploy that ran and failed.
pub async fn deploy(system: &System<'_>, stack_uri: &str) -> anyhow::Result<Result<Value, String>> {
    let inputs = system.environment_deploy_inputs(stack_uri).await.or_chain()?;
    let deployer = deployer(&inputs.pivot).await?;
    system
        .record_deploy(stack_uri, DeployRecord { status: stacks::DEPLOYING.into(), ..Default::default() })
        .await
        .or_chain()?;
    let template = environment_template(&spec(&inputs));
    let outcome = deployer.deploy(&inputs.stack.name, &template, &tags(&inputs), log_event).await?;
    if outcome.succeeded() {
        // Lake Formation settings are outside CloudFormation's reach in moto, and idempotent.
        deployer.ensure_data_lake_admin(&inputs.pivot.arn()).await?;
    }
    let result = record(&outcome);
    let failure = result.error.clone();
    system.record_deploy(stack_uri, result).await.or_chain()?;
    Ok(match failure {
        None => Ok(json!({"status": outcome.status, "outputs": outcome.outputs})),
        Some(reason) => Err(format!(
            "the stack {} ended {}: {reason}; fix the cause, then redeploy with updateStack",
            inputs.stack.name, outcome.status
        )),
    })
}

/// Deletes the stack of a deleted environment, then forgets its row.
pub async fn delete(
    system: &System<'_>,
    stack_uri: &str,
    pivot_role_name: &str,
    external_id: Option<&str>,
) -> anyhow::Result<Result<Value, String>> {
    let Some((stack, pivot)) = stack_and_pivot(system, stack_uri, pivot_role_name, external_id).await? else {
        return Ok(Ok(already_forgotten()));
    };
    let outcome = deployer(&pivot).await?.delete(&stack.name).await?;
    forget_if_deleted(system, &stack, &outcome).await
}

/// After a delete: forgets the stack row once the stack is gone, or records why it is not.
pub(crate) async fn forget_if_deleted(
    system: &System<'_>,
    stack: &stacks::Stack,
    outcome: &DeployOutcome,
) -> anyhow::Result<Result<Value, String>> {
    if outcome.succeeded() {
        system.forget_stack(&stack.stack_uri).await.or_chain()?;
        return Ok(Ok(json!({"status": outcome.status})));
    }
    let result = record(outcome);
    let reason = result.error.clone().unwrap_or_default();
    system.record_deploy(&stack.stack_uri, result).await.or_chain()?;
    Ok(Err(format!("deleting the stack {} ended {}: {reason}; {RETRY_DELETE}", stack.name, outcome.status)))
}

/// What to do once a deletion failed: its target is gone, so only the task can run it again.
pub(crate) const RETRY_DELETE: &str = "fix the cause, then have a platform admin retry this task (retryTask)";
