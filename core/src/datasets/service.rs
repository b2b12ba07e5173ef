//! Creating, reading, changing and deleting datasets. Every change also queues a catalog index
//! task in its own transaction, so search never drifts from the database.

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use serde_json::json;
use sluice_entities::{dataset as ds, environment as env, environment_group as eg, stack};

use super::{Dataset, ModifyDataset, NewDataset, RESOURCE_TYPE, model};
use crate::{
    Actor, Error, Result, audit,
    environments::{self, names, stacks},
    error::OnConflict,
    organizations::validate,
    page::{Page, PageRequest, like_pattern},
    permissions::{self, catalog, granted_resources},
    tasks::{NewTask, store},
    uri::new_uri,
};

pub const DEPLOY_ACTION: &str = "dataset.deploy";
pub const DELETE_ACTION: &str = "dataset.delete-stack";
/// Indexes one catalog document; the search issue's indexer handles it.
pub const INDEX_ACTION: &str = "catalog.index";

pub struct Datasets<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

/// Queues the catalog update for a dataset, in the caller's transaction.
async fn queue_index(db: &impl sea_orm::ConnectionTrait, dataset_uri: &str, deleted: bool) -> Result<()> {
    store::enqueue(
        db,
        NewTask {
            action: INDEX_ACTION.into(),
            target_uri: dataset_uri.into(),
            target_type: RESOURCE_TYPE.into(),
            payload: json!({"kind": "dataset", "uri": dataset_uri, "deleted": deleted}),
        },
    )
    .await?;
    Ok(())
}

fn tags_json(items: &[String]) -> String {
    json!(items).to_string()
}

impl Datasets<'_> {
    pub async fn create(&self, actor: &Actor, input: NewDataset) -> Result<Dataset> {
        let target = input.environment_uri.clone();
        let result = self.create_inner(actor, input).await;
        audit::record_failure(self.db, actor, "createDataset", &target, environments::RESOURCE_TYPE, &result)
            .await;
        result
    }

    async fn create_inner(&self, actor: &Actor, input: NewDataset) -> Result<Dataset> {
        permissions::require_tenant(self.db, actor, catalog::MANAGE_DATASETS).await?;
        let env_uri = input.environment_uri.trim().to_owned();
        let team = validate::group("SamlAdminGroupName", Some(&input.saml_admin_group_name))?;
        validate::require_membership(actor, "SamlAdminGroupName", &team)?;
        // The acting team itself must hold CREATE_DATASET there, not just any team of the actor.
        if eg::Entity::find_by_id((env_uri.clone(), team.clone())).one(self.db).await?.is_none()
            || !permissions::resource_permissions(self.db, &team, &env_uri)
                .await?
                .iter()
                .any(|p| p == catalog::CREATE_DATASET)
        {
            return Err(Error::forbidden(
                catalog::CREATE_DATASET,
                environments::RESOURCE_TYPE,
                &env_uri,
                &format!(
                    "{team} must be a team of the environment with CREATE_DATASET; ask its owners to invite it"
                ),
            ));
        }
        let environment = env::Entity::find_by_id(env_uri.clone())
            .one(self.db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: environments::RESOURCE_TYPE, uri: env_uri.clone() })?;
        let label = validate::label(Some(&input.label))?;
        let description = validate::description(input.description.as_deref())?;
        let tags = validate::tags(input.tags.as_deref())?;
        let topics = validate::tags(input.topics.as_deref())?;
        let confidentiality = model::confidentiality(input.confidentiality.as_deref())?;
        let stewards = input
            .stewards
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| validate::group("stewards", Some(s)))
            .transpose()?;

        let uri = new_uri();
        let prefix = &environment.resource_prefix;
        let now = chrono::Utc::now();
        let txn = self.db.begin().await?;
        let row = ds::ActiveModel {
            dataset_uri: Set(uri.clone()),
            environment_uri: Set(env_uri.clone()),
            organization_uri: Set(environment.organization_uri.clone()),
            name: Set(names::stack_name(prefix, &label, &uri)),
            label: Set(label.clone()),
            description: Set(description),
            tags: Set(tags_json(&tags)),
            topics: Set(tags_json(&topics)),
            confidentiality: Set(confidentiality),
            owner: Set(actor.username.clone()),
            saml_admin_group_name: Set(team.clone()),
            stewards: Set(stewards.clone()),
            auto_approval_enabled: Set(input.auto_approval_enabled),
            imported: Set(false),
            bucket_name: Set(names::bucket_name(prefix, &label, &uri)),
            glue_database_name: Set(names::glue_database_name(prefix, &label, &uri)),
            kms_alias: Set(format!("alias/{}", names::stack_name(prefix, &label, &uri))),
            admin_role_name: Set(names::team_role_name(prefix, &label, &uri)),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(|| {
            Error::Conflict(format!("environment {env_uri} already has a dataset on that bucket"))
        })?;
        permissions::attach_resource_policy(&txn, &team, &uri, RESOURCE_TYPE, catalog::DATASET_ALL).await?;
        if let Some(stewards) = stewards.as_deref().filter(|s| *s != team) {
            permissions::attach_resource_policy(&txn, stewards, &uri, RESOURCE_TYPE, catalog::DATASET_READ)
                .await?;
        }
        let target =
            stacks::StackTarget { target_uri: &uri, target_type: RESOURCE_TYPE, environment_uri: &env_uri };
        stacks::insert(&txn, target, &row.name, &environment.aws_account_id, &environment.region).await?;
        let task =
            stacks::queue_deploy_of(&txn, &uri, RESOURCE_TYPE, DEPLOY_ACTION, "dataset created").await?;
        queue_index(&txn, &uri, false).await?;
        audit::record(
            &txn,
            actor,
            "createDataset",
            &uri,
            RESOURCE_TYPE,
            &format!("in {env_uri} for {team}; deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        Dataset::from_model(row)
    }

    pub async fn get(&self, actor: &Actor, uri: &str) -> Result<Dataset> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::GET_DATASET).await?;
        self.load(uri).await
    }

    async fn load(&self, uri: &str) -> Result<Dataset> {
        ds::Entity::find_by_id(uri.to_owned())
            .one(self.db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: uri.to_owned() })
            .and_then(Dataset::from_model)
    }

    /// Datasets the actor's teams may see, optionally in one environment.
    pub async fn list(
        &self,
        actor: &Actor,
        term: Option<&str>,
        environment_uri: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Dataset>> {
        let mut query = ds::Entity::find().filter(ds::Column::DatasetUri.in_subquery(granted_resources(
            RESOURCE_TYPE,
            catalog::GET_DATASET,
            &actor.groups,
        )));
        if let Some(env_uri) = environment_uri {
            query = query.filter(ds::Column::EnvironmentUri.eq(env_uri));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = like_pattern(term);
            let like = |col: ds::Column| {
                Expr::expr(Func::lower(Expr::col((ds::Entity, col))))
                    .like(LikeExpr::new(pattern.clone()).escape('\\'))
            };
            query = query.filter(
                Condition::any()
                    .add(like(ds::Column::Label))
                    .add(like(ds::Column::Description))
                    .add(like(ds::Column::Tags)),
            );
        }
        let count = query.clone().count(self.db).await?;
        let rows = query
            .order_by_asc(ds::Column::Label)
            .order_by_asc(ds::Column::DatasetUri)
            .offset(page.offset())
            .limit(page.page_size)
            .all(self.db)
            .await?;
        let nodes = rows.into_iter().map(Dataset::from_model).collect::<Result<Vec<_>>>()?;
        Ok(Page::new(page, count, nodes))
    }

    pub async fn update(&self, actor: &Actor, uri: &str, input: ModifyDataset) -> Result<Dataset> {
        let result = self.update_inner(actor, uri, input).await;
        audit::record_failure(self.db, actor, "updateDataset", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_inner(&self, actor: &Actor, uri: &str, input: ModifyDataset) -> Result<Dataset> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::UPDATE_DATASET).await?;
        let current = self.load(uri).await?;
        let mut row = ds::ActiveModel {
            dataset_uri: Set(uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        if let Some(label) = &input.label {
            row.label = Set(validate::label(Some(label))?);
        }
        if input.description.is_some() {
            row.description = Set(validate::description(input.description.as_deref())?);
        }
        if let Some(tags) = &input.tags {
            row.tags = Set(tags_json(&validate::tags(Some(tags))?));
        }
        if let Some(topics) = &input.topics {
            row.topics = Set(tags_json(&validate::tags(Some(topics))?));
        }
        if input.confidentiality.is_some() {
            row.confidentiality = Set(model::confidentiality(input.confidentiality.as_deref())?);
        }
        if let Some(auto) = input.auto_approval_enabled {
            row.auto_approval_enabled = Set(auto);
        }
        let new_stewards = match input.stewards.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(s) => Some(Some(validate::group("stewards", Some(s))?)),
        };
        let txn = self.db.begin().await?;
        if let Some(stewards) = &new_stewards {
            if let Some(old) = current.stewards.as_deref().filter(|o| *o != current.saml_admin_group_name) {
                permissions::delete_resource_policy(&txn, old, uri).await?;
            }
            if let Some(new) = stewards.as_deref().filter(|n| *n != current.saml_admin_group_name) {
                permissions::attach_resource_policy(&txn, new, uri, RESOURCE_TYPE, catalog::DATASET_READ)
                    .await?;
            }
            row.stewards = Set(stewards.clone());
        }
        let updated = row.update(&txn).await?;
        queue_index(&txn, uri, false).await?;
        audit::record(&txn, actor, "updateDataset", uri, RESOURCE_TYPE, "updated").await?;
        txn.commit().await?;
        Dataset::from_model(updated)
    }

    /// Removes the dataset from Sluice; with `delete_from_aws`, a task deletes its stack too.
    pub async fn delete(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        let result = self.delete_inner(actor, uri, delete_from_aws).await;
        audit::record_failure(self.db, actor, "deleteDataset", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn delete_inner(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::DELETE_DATASET).await?;
        let dataset = self.load(uri).await?;
        let txn = self.db.begin().await?;
        for group in
            std::iter::once(dataset.saml_admin_group_name.as_str()).chain(dataset.stewards.as_deref())
        {
            permissions::delete_resource_policy(&txn, group, uri).await?;
        }
        if delete_from_aws && !dataset.imported {
            super::platform::queue_delete(&txn, &dataset, "dataset deleted").await?;
        } else {
            stack::Entity::delete_many().filter(stack::Column::TargetUri.eq(uri)).exec(&txn).await?;
        }
        ds::Entity::delete_by_id(uri.to_owned()).exec(&txn).await?;
        queue_index(&txn, uri, true).await?;
        audit::record(
            &txn,
            actor,
            "deleteDataset",
            uri,
            RESOURCE_TYPE,
            if delete_from_aws { "deleted with its stack" } else { "deleted; AWS resources kept" },
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Datasets of an environment owned by `group`; environment rules read it.
    pub(crate) async fn count_owned(
        db: &impl sea_orm::ConnectionTrait,
        env_uri: &str,
        group: Option<&str>,
    ) -> Result<u64> {
        let mut query = ds::Entity::find().filter(ds::Column::EnvironmentUri.eq(env_uri));
        if let Some(group) = group {
            query = query.filter(ds::Column::SamlAdminGroupName.eq(group));
        }
        Ok(query.count(db).await?)
    }
}

/// The catalog document of a dataset, as the indexer will store it; None once it is deleted.
/// For the worker, which acts for the platform.
pub async fn catalog_document(db: &DatabaseConnection, uri: &str) -> Result<Option<serde_json::Value>> {
    let Some(row) = ds::Entity::find_by_id(uri.to_owned()).one(db).await? else { return Ok(None) };
    let dataset = Dataset::from_model(row)?;
    let environment = env::Entity::find_by_id(dataset.environment_uri.clone()).one(db).await?;
    Ok(Some(json!({
        "kind": "dataset",
        "uri": dataset.dataset_uri,
        "name": dataset.name,
        "label": dataset.label,
        "description": dataset.description,
        "tags": dataset.tags,
        "topics": dataset.topics,
        "confidentiality": dataset.confidentiality,
        "region": environment.as_ref().map(|e| e.region.clone()),
        "environmentUri": dataset.environment_uri,
        "organizationUri": dataset.organization_uri,
        "ownerTeam": dataset.saml_admin_group_name,
        "stewards": dataset.stewards,
    })))
}
