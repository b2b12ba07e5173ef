//! Folders: named S3 prefixes of a dataset's bucket, which shares can later grant. Creating one
//! puts its prefix in S3 through the pivot role first, so a folder Sluice lists exists. Deleting
//! one leaves the objects under it alone.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use sluice_entities::dataset_location as loc;

use super::{Dataset, Datasets, RESOURCE_TYPE, model};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, Authorized, Grant, dataset as perm},
    environments::{LinkError, onboarding},
    error::OnConflict,
    glossaries::{self, LinkTarget},
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    tasks::{NewTask, store},
    uri::new_uri,
};

pub const FOLDER_RESOURCE_TYPE: &str = "dataset_location";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFolder {
    pub location_uri: String,
    pub dataset_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub owner: String,
    /// Without leading or trailing `/`.
    pub s3_prefix: String,
    pub location_created: bool,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl DatasetFolder {
    pub(crate) fn from_model(m: loc::Model) -> Result<Self> {
        Ok(Self {
            tags: serde_json::from_str(&m.tags).map_err(|e| Error::Internal(Box::new(e)))?,
            location_uri: m.location_uri,
            dataset_uri: m.dataset_uri,
            label: m.label,
            name: m.name,
            description: m.description,
            owner: m.owner,
            s3_prefix: m.s3_prefix,
            location_created: m.location_created,
            created: m.created,
            updated: m.updated,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewFolder {
    pub label: String,
    pub prefix: String,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Glossary term URIs to link to the new folder.
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ModifyFolder {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Glossary term URIs: the folder's terms become these. None leaves them.
    pub terms: Option<Vec<String>>,
}

/// An S3 key prefix Sluice will make a folder of: trimmed of `/`, at most 1,000 characters, no
/// empty or relative segments, no control characters. A folder's prefix is written into bucket
/// and key policies when it is shared, so IAM's wildcards (`*`, `?`) and policy variables
/// (`${…}`) are refused: a folder `*` would share every object of the bucket.
pub(crate) fn prefix(value: &str) -> Result<String> {
    let p = value.trim().trim_matches('/');
    let bad = |why: &str| Error::validation("prefix", format!("{value:?} is not a folder prefix: {why}"));
    if p.is_empty() {
        return Err(bad("it is empty"));
    }
    if p.len() > 1000 {
        return Err(bad("at most 1,000 characters"));
    }
    if p.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return Err(bad("no empty, '.' or '..' segments"));
    }
    if p.chars().any(|c| c.is_control() || c == '\\' || crate::organizations::validate::is_bidi_control(c)) {
        return Err(bad("no control characters, direction overrides or backslashes"));
    }
    if p.contains(['*', '?']) || p.contains("${") {
        return Err(bad("no '*', '?' or '${', which IAM policies would read as wildcards or variables"));
    }
    Ok(p.to_owned())
}

/// The folder's catalog task, in the caller's transaction; ordered with its dataset's.
async fn queue_index(
    db: &impl sea_orm::ConnectionTrait,
    folder: &DatasetFolder,
    deleted: bool,
) -> Result<()> {
    store::enqueue(
        db,
        NewTask {
            action: super::INDEX_ACTION.into(),
            target_uri: folder.dataset_uri.clone(),
            target_type: RESOURCE_TYPE.into(),
            payload: json!({"kind": "folder", "uri": folder.location_uri, "deleted": deleted}),
        },
    )
    .await?;
    Ok(())
}

impl Datasets<'_> {
    /// A folder's catalog entry, for everyone who may find its dataset.
    pub async fn get_folder(&self, actor: &Actor, location_uri: &str) -> Result<DatasetFolder> {
        let found = loc::Entity::find_by_id(location_uri.to_owned())
            .one(self.db)
            .await?
            .map(DatasetFolder::from_model)
            .transpose()?
            .map(|folder| {
                let dataset_uri = folder.dataset_uri.clone();
                (folder, dataset_uri)
            });
        self.findable_part(actor, FOLDER_RESOURCE_TYPE, location_uri, found).await
    }

    /// The folder and the proof that the actor holds `P` on its dataset. A folder the actor
    /// may not find is refused as `get_folder` refuses it, before `P` is asked for.
    async fn authorize_folder<P: Grant<On = Dataset>>(
        &self,
        actor: &Actor,
        location_uri: &str,
    ) -> Result<(Authorized<Dataset, P>, DatasetFolder)> {
        let folder = self.get_folder(actor, location_uri).await?;
        let dataset = authz::authorize::<P>(self.db, actor, &folder.dataset_uri).await?;
        Ok((dataset, folder))
    }

    pub async fn list_folders(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetFolder>> {
        self.require_findable(actor, dataset_uri).await?;
        self.folder_page(dataset_uri, term, page).await
    }

    /// The folders of a dataset the caller holds the view of.
    pub async fn folders_of(
        &self,
        dataset: &super::DatasetView,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetFolder>> {
        self.folder_page(&dataset.entry().dataset_uri, term, page).await
    }

    async fn folder_page(
        &self,
        dataset_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<DatasetFolder>> {
        let mut query = loc::Entity::find().filter(loc::Column::DatasetUri.eq(dataset_uri));
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [loc::Column::Label, loc::Column::S3Prefix, loc::Column::Description];
            query = query.filter(contains_any(term, columns.map(|c| (loc::Entity, c))));
        }
        page::fetch(self.db, query.order_by_asc(loc::Column::S3Prefix), page)
            .await?
            .try_map(DatasetFolder::from_model)
    }

    /// Creates the prefix in the dataset's bucket, then the folder. Needs CREATE_DATASET_FOLDER.
    pub async fn create_folder(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        input: NewFolder,
    ) -> Result<DatasetFolder> {
        let result = self.create_folder_inner(actor, dataset_uri, input).await;
        audit::record_failure(
            self.db,
            actor,
            "createDatasetStorageLocation",
            dataset_uri,
            RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn create_folder_inner(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        input: NewFolder,
    ) -> Result<DatasetFolder> {
        let dataset = authz::authorize::<perm::CreateDatasetFolder>(self.db, actor, dataset_uri).await?;
        let label = validate::label(Some(&input.label))?;
        let s3_prefix = prefix(&input.prefix)?;
        let description = validate::description(input.description.as_deref())?;
        let tags = validate::tags(input.tags.as_deref())?;
        glossaries::check_terms(self.db, &input.terms).await?;
        let taken = loc::Entity::find()
            .filter(loc::Column::DatasetUri.eq(dataset_uri))
            .filter(loc::Column::S3Prefix.eq(&s3_prefix))
            .count(self.db)
            .await?;
        let conflict =
            || Error::Conflict(format!("dataset {dataset_uri} already has a folder on {s3_prefix}"));
        if taken > 0 {
            return Err(conflict());
        }
        self.put_prefix(&dataset.environment_uri, &dataset.bucket_name, &s3_prefix).await?;
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        let row = loc::ActiveModel {
            location_uri: Set(new_uri()),
            dataset_uri: Set(dataset_uri.to_owned()),
            name: Set(s3_prefix.clone()),
            label: Set(label),
            description: Set(description),
            tags: Set(model::json_list(&tags)),
            owner: Set(dataset.actor().username().to_owned()),
            s3_prefix: Set(s3_prefix.clone()),
            location_created: Set(true),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(conflict)?;
        let folder = DatasetFolder::from_model(row)?;
        if !input.terms.is_empty() {
            glossaries::set_links(&txn, &dataset, LinkTarget::Folder, &folder.location_uri, &input.terms)
                .await?;
        }
        queue_index(&txn, &folder, false).await?;
        let detail = format!("s3://{}/{}/", dataset.bucket_name, folder.s3_prefix);
        audit::record(
            &txn,
            dataset.actor(),
            "createDatasetStorageLocation",
            &folder.location_uri,
            FOLDER_RESOURCE_TYPE,
            &detail,
        )
        .await?;
        txn.commit().await?;
        Ok(folder)
    }

    async fn put_prefix(&self, environment_uri: &str, bucket: &str, s3_prefix: &str) -> Result<()> {
        let (_, pivot) = crate::environments::platform::with_pivot(self.db, environment_uri).await?;
        let aws = onboarding::require(self.aws)?;
        aws.resources.create_prefix(&pivot, bucket, s3_prefix).await.map_err(|e| match e {
            LinkError::Refused(reason) => Error::InvalidState(format!("{reason}; no folder was created")),
            LinkError::Unreachable(_) => {
                Error::InvalidState(format!("{e}; no folder was created, try again in a moment"))
            }
        })
    }

    /// Needs CREATE_DATASET_FOLDER on the folder's dataset. The prefix never changes.
    pub async fn update_folder(
        &self,
        actor: &Actor,
        location_uri: &str,
        input: ModifyFolder,
    ) -> Result<DatasetFolder> {
        let target = (location_uri, FOLDER_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "updateDatasetStorageLocation",
            target,
            self.update_folder_inner(actor, location_uri, input),
        )
        .await
    }

    async fn update_folder_inner(
        &self,
        actor: &Actor,
        location_uri: &str,
        input: ModifyFolder,
    ) -> Result<DatasetFolder> {
        let (dataset, _) = self.authorize_folder::<perm::CreateDatasetFolder>(actor, location_uri).await?;
        let mut row = loc::ActiveModel {
            location_uri: Set(location_uri.to_owned()),
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
        let txn = crate::db::write_txn(self.db).await?;
        let updated = DatasetFolder::from_model(row.update(&txn).await?)?;
        if let Some(terms) = &input.terms {
            glossaries::set_links(&txn, &dataset, LinkTarget::Folder, location_uri, terms).await?;
        }
        queue_index(&txn, &updated, false).await?;
        audit::record(
            &txn,
            dataset.actor(),
            "updateDatasetStorageLocation",
            location_uri,
            FOLDER_RESOURCE_TYPE,
            "updated",
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Removes the folder from Sluice; its objects stay in S3. Refused while a share holds it.
    /// Needs CREATE_DATASET_FOLDER.
    pub async fn delete_folder(&self, actor: &Actor, location_uri: &str) -> Result<bool> {
        let target = (location_uri, FOLDER_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "deleteDatasetStorageLocation",
            target,
            self.delete_folder_inner(actor, location_uri),
        )
        .await
    }

    async fn delete_folder_inner(&self, actor: &Actor, location_uri: &str) -> Result<bool> {
        let (dataset, folder) =
            self.authorize_folder::<perm::CreateDatasetFolder>(actor, location_uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        crate::shares::refuse_if_held(&txn, "folder", &folder.s3_prefix, location_uri).await?;
        crate::feeds::forget(&txn, crate::feeds::FeedTarget::Folder, location_uri).await?;
        glossaries::forget_target(&txn, location_uri).await?;
        loc::Entity::delete_by_id(location_uri.to_owned()).exec(&txn).await?;
        queue_index(&txn, &folder, true).await?;
        audit::record_in(
            &txn,
            dataset.actor(),
            "deleteDatasetStorageLocation",
            (location_uri, FOLDER_RESOURCE_TYPE),
            audit::Scope::dataset(&folder.dataset_uri),
            &folder.s3_prefix,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::prefix;

    #[test]
    fn prefixes_are_trimmed_and_checked() {
        assert_eq!(prefix(" /raw/orders/ ").expect("valid"), "raw/orders");
        for bad in [
            "",
            "/",
            "a//b",
            "a/../b",
            "./a",
            "a\\b",
            "a\u{0}b",
            "*",
            "raw/*",
            "a?b",
            "${aws:username}",
            "a\u{202e}b",
        ] {
            assert!(prefix(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(prefix(&"a".repeat(1001)).is_err());
    }
}
