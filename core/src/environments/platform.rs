//! Reads and writes for the long tasks, which act for the platform rather than for a user:
//! the task that deploys a stack was authorised when it was queued.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sluice_entities::environment as env;

use super::{
    Environment, EnvironmentGroup, Environments, PivotRole, onboarding,
    stacks::{self, Stack},
};
use crate::{Error, Result};

/// Everything a stack deploy needs.
#[derive(Debug, Clone)]
pub struct DeployInputs {
    pub stack: Stack,
    pub environment: Environment,
    /// Every team with its permissions on the environment.
    pub teams: Vec<(EnvironmentGroup, Vec<crate::authz::EnvironmentPermission>)>,
    pub pivot: PivotRole,
    /// The environment's key-value tags, which the stack carries besides Sluice's own.
    pub tags: std::collections::BTreeMap<String, String>,
}

pub(crate) async fn deploy_inputs(db: &DatabaseConnection, stack_uri: &str) -> Result<DeployInputs> {
    let stack = stacks::load(db, stack_uri).await?;
    let row = env::Entity::find()
        .filter(env::Column::EnvironmentUri.eq(stack.environment_uri.clone()))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound { kind: super::RESOURCE_TYPE, uri: stack.environment_uri.clone() })?;
    let pivot = pivot_of(db, &row).await?;
    let environment = Environment::from_model(row)?;
    let teams = Environments::all_groups(db, &environment.environment_uri).await?;
    let tags = crate::tags::for_stack(db, &stack).await?;
    Ok(DeployInputs { stack, environment, teams, pivot, tags })
}

/// The pivot role of the stack's account, for deploying or deleting it. The stack's environment
/// may be gone (a deletion outlives it): its ExternalId then comes from the task that deletes
/// it, `external_id`, which the deletion wrote while the environment still existed.
pub(crate) async fn pivot_for(
    db: &DatabaseConnection,
    stack: &Stack,
    pivot_role_name: &str,
    external_id: Option<&str>,
) -> Result<PivotRole> {
    let external_id = match external_id {
        Some(id) => id.to_owned(),
        None => match env::Entity::find_by_id(stack.environment_uri.clone()).one(db).await? {
            Some(environment) => onboarding::environment_external_id(db, &environment).await?,
            None => onboarding::legacy_external_id(db).await?.ok_or_else(|| {
                Error::InvalidState(format!(
                    "the environment of stack {} is gone and the task does not say which ExternalId its \
                     pivot role trusts; delete the stack in account {} by hand",
                    stack.name, stack.account_id
                ))
            })?,
        },
    };
    Ok(PivotRole {
        account_id: stack.account_id.clone(),
        region: stack.region.clone(),
        role_name: pivot_role_name.to_owned(),
        external_id,
    })
}

/// The pivot role of an environment's account.
pub(crate) async fn pivot_of(db: &DatabaseConnection, environment: &env::Model) -> Result<PivotRole> {
    Ok(PivotRole {
        account_id: environment.aws_account_id.clone(),
        region: environment.region.clone(),
        role_name: environment.pivot_role_name.clone(),
        external_id: onboarding::environment_external_id(db, environment).await?,
    })
}

/// The pivot role of an environment's account, from the environment as a service holds it.
pub(crate) async fn pivot_of_environment(
    db: &DatabaseConnection,
    environment: &Environment,
) -> Result<PivotRole> {
    let row =
        env::Entity::find_by_id(environment.environment_uri.clone()).one(db).await?.ok_or_else(|| {
            Error::NotFound { kind: super::RESOURCE_TYPE, uri: environment.environment_uri.clone() }
        })?;
    pivot_of(db, &row).await
}

/// An environment and the pivot role of its account; NOT_FOUND when it is gone.
pub(crate) async fn with_pivot(
    db: &DatabaseConnection,
    environment_uri: &str,
) -> Result<(env::Model, PivotRole)> {
    let environment = env::Entity::find_by_id(environment_uri.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound { kind: super::RESOURCE_TYPE, uri: environment_uri.to_owned() })?;
    let pivot = pivot_of(db, &environment).await?;
    Ok((environment, pivot))
}

/// Removes a deleted environment's stack row once its stack is gone from AWS.
pub(crate) async fn forget_stack(db: &DatabaseConnection, stack_uri: &str) -> Result<()> {
    sluice_entities::stack::Entity::delete_by_id(stack_uri.to_owned()).exec(db).await?;
    Ok(())
}

impl Environment {
    /// The label part of the stack name, fixed at link time: bucket and key names derive from
    /// it, so renaming the environment never replaces its buckets.
    pub fn name_label(&self) -> &str {
        let prefix = format!("{}-", self.resource_prefix);
        let suffix = format!("-{}", self.environment_uri);
        self.name.strip_prefix(&prefix).and_then(|n| n.strip_suffix(&suffix)).unwrap_or("")
    }
}
