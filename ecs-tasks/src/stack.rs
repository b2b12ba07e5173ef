//! `ecs-tasks deploy-stack` and `delete-stack`: an environment's CloudFormation stack, deployed
//! through the account's pivot role. The outcome (status, outputs, events, reason) goes on the
//! stack row, and the task succeeds or fails with it.

use std::collections::BTreeMap;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use sluice_cloud::{
    DeployOutcome, StackDeployer, assume_pivot,
    templates::{EnvironmentStackSpec, TeamRole, environment_template},
};
use sluice_core::environments::{
    platform::{self, DeployInputs},
    stacks::{self, DeployRecord},
};

/// The stack's tags, so operators can find what Sluice made.
fn tags(inputs: &DeployInputs) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("sluice:environment-uri".to_owned(), inputs.environment.environment_uri.clone()),
        ("sluice:organization-uri".to_owned(), inputs.environment.organization_uri.clone()),
    ])
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
        teams: inputs
            .teams
            .iter()
            .map(|(team, permissions)| TeamRole {
                group_uri: team.group_uri.clone(),
                role_name: team.role_name.clone(),
                imported_role_arn: team.role_imported.then(|| team.role_arn.clone()),
                permissions: permissions.clone(),
            })
            .collect(),
    }
}

fn record(outcome: &DeployOutcome) -> DeployRecord {
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

async fn deployer(pivot: &sluice_core::environments::PivotRole) -> anyhow::Result<StackDeployer> {
    let base = sluice_cloud::sdk_config().await;
    let assumed = assume_pivot(&base, pivot).await.with_context(|| format!("assuming {}", pivot.arn()))?;
    Ok(StackDeployer::new(&assumed))
}

/// Deploys the stack; Ok(Err(reason)) is a deploy that ran and failed.
pub async fn deploy(db: &DatabaseConnection, stack_uri: &str) -> anyhow::Result<Result<Value, String>> {
    let inputs =
        platform::deploy_inputs(db, stack_uri).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let deployer = deployer(&inputs.pivot).await?;
    stacks::record_deploy(db, stack_uri, DeployRecord { status: "DEPLOYING".into(), ..Default::default() })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let template = environment_template(&spec(&inputs));
    let outcome = deployer
        .deploy(&inputs.stack.name, &template, &tags(&inputs), |e| {
            tracing::info!(resource = %e.logical_id, status = %e.status, reason = ?e.reason, "stack event");
        })
        .await?;
    if outcome.succeeded() {
        // Lake Formation settings are outside CloudFormation's reach in moto, and idempotent.
        deployer.ensure_data_lake_admin(&inputs.pivot.arn()).await?;
    }
    let result = record(&outcome);
    let failure = result.error.clone();
    stacks::record_deploy(db, stack_uri, result).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
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
    db: &DatabaseConnection,
    stack_uri: &str,
    pivot_role_name: &str,
) -> anyhow::Result<Result<Value, String>> {
    let stack = stacks::load(db, stack_uri).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let pivot = platform::pivot_for(db, &stack, pivot_role_name)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
    let outcome = deployer(&pivot).await?.delete(&stack.name).await?;
    if outcome.succeeded() {
        platform::forget_stack(db, stack_uri).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        Ok(Ok(json!({"status": outcome.status})))
    } else {
        let result = record(&outcome);
        let reason = result.error.clone().unwrap_or_default();
        stacks::record_deploy(db, stack_uri, result).await.map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        Ok(Err(format!("deleting the stack {} ended {}: {reason}", stack.name, outcome.status)))
    }
}
