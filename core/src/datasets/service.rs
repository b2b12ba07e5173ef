//! Creating, reading, changing and deleting datasets. Every change also queues a catalog index
//! task in its own transaction, so search never drifts from the database.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde_json::json;
use sluice_entities::{dataset as ds, environment as env, stack};

use super::{
    Dataset, DatasetFilter, DatasetSort, DatasetView, ModifyDataset, RESOURCE_TYPE, SortOrder, UserRole,
    model,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{
        self, Authorized, DatasetPermission, Grant, dataset as perm, environment as env_perm, granted,
        proof::stored_resource, sets,
    },
    catalog::CatalogVisibility,
    environments::{self, stacks},
    glossaries::{self, LinkTarget},
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    tasks::{NewTask, store},
};

pub const DELETE_ACTION: &str = "dataset.delete-stack";
/// Brings a dataset's catalog documents in step with the database (`catalog::apply_index_task`).
pub const INDEX_ACTION: &str = "catalog.index";

stored_resource!(Dataset, Dataset, ds::Entity, ds::Column::DatasetUri, Dataset::from_model);

pub struct Datasets<'a> {
    pub(crate) db: &'a DatabaseConnection,
    pub(crate) aws: &'a Option<std::sync::Arc<environments::AwsSettings>>,
    /// Who finds a dataset's catalog entry.
    pub(crate) visibility: CatalogVisibility,
}

/// Queues the catalog update for a dataset, in the caller's transaction.
pub(crate) async fn queue_index(
    db: &impl sea_orm::ConnectionTrait,
    dataset_uri: &str,
    deleted: bool,
) -> Result<()> {
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

/// Queues the rewrite of a dataset's own catalog document only (its vote count changed), in the
/// caller's transaction: one document, however many tables the dataset holds, so a vote costs
/// its voter little and the platform less.
pub(crate) async fn queue_entry_index(db: &impl sea_orm::ConnectionTrait, dataset_uri: &str) -> Result<()> {
    store::enqueue(
        db,
        NewTask {
            action: INDEX_ACTION.into(),
            target_uri: dataset_uri.into(),
            target_type: RESOURCE_TYPE.into(),
            payload: json!({"kind": "dataset-entry"}),
        },
    )
    .await?;
    Ok(())
}

/// The dataset row, unchecked: for core's own bookkeeping, never handed to a caller as is.
pub(crate) async fn load_dataset(db: &impl sea_orm::ConnectionTrait, uri: &str) -> Result<Dataset> {
    ds::Entity::find_by_id(uri.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: uri.to_owned() })
        .and_then(Dataset::from_model)
}

impl Datasets<'_> {
    pub(crate) async fn load(&self, uri: &str) -> Result<Dataset> {
        load_dataset(self.db, uri).await
    }

    /// The stacks of those of `uris` the actor may read, by dataset: one query for a page of
    /// datasets. Imported datasets have none.
    pub async fn stacks(&self, actor: &Actor, uris: &[String]) -> Result<HashMap<String, stacks::Stack>> {
        let rows = stack::Entity::find()
            .filter(stack::Column::TargetUri.is_in(uris.iter().cloned()))
            .filter(stack::Column::TargetUri.in_subquery(granted(DatasetPermission::GetDataset, actor)))
            .all(self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (r.target_uri.clone(), r.into())).collect())
    }

    /// Datasets the actor's teams may see (GET_DATASET), narrowed by the filter.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &DatasetFilter,
        page: PageRequest,
    ) -> Result<Page<DatasetView>> {
        let visible = ds::Column::DatasetUri.in_subquery(granted(DatasetPermission::GetDataset, actor));
        if !filter.narrows() {
            // Every dataset the actor's teams may read: counted in the grant index alone (the
            // teams' GET_DATASET rows, one per dataset and team, die with the dataset), and the
            // page walked along the order's index from its nearer end, so a page costs what it
            // holds and not what the actor may see (docs/ARCHITECTURE.md, "List queries").
            let count =
                page::count_distinct_uris(self.db, granted(DatasetPermission::GetDataset, actor)).await?;
            let query = ds::Entity::find().filter(visible);
            let (rows, page) =
                page::fetch_counted(self.db, query, &order_of(filter), count, page).await?.take_nodes();
            return Ok(page.with(self.views_of_in(actor, rows, true).await?));
        }
        self.page(ds::Entity::find().filter(visible), actor, filter, page, true).await
    }

    /// Every dataset of an environment, for those who may read the environment: its teams see
    /// what was published there, as catalog entries unless they hold GET_DATASET.
    pub async fn list_in_environment(
        &self,
        actor: &Actor,
        environment_uri: &str,
        filter: &DatasetFilter,
        page: PageRequest,
    ) -> Result<Page<DatasetView>> {
        authz::authorize::<env_perm::GetEnvironment>(self.db, actor, environment_uri).await?;
        let query = ds::Entity::find().filter(ds::Column::EnvironmentUri.eq(environment_uri));
        self.page(query, actor, filter, page, false).await
    }

    /// [`Self::list_in_environment`] without a filter, for each of `environment_uris` at once
    /// (a page of environments): the same check (GET_ENVIRONMENT) and the same page, in a fixed
    /// number of queries however many environments. Environments the actor may not read are
    /// absent; one without datasets has an empty page.
    pub async fn list_in_environments(
        &self,
        actor: &Actor,
        environment_uris: &[String],
        page: PageRequest,
    ) -> Result<HashMap<String, Page<DatasetView>>> {
        let readable: Vec<String> = env::Entity::find()
            .select_only()
            .column(env::Column::EnvironmentUri)
            .filter(env::Column::EnvironmentUri.is_in(environment_uris.iter().cloned()))
            .filter(env_perm::GetEnvironment::permits(actor))
            .into_tuple()
            .all(self.db)
            .await?;
        if readable.is_empty() {
            return Ok(HashMap::new());
        }
        let query = ds::Entity::find().filter(ds::Column::EnvironmentUri.is_in(readable.iter().cloned()));
        // `page`'s order when no sort is asked for.
        let order = [(ds::Column::Label, Order::Asc), (ds::Column::DatasetUri, Order::Asc)];
        let mut found =
            page::fetch_per_parent(self.db, query, ds::Column::EnvironmentUri, &order, page).await?;
        let mut pages = HashMap::with_capacity(readable.len());
        let mut rows = Vec::new();
        for uri in readable {
            let (nodes, numbers) =
                found.remove(&uri).unwrap_or_else(|| Page::new(page, 0, vec![])).take_nodes();
            rows.extend(nodes);
            pages.insert(uri, numbers.with(Vec::new()));
        }
        for view in self.views_of_in(actor, rows, false).await? {
            if let Some(page) = pages.get_mut(&view.entry().environment_uri) {
                page.nodes.push(view);
            }
        }
        Ok(pages)
    }

    /// The datasets `team`, one of the actor's teams, administers in an environment.
    pub async fn list_owned_by_team(
        &self,
        actor: &Actor,
        environment_uri: &str,
        team: &str,
        filter: &DatasetFilter,
        page: PageRequest,
    ) -> Result<Page<DatasetView>> {
        authz::authorize::<env_perm::GetEnvironment>(self.db, actor, environment_uri).await?;
        if !actor.in_group(team) {
            return Err(Error::validation("groupUri", format!("you are not a member of {team}")));
        }
        let filter = DatasetFilter { admin_team: Some(team.to_owned()), ..filter.clone() };
        let query = ds::Entity::find().filter(ds::Column::EnvironmentUri.eq(environment_uri));
        self.page(query, actor, &filter, page, false).await
    }

    async fn page(
        &self,
        mut query: sea_orm::Select<ds::Entity>,
        actor: &Actor,
        filter: &DatasetFilter,
        page: PageRequest,
        all_readable: bool,
    ) -> Result<Page<DatasetView>> {
        if let Some(env_uri) = filter.environment_uri.as_deref() {
            query = query.filter(ds::Column::EnvironmentUri.eq(env_uri));
        }
        if let Some(team) = filter.admin_team.as_deref() {
            query = query.filter(ds::Column::SamlAdminGroupName.eq(team));
        }
        if let Some(term) = filter.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [ds::Column::Label, ds::Column::Description, ds::Column::Tags];
            query = query.filter(contains_any(term, columns.map(|c| (ds::Entity, c))));
        }
        if !filter.roles.is_empty() {
            query = query.filter(role_condition(actor, &filter.roles));
        }
        for (column, order) in order_of(filter) {
            query = query.order_by(column, order);
        }
        let (rows, page) = page::fetch(self.db, query, page).await?.take_nodes();
        // An environment's team sees every dataset of it, whatever the catalog's visibility.
        Ok(page.with(self.views_of_in(actor, rows, all_readable).await?))
    }

    pub async fn update(&self, actor: &Actor, uri: &str, input: ModifyDataset) -> Result<DatasetView> {
        let result = self.update_inner(actor, uri, input).await;
        audit::record_failure(self.db, actor, "updateDataset", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_inner(&self, actor: &Actor, uri: &str, input: ModifyDataset) -> Result<DatasetView> {
        let current = authz::authorize::<perm::UpdateDataset>(self.db, actor, uri).await?;
        let expiry = input.expiry.resolve(current.expiry)?;
        // The bucket, key and Glue database never change; saying otherwise is refused only now,
        // after the check, so an outsider learns nothing from the refusal.
        // data.all's clients send back the `KmsAlias` they read: `SSE-S3` for a bucket without a key.
        if let Some(sent) = input.kms_alias.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            let unchanged = match current.kms_alias.as_deref() {
                None => sent == model::SSE_S3,
                Some(key) => model::kms_alias(sent).ok().as_deref() == Some(key),
            };
            if !unchanged {
                let now = current.kms_alias.as_deref().unwrap_or("SSE-S3, without a KMS key");
                return Err(Error::validation(
                    "KmsAlias",
                    format!("the dataset's key cannot change; it is {now}"),
                ));
            }
        }
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
            row.tags = Set(model::json_list(&validate::tags(Some(tags))?));
        }
        if let Some(topics) = &input.topics {
            row.topics = Set(model::json_list(&model::topics(topics)?));
        }
        if input.language.is_some() {
            row.language = Set(model::language(input.language.as_deref())?);
        }
        if let Some(email) = input.business_owner_email.as_deref() {
            row.business_owner_email = Set(Some(email.trim())
                .filter(|e| !e.is_empty())
                .map(|e| model::email("businessOwnerEmail", e))
                .transpose()?);
        }
        if let Some(emails) = &input.business_owner_delegation_emails {
            row.business_owner_delegation_emails =
                Set(model::json_list(&model::emails("businessOwnerDelegationEmails", emails)?));
        }
        if input.confidentiality.is_some() {
            row.confidentiality = Set(model::confidentiality(input.confidentiality.as_deref())?);
        }
        if let Some(auto) = input.auto_approval_enabled {
            row.auto_approval_enabled = Set(auto);
        }
        if expiry != current.expiry {
            row.enable_expiration = Set(expiry.is_some());
            row.expiry_setting = Set(expiry.map(|e| e.setting.as_str().to_owned()));
            row.expiry_min_duration = Set(expiry.map(|e| e.min));
            row.expiry_max_duration = Set(expiry.map(|e| e.max));
        }
        let new_stewards = match input.stewards.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(s) => Some(Some(validate::group("stewards", Some(s))?)),
        };
        self.write_update(&current, row, new_stewards, input.terms.as_deref()).await
    }

    async fn write_update(
        &self,
        current: &Authorized<Dataset, perm::UpdateDataset>,
        mut row: ds::ActiveModel,
        new_stewards: Option<Option<String>>,
        terms: Option<&[String]>,
    ) -> Result<DatasetView> {
        let uri = current.dataset_uri.as_str();
        let txn = crate::db::write_txn(self.db).await?;
        if let Some(stewards) = &new_stewards {
            if let Some(old) = current.stewards.as_deref().filter(|o| *o != current.saml_admin_group_name) {
                authz::policies::detach(&txn, old, uri).await?;
            }
            if let Some(new) = stewards.as_deref().filter(|n| *n != current.saml_admin_group_name) {
                authz::policies::attach(&txn, new, uri, sets::DATASET_STEWARDS).await?;
            }
            row.stewards = Set(stewards.clone());
        }
        let stops_expiring = current.expiry.is_some() && row.enable_expiration == Set(false);
        let updated = row.update(&txn).await?;
        if stops_expiring {
            crate::shares::stop_expiring(&txn, uri).await?;
        }
        if let Some(terms) = terms {
            glossaries::set_links(&txn, current, LinkTarget::Dataset, uri, terms).await?;
        }
        queue_index(&txn, uri, false).await?;
        audit::record(&txn, current.actor(), "updateDataset", uri, RESOURCE_TYPE, "updated").await?;
        txn.commit().await?;
        self.views_of(current.actor(), vec![updated], true)
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("an updated dataset has no view".into()))
    }

    /// Removes the dataset from Sluice; with `delete_from_aws`, a task deletes its stack too.
    pub async fn delete(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        let result = self.delete_inner(actor, uri, delete_from_aws).await;
        audit::record_failure(self.db, actor, "deleteDataset", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn delete_inner(&self, actor: &Actor, uri: &str, delete_from_aws: bool) -> Result<bool> {
        let dataset = authz::authorize::<perm::DeleteDataset>(self.db, actor, uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let active = crate::shares::active_shares(&txn, uri).await?;
        if !active.is_empty() {
            return Err(Error::InvalidState(format!(
                "dataset {uri} has {} share(s) holding grants ({}); revoke their items first",
                active.len(),
                active.join(", ")
            )));
        }
        for group in
            std::iter::once(dataset.saml_admin_group_name.as_str()).chain(dataset.stewards.as_deref())
        {
            authz::policies::detach(&txn, group, uri).await?;
        }
        if delete_from_aws && !dataset.imported {
            super::platform::queue_delete(&txn, &dataset, "dataset deleted").await?;
        } else {
            stack::Entity::delete_many().filter(stack::Column::TargetUri.eq(uri)).exec(&txn).await?;
        }
        crate::votes::forget(&txn, crate::votes::VoteTarget::Dataset, uri).await?;
        crate::feeds::forget_dataset(&txn, uri).await?;
        glossaries::forget_dataset(&txn, uri).await?;
        super::tables::filters::forget_dataset(&txn, uri).await?;
        ds::Entity::delete_by_id(uri.to_owned()).exec(&txn).await?;
        // After the row: an update of the tags holds it, and finishes first.
        crate::tags::forget(&txn, crate::tags::TagTarget::Dataset, uri).await?;
        queue_index(&txn, uri, true).await?;
        let ids = [("datasetUri", uri), ("environmentUri", dataset.environment_uri.as_str())];
        let event = crate::events::NewEvent::new(
            crate::events::EventType::DatasetDeleted,
            &dataset.organization_uri,
            (uri, RESOURCE_TYPE),
            &ids,
        );
        crate::events::record(&txn, dataset.actor(), event).await?;
        audit::record(
            &txn,
            dataset.actor(),
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

/// A list's order: the filter's sort, then label and URI, so pages are stable.
fn order_of(filter: &DatasetFilter) -> Vec<(ds::Column, Order)> {
    let mut order: Vec<(ds::Column, Order)> = filter
        .sort
        .iter()
        .map(|(field, direction)| {
            let column = match field {
                DatasetSort::Label => ds::Column::Label,
                DatasetSort::Created => ds::Column::Created,
                DatasetSort::Updated => ds::Column::Updated,
            };
            (column, if *direction == SortOrder::Asc { Order::Asc } else { Order::Desc })
        })
        .collect();
    order.extend([(ds::Column::Label, Order::Asc), (ds::Column::DatasetUri, Order::Asc)]);
    order
}

/// Datasets where the actor holds any of `roles`, as `Dataset::role_of` defines them.
fn role_condition(actor: &Actor, roles: &[UserRole]) -> Condition {
    let mut any = Condition::any();
    for role in roles {
        any = match role {
            UserRole::Creator => any.add(ds::Column::Owner.eq(actor.username())),
            UserRole::Admin => any.add(ds::Column::SamlAdminGroupName.is_in(actor.groups().iter().cloned())),
            UserRole::DataSteward => any.add(ds::Column::Stewards.is_in(actor.groups().iter().cloned())),
            // Business owners, shares and "no permission" are not stored roles of a dataset.
            UserRole::BusinessOwner | UserRole::Shared | UserRole::NoPermission => {
                any.add(Expr::value(false))
            }
        };
    }
    any
}

impl Datasets<'_> {
    /// Views for an environment's page: every row is the environment's, which its teams see
    /// whatever the catalog's visibility.
    async fn views_of_in(
        &self,
        actor: &Actor,
        rows: Vec<ds::Model>,
        all_readable: bool,
    ) -> Result<Vec<DatasetView>> {
        let open = Datasets { db: self.db, aws: self.aws, visibility: CatalogVisibility::Open };
        open.views_of(actor, rows, all_readable).await
    }
}
