//! Creating a dataset (a stack makes its bucket, key, role and Glue database) and importing one
//! (they exist already; the pivot role confirms it). Both admit the same teams and store the
//! same row.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sluice_entities::{dataset as ds, environment_group as eg};

use super::{DatasetView, ImportedResources, NewDataset, RESOURCE_TYPE, model, service::queue_index};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, environment as env_perm, sets, tenant_grants::ManageDatasets},
    environments::{self, AwsResource, Environment, LinkError, names, onboarding, stacks},
    error::OnConflict,
    organizations::validate,
    uri::new_uri,
};

pub const DEPLOY_ACTION: &str = "dataset.deploy";
/// Registers an imported bucket with Lake Formation (a created one is registered by its deploy).
pub const REGISTER_ACTION: &str = "dataset.register-location";

/// The AWS names of a dataset's resources.
struct Resources {
    bucket_name: String,
    glue_database_name: String,
    /// `None`: an imported bucket encrypted with SSE-S3, no customer key.
    kms_alias: Option<String>,
    admin_role_name: String,
    imported_admin_role: bool,
    /// An import without a Glue database: its registration task creates it.
    create_glue_database: bool,
}

/// A request that passed every check, ready to store.
struct Admitted {
    label: String,
    /// The acting team holds CREATE_DATASET there.
    environment: Authorized<Environment, env_perm::CreateDataset>,
    team: sluice_entities::environment_group::Model,
    row: ds::ActiveModel,
    stewards: Option<String>,
}

impl super::Datasets<'_> {
    pub async fn create(&self, actor: &Actor, input: NewDataset) -> Result<DatasetView> {
        let target = input.environment_uri.clone();
        let result = async {
            let uri = new_uri();
            let admitted = self.admit(actor, &uri, input).await?;
            let (prefix, label) = (&admitted.environment.resource_prefix, &admitted.label);
            let resources = Resources {
                bucket_name: names::bucket_name(prefix, label, &uri),
                glue_database_name: names::glue_database_name(prefix, label, &uri),
                // A created dataset always gets a key of its own.
                kms_alias: Some(format!("alias/{}", names::stack_name(prefix, label, &uri))),
                admin_role_name: names::team_role_name(prefix, label, &uri),
                imported_admin_role: false,
                create_glue_database: false,
            };
            self.store(&uri, admitted, resources, false).await
        }
        .await;
        audit::record_failure(self.db, actor, "createDataset", &target, environments::RESOURCE_TYPE, &result)
            .await;
        result
    }

    /// Brings an existing bucket, Glue database and KMS key (none for an SSE-S3 bucket) in as a
    /// dataset, after the pivot role has confirmed they exist. Without a database, the registration task creates one.
    /// No stack is deployed for it.
    pub async fn import(
        &self,
        actor: &Actor,
        input: NewDataset,
        existing: ImportedResources,
    ) -> Result<DatasetView> {
        let target = input.environment_uri.clone();
        let result = async {
            let uri = new_uri();
            let admitted = self.admit(actor, &uri, input).await?;
            // Without a database, as in data.all, the import makes one, named as a created
            // dataset's (the registration task creates it).
            let create_glue_database = existing.glue_database_name.trim().is_empty();
            let glue_database_name = if create_glue_database {
                names::glue_database_name(&admitted.environment.resource_prefix, &admitted.label, &uri)
            } else {
                model::glue_database_name(&existing.glue_database_name)?
            };
            let given_role = existing.admin_role_name.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let resources = Resources {
                bucket_name: model::bucket_name(&existing.bucket_name)?,
                glue_database_name,
                create_glue_database,
                // Without an alias, as in data.all, the bucket is encrypted with SSE-S3.
                kms_alias: model::imported_kms_alias(existing.kms_alias.as_deref())?,
                admin_role_name: match given_role {
                    Some(role) => model::role_name(role)?,
                    // Without a role of its own, the admin team's role administers the data.
                    None => admitted.team.role_name.clone(),
                },
                imported_admin_role: true,
            };
            self.confirm_exists(&admitted.environment, &resources, given_role.is_some()).await?;
            self.store(&uri, admitted, resources, true).await
        }
        .await;
        audit::record_failure(self.db, actor, "importDataset", &target, environments::RESOURCE_TYPE, &result)
            .await;
        result
    }

    /// The checks both paths share: who may act, where, and what they sent.
    async fn admit(&self, actor: &Actor, uri: &str, input: NewDataset) -> Result<Admitted> {
        authz::authorize_tenant::<ManageDatasets>(self.db, actor).await?;
        let env_uri = input.environment_uri.trim().to_owned();
        let team = validate::group("SamlAdminGroupName", Some(&input.saml_admin_group_name))?;
        validate::require_membership(actor, "SamlAdminGroupName", &team)?;
        // The acting team itself must hold CREATE_DATASET there, not just any team of the actor.
        let environment =
            authz::authorize_for_team::<env_perm::CreateDataset>(self.db, actor, &team, &env_uri).await?;
        let membership =
            eg::Entity::find_by_id((env_uri.clone(), team.clone())).one(self.db).await?.ok_or_else(|| {
                Error::validation("SamlAdminGroupName", format!("{team} is not a team of {env_uri}"))
            })?;
        let expiry = input.expiry.resolve(None)?;
        if let Some(org) = input.organization_uri.as_deref().map(str::trim).filter(|o| !o.is_empty())
            && org != environment.organization_uri
        {
            return Err(Error::validation(
                "organizationUri",
                format!(
                    "environment {env_uri} belongs to organization {}, not {org}",
                    environment.organization_uri
                ),
            ));
        }
        let stewards = input
            .stewards
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| validate::group("stewards", Some(s)))
            .transpose()?;
        let now = chrono::Utc::now();
        let label = validate::label(Some(&input.label))?;
        let row = ds::ActiveModel {
            dataset_uri: Set(uri.to_owned()),
            environment_uri: Set(env_uri),
            organization_uri: Set(environment.organization_uri.clone()),
            name: Set(names::stack_name(&environment.resource_prefix, &label, uri)),
            label: Set(label.clone()),
            description: Set(validate::description(input.description.as_deref())?),
            tags: Set(model::json_list(&validate::tags(input.tags.as_deref())?)),
            topics: Set(model::json_list(&model::topics(input.topics.as_deref().unwrap_or_default())?)),
            confidentiality: Set(model::confidentiality(input.confidentiality.as_deref())?),
            owner: Set(environment.actor().username().to_owned()),
            saml_admin_group_name: Set(team),
            stewards: Set(stewards.clone()),
            auto_approval_enabled: Set(input.auto_approval_enabled),
            language: Set(model::language(input.language.as_deref())?),
            business_owner_email: Set(input
                .business_owner_email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .map(|e| model::email("businessOwnerEmail", e))
                .transpose()?),
            business_owner_delegation_emails: Set(model::json_list(&model::emails(
                "businessOwnerDelegationEmails",
                input.business_owner_delegation_emails.as_deref().unwrap_or_default(),
            )?)),
            enable_expiration: Set(expiry.is_some()),
            expiry_setting: Set(expiry.map(|e| e.setting.as_str().to_owned())),
            expiry_min_duration: Set(expiry.map(|e| e.min)),
            expiry_max_duration: Set(expiry.map(|e| e.max)),
            created: Set(now),
            updated: Set(now),
            ..Default::default()
        };
        Ok(Admitted { label, environment, team: membership, row, stewards })
    }

    async fn confirm_exists(&self, environment: &Environment, r: &Resources, role_given: bool) -> Result<()> {
        // Bucket names are global: a bucket another dataset holds, in any environment, is
        // refused without saying whose it is.
        let taken = ds::Entity::find()
            .filter(ds::Column::BucketName.eq(r.bucket_name.as_str()))
            .count(self.db)
            .await?;
        if taken > 0 {
            return Err(Error::Conflict(format!(
                "bucket {} is already part of another dataset; a bucket belongs to one dataset only",
                r.bucket_name
            )));
        }
        let aws = onboarding::require(self.aws)?;
        let pivot = crate::environments::platform::pivot_of_environment(self.db, environment).await?;
        let mut wanted = vec![AwsResource::Bucket(r.bucket_name.clone())];
        if let Some(alias) = &r.kms_alias {
            wanted.push(AwsResource::KmsAlias(alias.clone()));
        }
        if !r.create_glue_database {
            wanted.push(AwsResource::GlueDatabase(r.glue_database_name.clone()));
        }
        if role_given {
            wanted.push(AwsResource::Role(r.admin_role_name.clone()));
        }
        let problems = aws.resources.check(&pivot, &wanted).await.map_err(|e| match e {
            LinkError::Refused(reason) => Error::validation("environmentUri", reason),
            LinkError::Unreachable(_) => {
                Error::InvalidState(format!("{e}; nothing was imported, try again in a moment"))
            }
        })?;
        let Some((first, _)) = problems.first() else { return Ok(()) };
        let list = problems.iter().map(|(what, why)| format!("{what}: {why}")).collect::<Vec<_>>().join("; ");
        Err(Error::validation(
            first.field(),
            format!(
                "{list}. An import takes resources of the environment's account {} in {}; nothing was imported",
                environment.aws_account_id, environment.region
            ),
        ))
    }

    async fn store(
        &self,
        uri: &str,
        admitted: Admitted,
        resources: Resources,
        imported: bool,
    ) -> Result<DatasetView> {
        let Admitted { environment, team, mut row, stewards, .. } = admitted;
        let actor = environment.actor();
        let env_uri = environment.environment_uri.clone();
        row.imported = Set(imported);
        row.bucket_name = Set(resources.bucket_name);
        row.glue_database_name = Set(resources.glue_database_name);
        row.kms_alias = Set(resources.kms_alias);
        row.admin_role_name = Set(resources.admin_role_name);
        row.imported_admin_role = Set(resources.imported_admin_role);
        let create_glue_database = resources.create_glue_database;
        let txn = crate::db::write_txn(self.db).await?;
        let row = row.insert(&txn).await.on_conflict(|| {
            Error::Conflict(format!("environment {env_uri} already has a dataset on that bucket"))
        })?;
        let team = team.group_uri;
        authz::policies::attach(&txn, &team, uri, sets::DATASET_ALL).await?;
        if let Some(stewards) = stewards.as_deref().filter(|s| *s != team) {
            authz::policies::attach(&txn, stewards, uri, sets::DATASET_STEWARDS).await?;
        }
        let detail = if imported {
            let task = crate::tasks::store::enqueue(
                &txn,
                crate::tasks::NewTask {
                    action: REGISTER_ACTION.into(),
                    target_uri: uri.into(),
                    target_type: RESOURCE_TYPE.into(),
                    payload: serde_json::json!({"datasetUri": uri, "createGlueDatabase": create_glue_database}),
                },
            )
            .await?;
            let database = if create_glue_database {
                format!(", creating Glue database {}", row.glue_database_name)
            } else {
                String::new()
            };
            let key = row.kms_alias.as_deref().unwrap_or("SSE-S3, no KMS key");
            format!(
                "imported s3://{} ({key}) in {env_uri} for {team}{database}; registration task {}",
                row.bucket_name, task.task_uri
            )
        } else {
            let target = stacks::StackTarget {
                target_uri: uri,
                target_type: RESOURCE_TYPE,
                environment_uri: &env_uri,
            };
            stacks::insert(&txn, target, &row.name, &environment.aws_account_id, &environment.region).await?;
            let task =
                stacks::queue_deploy_of(&txn, uri, RESOURCE_TYPE, DEPLOY_ACTION, "dataset created").await?;
            format!("in {env_uri} for {team}; deploy task {task}")
        };
        queue_index(&txn, uri, false).await?;
        let action = if imported { "importDataset" } else { "createDataset" };
        let ids = [("datasetUri", uri), ("environmentUri", env_uri.as_str())];
        let event = crate::events::NewEvent::new(
            crate::events::EventType::DatasetCreated,
            &environment.organization_uri,
            (uri, RESOURCE_TYPE),
            &ids,
        );
        crate::events::record(&txn, actor, event).await?;
        audit::record(&txn, actor, action, uri, RESOURCE_TYPE, &detail).await?;
        txn.commit().await?;
        let dataset = super::Dataset::from_model(row)?;
        Ok(dataset.full_view(&environment.aws_account_id, &environment.region))
    }
}
