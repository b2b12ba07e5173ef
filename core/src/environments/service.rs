//! Linking, reading, changing and deleting environments.

use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use sluice_entities::{environment as env, environment_group as eg, stack};

use super::{
    Environment, EnvironmentGroup, ModifyEnvironment, NewEnvironment, RESOURCE_TYPE, model, names,
    onboarding::{self, AwsSettings},
    stacks,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{
        self, EnvironmentPermission, environment as perm, organization as org_perm, proof::stored_resource,
        sets, tenant_grants::ManageEnvironments,
    },
    error::OnConflict,
    organizations::{self, Organization},
    page::{self, Page, PageRequest, contains_any},
    tasks::{NewTask, store},
    uri::new_uri,
};

stored_resource!(Environment, Environment, env::Entity, env::Column::EnvironmentUri, Environment::from_model);

pub struct Environments<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) aws: &'a Option<Arc<AwsSettings>>,
}

/// What the account owner needs to deploy the pivot role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    pub trust_account_id: String,
    pub pivot_role_name: String,
    pub external_id: String,
}

impl Environments<'_> {
    /// Onboarding details for an organization's members who may link accounts.
    pub async fn onboarding(&self, actor: &Actor, organization_uri: &str) -> Result<Onboarding> {
        authz::authorize::<org_perm::LinkEnvironment>(self.db, actor, organization_uri).await?;
        let aws = onboarding::require(self.aws)?;
        if aws.trust_account_id.is_empty() {
            return Err(Error::InvalidState(
                "Sluice does not know its own AWS account: set SLUICE_TRUST_ACCOUNT_ID, or give it AWS credentials".into(),
            ));
        }
        Ok(Onboarding {
            trust_account_id: aws.trust_account_id.clone(),
            pivot_role_name: aws.pivot_role_name.clone(),
            external_id: onboarding::organization_external_id(self.db, organization_uri).await?,
        })
    }

    pub async fn create(&self, actor: &Actor, input: NewEnvironment) -> Result<Environment> {
        let target = input.organization_uri.clone();
        let result = self.create_inner(actor, input).await;
        audit::record_failure(
            self.db,
            actor,
            "createEnvironment",
            &target,
            organizations::RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn create_inner(&self, actor: &Actor, input: NewEnvironment) -> Result<Environment> {
        authz::authorize_tenant::<ManageEnvironments>(self.db, actor).await?;
        let org_uri = input.organization_uri.trim().to_owned();
        let org = authz::authorize::<org_perm::LinkEnvironment>(self.db, actor, &org_uri).await?;
        if org.archived {
            return Err(Error::InvalidState(format!(
                "organization {org_uri} is archived; link accounts to an active one"
            )));
        }
        model::refuse_unsupported(&input.unsupported)?;
        let label = organizations::validate::label(Some(&input.label))?;
        let team = organizations::validate::group("SamlGroupName", Some(&input.saml_group_name))?;
        organizations::validate::require_membership(actor, "SamlGroupName", &team)?;
        let account = model::account_id(&input.aws_account_id)?;
        let region = model::region(&input.region)?;
        let prefix = model::resource_prefix(input.resource_prefix.as_deref())?;
        let parameters = model::parameters(&input.parameters)?;
        let tags = organizations::validate::tags(input.tags.as_deref())?;
        let description = organizations::validate::description(input.description.as_deref())?;
        let imported = input
            .default_role_arn
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|arn| model::role_arn("EnvironmentDefaultIAMRoleArn", arn, &account))
            .transpose()?;
        // Nothing is stored until AWS confirms the pivot role answers and trusts this
        // organization: an account belongs to the organizations whose ExternalId its pivot role
        // requires, whatever its region. This comes before the check for an existing link, so
        // another organization learns nothing about this account's environments.
        let aws = onboarding::require(self.aws)?;
        let boundary = input
            .permissions_boundary_policy_arn
            .as_deref()
            .map(|arn| model::permissions_boundary(arn, &account, &aws.pivot_role_name))
            .transpose()?
            .flatten();
        if aws.trust_account_id.is_empty() {
            return Err(Error::InvalidState(
                "Sluice does not know its own AWS account, so it cannot check whom a pivot role trusts: set \
                 SLUICE_TRUST_ACCOUNT_ID, or give it AWS credentials"
                    .into(),
            ));
        }
        let own = onboarding::organization_external_id(self.db, &org_uri).await?;
        let external_id = match super::trust::verify_trust(aws, &account, &region, &own).await {
            Ok(()) => own,
            Err(refused) => {
                // An account this organization linked before organizations had their own
                // ExternalId, whose pivot role still trusts the former one.
                let legacy = onboarding::legacy_external_id_for(self.db, &org_uri, &account).await?;
                match legacy {
                    Some(legacy)
                        if super::trust::verify_trust(aws, &account, &region, &legacy).await.is_ok() =>
                    {
                        legacy
                    }
                    _ => return Err(refused),
                }
            }
        };
        if let Some(existing) = self.find_by_account(&account, &region).await? {
            return Err(conflict(&account, &region, &existing));
        }

        let uri = new_uri();
        let now = chrono::Utc::now();
        let (role_arn, role_name, role_imported) = match imported {
            Some((arn, name)) => (arn, name, true),
            None => {
                let name = names::team_role_name(&prefix, &team, &uri);
                (format!("arn:aws:iam::{account}:role/{name}"), name, false)
            }
        };
        let txn = crate::db::write_txn(self.db).await?;
        let row = env::ActiveModel {
            environment_uri: Set(uri.clone()),
            organization_uri: Set(org_uri.clone()),
            name: Set(names::stack_name(&prefix, &label, &uri)),
            label: Set(label.clone()),
            description: Set(description),
            tags: Set(json!(tags).to_string()),
            owner: Set(actor.username().to_owned()),
            saml_group_name: Set(team.clone()),
            aws_account_id: Set(account.clone()),
            region: Set(region.clone()),
            resource_prefix: Set(prefix.clone()),
            parameters: Set(json!(parameters).to_string()),
            pivot_role_name: Set(aws.pivot_role_name.clone()),
            pivot_external_id: Set(Some(external_id)),
            permissions_boundary_policy_arn: Set(boundary),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(|| conflict_unknown(&account, &region))?;
        eg::ActiveModel {
            environment_uri: Set(uri.clone()),
            group_uri: Set(team.clone()),
            invited_by: Set(actor.username().to_owned()),
            role_name: Set(role_name),
            role_arn: Set(role_arn),
            role_imported: Set(role_imported),
            created: Set(now),
        }
        .insert(&txn)
        .await?;
        authz::policies::attach(&txn, &team, &uri, sets::ENVIRONMENT_ALL).await?;
        let target =
            stacks::StackTarget { target_uri: &uri, target_type: RESOURCE_TYPE, environment_uri: &uri };
        stacks::insert(&txn, target, &row.name, &account, &region).await?;
        let task = stacks::queue_deploy(&txn, &uri, "environment linked").await?;
        let ids = [("environmentUri", uri.as_str()), ("organizationUri", org_uri.as_str())];
        let event = crate::events::NewEvent::new(
            crate::events::EventType::EnvironmentLinked,
            &org_uri,
            (&uri, RESOURCE_TYPE),
            &ids,
        );
        crate::events::record(&txn, actor, event).await?;
        audit::record(
            &txn,
            actor,
            "createEnvironment",
            &uri,
            RESOURCE_TYPE,
            &format!("linked {account}/{region} to {org_uri}; deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        Environment::from_model(row)
    }

    async fn find_by_account(&self, account: &str, region: &str) -> Result<Option<String>> {
        Ok(env::Entity::find()
            .select_only()
            .column(env::Column::EnvironmentUri)
            .filter(env::Column::AwsAccountId.eq(account))
            .filter(env::Column::Region.eq(region))
            .into_tuple()
            .one(self.db)
            .await?)
    }

    pub async fn get(&self, actor: &Actor, uri: &str) -> Result<Environment> {
        Ok(authz::authorize::<perm::GetEnvironment>(self.db, actor, uri).await?.into_inner())
    }

    /// Environments one of the actor's teams may see; optionally one organization's only.
    pub async fn list(
        &self,
        actor: &Actor,
        term: Option<&str>,
        organization_uri: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Environment>> {
        let mut query = env::Entity::find().filter(
            env::Column::EnvironmentUri
                .in_subquery(authz::granted(EnvironmentPermission::GetEnvironment, actor)),
        );
        if let Some(org) = organization_uri {
            query = query.filter(env::Column::OrganizationUri.eq(org));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [
                env::Column::Label,
                env::Column::Description,
                env::Column::AwsAccountId,
                env::Column::Region,
            ];
            query = query.filter(contains_any(term, columns.map(|c| (env::Entity, c))));
        }
        let query = query.order_by_asc(env::Column::Label).order_by_asc(env::Column::EnvironmentUri);
        page::fetch(self.db, query, page).await?.try_map(Environment::from_model)
    }

    pub async fn update(&self, actor: &Actor, uri: &str, input: ModifyEnvironment) -> Result<Environment> {
        let result = self.update_inner(actor, uri, input).await;
        audit::record_failure(self.db, actor, "updateEnvironment", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_inner(&self, actor: &Actor, uri: &str, input: ModifyEnvironment) -> Result<Environment> {
        let environment = authz::authorize::<perm::UpdateEnvironment>(self.db, actor, uri).await?;
        model::refuse_unsupported(&input.unsupported)?;
        if input.saml_group_name.as_deref().is_some_and(|g| g != environment.saml_group_name) {
            return Err(Error::validation("SamlGroupName", "the owning team cannot change"));
        }
        if input.resource_prefix.as_deref().is_some_and(|p| p != environment.resource_prefix) {
            return Err(Error::validation(
                "resourcePrefix",
                "the resource prefix is fixed when the account is linked",
            ));
        }
        let mut row = env::ActiveModel {
            environment_uri: Set(uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let mut changed = Vec::new();
        if let Some(label) = &input.label {
            row.label = Set(organizations::validate::label(Some(label))?);
            changed.push("label");
        }
        if input.description.is_some() {
            row.description = Set(organizations::validate::description(input.description.as_deref())?);
            changed.push("description");
        }
        if let Some(tags) = &input.tags {
            row.tags = Set(json!(organizations::validate::tags(Some(tags))?).to_string());
            changed.push("tags");
        }
        if let Some(parameters) = &input.parameters {
            row.parameters = Set(json!(model::parameters(parameters)?).to_string());
            changed.push("parameters");
        }
        let mut boundary_changed = false;
        if let Some(arn) = &input.permissions_boundary_policy_arn {
            let boundary =
                model::permissions_boundary(arn, &environment.aws_account_id, &environment.pivot_role_name)?;
            boundary_changed = boundary != environment.permissions_boundary_policy_arn;
            row.permissions_boundary_policy_arn = Set(boundary);
            changed.push("PermissionsBoundaryPolicyArn");
        }
        let txn = crate::db::write_txn(self.db).await?;
        let updated = row.update(&txn).await?;
        // The roles carry the boundary only once their stack is deployed again.
        let deploy = match boundary_changed {
            true => {
                let task = stacks::queue_deploy(&txn, uri, "permissions boundary changed").await?;
                format!("; deploy task {task}")
            }
            false => String::new(),
        };
        audit::record(
            &txn,
            environment.actor(),
            "updateEnvironment",
            uri,
            RESOURCE_TYPE,
            &format!("changed {}{deploy}", changed.join(", ")),
        )
        .await?;
        txn.commit().await?;
        Environment::from_model(updated)
    }

    /// Removes the environment from Sluice; with `delete_from_aws`, a task deletes its stack
    /// too. Teams' grants go with it.
    pub async fn delete(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        let result = self.delete_inner(actor, uri, delete_from_aws).await;
        audit::record_failure(self.db, actor, "deleteEnvironment", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn delete_inner(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        let environment = authz::authorize::<perm::DeleteEnvironment>(self.db, actor, uri).await?;
        let datasets = crate::datasets::Datasets::count_owned(self.db, uri, None).await?;
        if datasets > 0 {
            return Err(Error::InvalidState(format!(
                "environment {uri} holds {datasets} dataset(s); delete them before the environment"
            )));
        }
        let stack = stacks::for_target(self.db, uri).await?;
        let external_id = super::platform::pivot_of_environment(self.db, &environment).await?.external_id;
        let groups: Vec<EnvironmentGroup> = eg::Entity::find()
            .filter(eg::Column::EnvironmentUri.eq(uri))
            .all(self.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let txn = crate::db::write_txn(self.db).await?;
        for g in &groups {
            authz::policies::detach(&txn, &g.group_uri, uri).await?;
        }
        eg::Entity::delete_many().filter(eg::Column::EnvironmentUri.eq(uri)).exec(&txn).await?;
        if delete_from_aws {
            // The stack row outlives the environment until the delete task has removed the stack.
            let task = store::enqueue(
                &txn,
                NewTask {
                    action: stacks::DELETE_ACTION.into(),
                    target_uri: stack.stack_uri.clone(),
                    target_type: crate::tasks::targets::PLATFORM.into(),
                    payload: json!({
                        "stackUri": stack.stack_uri,
                        "pivotRoleName": environment.pivot_role_name,
                        "externalId": external_id,
                    }),
                },
            )
            .await?;
            stack::ActiveModel {
                stack_uri: Set(stack.stack_uri.clone()),
                status: Set("DELETE_REQUESTED".into()),
                task_uri: Set(Some(task.task_uri)),
                updated: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        } else {
            stack::Entity::delete_by_id(stack.stack_uri.clone()).exec(&txn).await?;
        }
        env::Entity::delete_by_id(uri.to_owned()).exec(&txn).await?;
        // After the row: an update of the tags holds it, and finishes first.
        crate::tags::forget(&txn, crate::tags::TagTarget::Environment, uri).await?;
        let summary =
            if delete_from_aws { "deleted; stack deletion queued" } else { "deleted; AWS resources kept" };
        audit::record(&txn, environment.actor(), "deleteEnvironment", uri, RESOURCE_TYPE, summary).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// The organization an environment belongs to, as the environment's readers may see it.
    pub async fn organization_of(&self, actor: &Actor, environment: &Environment) -> Result<Organization> {
        authz::authorize::<perm::GetEnvironment>(self.db, actor, &environment.environment_uri).await?;
        organizations::Organizations { db: self.db }.load(&environment.organization_uri).await
    }
}

fn conflict(account: &str, region: &str, existing: &str) -> Error {
    Error::Conflict(format!("account {account} in {region} is already linked as environment {existing}"))
}

fn conflict_unknown(account: &str, region: &str) -> Error {
    Error::Conflict(format!("account {account} in {region} was linked by someone else just now"))
}
