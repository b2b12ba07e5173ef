//! Consumption principals: IAM roles that Sluice does not manage but that can receive shares in
//! an environment, each owned by one of the environment's teams.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use sluice_entities::{consumption_principal as cp, environment, environment_group as eg};

use super::{
    AwsResource, Environment, Environments, ImportProblem, LinkError, RESOURCE_TYPE, model, onboarding,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, environment as perm},
    error::OnConflict,
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

pub const POLICY_MANAGEMENT: [&str; 3] = ["FULLY_MANAGED", "PARTIALLY_MANAGED", "EXTERNALLY_MANAGED"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionPrincipal {
    pub consumption_principal_uri: String,
    pub environment_uri: String,
    pub group_uri: String,
    pub name: String,
    pub principal_arn: String,
    pub principal_name: String,
    pub policy_management: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl From<cp::Model> for ConsumptionPrincipal {
    fn from(m: cp::Model) -> Self {
        Self {
            consumption_principal_uri: m.consumption_principal_uri,
            environment_uri: m.environment_uri,
            group_uri: m.group_uri,
            name: m.name,
            principal_arn: m.principal_arn,
            principal_name: m.principal_name,
            policy_management: m.policy_management,
            created: m.created,
            updated: m.updated,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewConsumptionPrincipal {
    pub environment_uri: String,
    pub group_uri: String,
    pub name: String,
    pub principal_arn: String,
    pub policy_management: String,
}

impl Environments<'_> {
    /// Adds a role for one of the environment's teams. Needs ADD_ENVIRONMENT_CONSUMPTION_ROLES,
    /// and membership of that team (platform admins excepted).
    pub async fn add_consumption_principal(
        &self,
        actor: &Actor,
        input: NewConsumptionPrincipal,
    ) -> Result<ConsumptionPrincipal> {
        let uri = input.environment_uri.clone();
        let result = self.add_consumption_inner(actor, input).await;
        let target = (uri.as_str(), RESOURCE_TYPE);
        let scope = audit::Scope::consumption(&uri);
        audit::record_failure_in(
            self.db,
            actor,
            "addConsumptionPrincipalToEnvironment",
            target,
            scope,
            &result,
        )
        .await;
        result
    }

    async fn add_consumption_inner(
        &self,
        actor: &Actor,
        input: NewConsumptionPrincipal,
    ) -> Result<ConsumptionPrincipal> {
        let env_uri = input.environment_uri.as_str();
        let environment =
            authz::authorize::<perm::AddEnvironmentConsumptionRoles>(self.db, actor, env_uri).await?;
        let name = crate::organizations::validate::label(Some(&input.name)).map_err(|_| {
            Error::validation("consumptionPrincipalName", "is required, at most 255 characters")
        })?;
        let group = input.group_uri.trim();
        if eg::Entity::find_by_id((env_uri.to_owned(), group.to_owned())).one(self.db).await?.is_none() {
            return Err(Error::validation(
                "groupUri",
                format!("{group} is not a team of environment {env_uri}; invite it first"),
            ));
        }
        crate::organizations::validate::require_membership(actor, "groupUri", group)?;
        let (arn, principal_name) =
            model::role_arn("IAMPrincipalArn", &input.principal_arn, &environment.aws_account_id)?;
        let management =
            POLICY_MANAGEMENT.iter().find(|m| **m == input.policy_management).ok_or_else(|| {
                Error::validation("dataallManaged", format!("use one of {}", POLICY_MANAGEMENT.join(", ")))
            })?;
        refuse_sluice_role(self.db, &environment.aws_account_id, &principal_name).await?;
        self.require_role_exists(&environment, &principal_name).await?;
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        let row = cp::ActiveModel {
            consumption_principal_uri: Set(new_uri()),
            environment_uri: Set(env_uri.to_owned()),
            group_uri: Set(group.to_owned()),
            name: Set(name),
            principal_arn: Set(arn.clone()),
            principal_name: Set(principal_name),
            policy_management: Set((*management).to_owned()),
            created_by: Set(actor.username().to_owned()),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(|| {
            Error::Conflict(format!("{arn} is already a consumption principal of environment {env_uri}"))
        })?;
        // The row names the role: only teams that may list the roles read it.
        audit::record_in(
            &txn,
            actor,
            "addConsumptionPrincipalToEnvironment",
            (env_uri, RESOURCE_TYPE),
            audit::Scope::consumption(env_uri),
            &format!("{arn} for {group}"),
        )
        .await?;
        txn.commit().await?;
        Ok(row.into())
    }

    /// The role must be in the account now, read through the pivot role: a role stored by name
    /// alone could be created later by anyone who may create roles there, and receive what
    /// was shared to the name.
    async fn require_role_exists(&self, environment: &Environment, name: &str) -> Result<()> {
        let aws = onboarding::require(self.aws)?;
        let pivot = super::platform::pivot_of_environment(self.db, environment).await?;
        let problems = aws.resources.check(&pivot, &[AwsResource::Role(name.to_owned())]).await.map_err(
            |e| match e {
                LinkError::Refused(reason) => Error::validation("environmentUri", reason),
                LinkError::Unreachable(_) => {
                    Error::InvalidState(format!("{e}; nothing was added, try again in a moment"))
                }
            },
        )?;
        match problems.first() {
            None => Ok(()),
            Some((_, ImportProblem::Missing)) => Err(Error::validation(
                "IAMPrincipalArn",
                format!("account {} has no role {name}; create it first", environment.aws_account_id),
            )),
            Some((_, problem)) => {
                Err(Error::validation("IAMPrincipalArn", format!("role {name}: {problem}")))
            }
        }
    }

    pub async fn remove_consumption_principal(
        &self,
        actor: &Actor,
        env_uri: &str,
        uri: &str,
    ) -> Result<bool> {
        let result = self.remove_consumption_inner(actor, env_uri, uri).await;
        audit::record_failure_in(
            self.db,
            actor,
            "removeConsumptionPrincipalFromEnvironment",
            (env_uri, RESOURCE_TYPE),
            audit::Scope::consumption(env_uri),
            &result,
        )
        .await;
        result
    }

    async fn remove_consumption_inner(&self, actor: &Actor, env_uri: &str, uri: &str) -> Result<bool> {
        authz::authorize::<perm::AddEnvironmentConsumptionRoles>(self.db, actor, env_uri).await?;
        let principal = cp::Entity::find_by_id(uri.to_owned())
            .one(self.db)
            .await?
            .filter(|p| p.environment_uri == env_uri)
            .ok_or_else(|| Error::NotFound { kind: "consumption principal", uri: uri.to_owned() })?;
        crate::organizations::validate::require_membership(
            actor,
            "consumptionPrincipalUri",
            &principal.group_uri,
        )?;
        let txn = crate::db::write_txn(self.db).await?;
        // As in data.all: a role that shares go to stays until they are gone, or their grants
        // would outlive the only record of whom they were made for.
        let shares = super::principals::shares_to(&txn, uri).await?;
        if shares > 0 {
            return Err(Error::InvalidState(format!(
                "{shares} share(s) go to {}; revoke their items and delete them, then remove the role",
                principal.principal_name
            )));
        }
        cp::Entity::delete_by_id(uri.to_owned()).exec(&txn).await?;
        audit::record_in(
            &txn,
            actor,
            "removeConsumptionPrincipalFromEnvironment",
            (env_uri, RESOURCE_TYPE),
            audit::Scope::consumption(env_uri),
            &format!("removed {}", principal.principal_arn),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Needs LIST_ENVIRONMENT_CONSUMPTION_ROLES.
    pub async fn list_consumption_principals(
        &self,
        actor: &Actor,
        env_uri: &str,
        group: Option<&str>,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<ConsumptionPrincipal>> {
        authz::authorize::<perm::ListEnvironmentConsumptionRoles>(self.db, actor, env_uri).await?;
        let mut query = cp::Entity::find().filter(cp::Column::EnvironmentUri.eq(env_uri));
        if let Some(group) = group.filter(|g| !g.is_empty()) {
            query = query.filter(cp::Column::GroupUri.eq(group));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(cp::Entity, cp::Column::Name)]));
        }
        Ok(page::fetch(self.db, query.order_by_asc(cp::Column::Name), page).await?.map(Into::into))
    }
}

/// Refuses the roles Sluice itself runs as or writes policies for in this account: every
/// environment's pivot role, and every role named with an environment's resource prefix (the
/// pivot role may rewrite those). A share to one would hand data to a role Sluice controls, or
/// that any team of another environment in the account may assume. IAM role names are unique
/// regardless of case, so they are compared that way.
async fn refuse_sluice_role(db: &DatabaseConnection, account: &str, name: &str) -> Result<()> {
    let places: Vec<(String, String)> = environment::Entity::find()
        .select_only()
        .column(environment::Column::PivotRoleName)
        .column(environment::Column::ResourcePrefix)
        .filter(environment::Column::AwsAccountId.eq(account))
        .into_tuple()
        .all(db)
        .await?;
    let lower = name.to_ascii_lowercase();
    for (pivot, prefix) in places {
        if lower == pivot.to_ascii_lowercase() {
            return Err(Error::validation(
                "IAMPrincipalArn",
                format!(
                    "{name} is Sluice's pivot role in account {account}; shares go to roles your team uses"
                ),
            ));
        }
        if !prefix.is_empty() && lower.starts_with(&prefix.to_ascii_lowercase()) {
            return Err(Error::validation(
                "IAMPrincipalArn",
                format!(
                    "{name} is named with the resource prefix {prefix}, so Sluice's pivot role manages it; \
                     a consumption role must be one your team manages"
                ),
            ));
        }
    }
    Ok(())
}
