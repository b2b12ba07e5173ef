//! Making a share request: who may ask, for whom, and for which items.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sluice_entities::{
    consumption_principal as cp, dataset_location as loc, dataset_table as tbl, environment_group as eg,
    share_item as si, share_object as so,
};

use super::{
    ITEM_RESOURCE_TYPE, ItemType, NewShare, PrincipalType, RESOURCE_TYPE, Share, ShareItem, Shares,
    access::ReadShare,
    model,
    state::{ItemStatus, ShareStatus},
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, environment as env_perm, sets, share as perm, tenant_grants::ManageShares},
    datasets::{self, Dataset, tables::IN_SYNC},
    error::OnConflict,
    organizations::validate,
    uri::new_uri,
};

/// The IAM role and display name grants go to.
struct Principal {
    name: String,
    role_arn: String,
}

impl Shares<'_> {
    /// Creates a Draft share, or returns the one the same dataset, environment and principal
    /// already have (`already_existed`); with an item, adds it. Needs MANAGE_SHARES, membership
    /// of `groupUri`, and CREATE_SHARE_OBJECT for that team on the target environment.
    pub async fn create(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        item: Option<(&str, &str)>,
        input: NewShare,
    ) -> Result<Share> {
        let result = self.create_inner(actor, dataset_uri, item, input).await;
        audit::record_failure(
            self.db,
            actor,
            "createShareObject",
            dataset_uri,
            datasets::RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn create_inner(
        &self,
        actor: &Actor,
        dataset_uri: &str,
        item: Option<(&str, &str)>,
        input: NewShare,
    ) -> Result<Share> {
        authz::authorize_tenant::<ManageShares>(self.db, actor).await?;
        let group = validate::group("groupUri", Some(&input.group_uri))?;
        validate::require_membership(actor, "groupUri", &group)?;
        let env_uri = input.environment_uri.trim().to_owned();
        authz::authorize_for_team::<env_perm::CreateShareObject>(self.db, actor, &group, &env_uri).await?;
        // A dataset is requested from its catalog entry; one the catalog hides is refused alike.
        datasets::Datasets { db: self.db, aws: &None, visibility: self.visibility }
            .get(actor, dataset_uri)
            .await?;
        let dataset = self.dataset(dataset_uri).await?;
        let principal_type = PrincipalType::parse(input.principal_type.trim())?;
        let principal_id = input.principal_id.trim().to_owned();
        if dataset.environment_uri == env_uri
            && principal_type == PrincipalType::Group
            && principal_id == dataset.saml_admin_group_name
        {
            return Err(Error::validation(
                "principalId",
                format!(
                    "{principal_id} administers this dataset in this environment already; nothing to share"
                ),
            ));
        }
        let permissions = model::permissions(&input.permissions, &self.allowed_permissions)?;
        let request_purpose = model::purpose("requestPurpose", input.request_purpose.as_deref())?;
        let requested =
            super::expiry::requested(&dataset, input.share_expiration_period, input.non_expirable)?;
        // The principal is checked before anything is looked up for it: a share of someone
        // else's principal is neither found nor returned.
        let principal = self.principal(&env_uri, &group, principal_type, &principal_id).await?;

        let existing = so::Entity::find()
            .filter(so::Column::DatasetUri.eq(dataset_uri))
            .filter(so::Column::EnvironmentUri.eq(&env_uri))
            .filter(so::Column::PrincipalType.eq(principal_type.as_str()))
            .filter(so::Column::PrincipalId.eq(&principal_id))
            .one(self.db)
            .await?;
        if let Some(row) = existing {
            let mut share = self.authorize::<ReadShare>(actor, &row.share_uri).await?.into_inner();
            share.already_existed = true;
            if let Some((item_uri, item_type)) = item {
                self.add_item(actor, &share.share_uri, item_uri, item_type).await?;
            }
            return Ok(share);
        }

        let now = chrono::Utc::now();
        let uri = new_uri();
        let txn = crate::db::write_txn(self.db).await?;
        let row = so::ActiveModel {
            share_uri: Set(uri.clone()),
            dataset_uri: Set(dataset_uri.to_owned()),
            dataset_environment_uri: Set(dataset.environment_uri.clone()),
            environment_uri: Set(env_uri.clone()),
            group_uri: Set(group.clone()),
            principal_id: Set(principal_id),
            principal_type: Set(principal_type.as_str().to_owned()),
            principal_name: Set(principal.name),
            principal_role_arn: Set(principal.role_arn),
            owner: Set(actor.username().to_owned()),
            status: Set(ShareStatus::Draft.as_str().to_owned()),
            request_purpose: Set(request_purpose),
            reject_purpose: Set(None),
            permissions: Set(serde_json::json!(permissions).to_string()),
            created: Set(now),
            updated: Set(now),
            requested_expiry_date: Set(requested.date),
            share_expiration_period: Set(requested.period),
            non_expirable: Set(requested.non_expirable),
            expiry_date: Set(None),
            submitted_for_extension: Set(false),
            extension_reason: Set(None),
            last_extension_date: Set(None),
            expiry_warned_for: Set(None),
        }
        .insert(&txn)
        .await
        // Two identical requests at once: the loser finds the winner's share next time.
        .on_conflict(|| {
            Error::Conflict("an identical share request was just made; ask again to get it".into())
        })?;
        authz::policies::attach(&txn, &group, &uri, sets::SHARE_REQUESTER).await?;
        if let Some((item_uri, item_type)) = item {
            insert_item(&txn, &dataset, &uri, item_uri, item_type).await?;
        }
        audit::record(
            &txn,
            actor,
            "createShareObject",
            &uri,
            RESOURCE_TYPE,
            &format!("of {dataset_uri} for {group}"),
        )
        .await?;
        txn.commit().await?;
        Share::from_model(row)
    }

    async fn principal(
        &self,
        env_uri: &str,
        group: &str,
        principal_type: PrincipalType,
        principal_id: &str,
    ) -> Result<Principal> {
        match principal_type {
            PrincipalType::Group => {
                if principal_id != group {
                    return Err(Error::validation(
                        "principalId",
                        format!(
                            "a Group share goes to the requesting team {group}; principalId must be {group}"
                        ),
                    ));
                }
                let team = eg::Entity::find_by_id((env_uri.to_owned(), group.to_owned()))
                    .one(self.db)
                    .await?
                    .ok_or_else(|| {
                        Error::validation("groupUri", format!("{group} is not a team of {env_uri}"))
                    })?;
                Ok(Principal { name: group.to_owned(), role_arn: team.role_arn })
            }
            PrincipalType::ConsumptionRole => {
                let role = cp::Entity::find_by_id(principal_id.to_owned())
                    .one(self.db)
                    .await?
                    .filter(|r| r.environment_uri == env_uri && r.group_uri == group);
                let role = role.ok_or_else(|| {
                    Error::validation(
                        "principalId",
                        format!(
                            "{principal_id} is not a consumption role of {group} in environment {env_uri}"
                        ),
                    )
                })?;
                Ok(Principal { name: role.name, role_arn: role.principal_arn })
            }
        }
    }

    /// Adds a table, folder or the bucket of the share's dataset. Needs ADD_SHARE_ITEM.
    pub async fn add_item(
        &self,
        actor: &Actor,
        share_uri: &str,
        item_uri: &str,
        item_type: &str,
    ) -> Result<ShareItem> {
        let result = async {
            let share = self.authorize::<perm::AddShareItem>(actor, share_uri).await?;
            let dataset = self.dataset(&share.dataset_uri).await?;
            let txn = crate::db::write_txn(self.db).await?;
            // Adding to a processed or revoked share reopens it as a draft.
            super::flow::move_share(&txn, &share, super::state::ShareAction::AddItem).await?;
            let item = insert_item(&txn, &dataset, share_uri, item_uri, item_type).await?;
            audit::record(
                &txn,
                share.actor(),
                "addSharedItem",
                &item.share_item_uri,
                ITEM_RESOURCE_TYPE,
                item_uri,
            )
            .await?;
            txn.commit().await?;
            Ok(item)
        }
        .await;
        audit::record_failure(self.db, actor, "addSharedItem", share_uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// Removes an item that holds no grants. Needs REMOVE_SHARE_ITEM.
    pub async fn remove_item(&self, actor: &Actor, share_item_uri: &str) -> Result<bool> {
        let target = (share_item_uri, ITEM_RESOURCE_TYPE);
        audit::audited(
            self.db,
            actor,
            "removeSharedItem",
            target,
            self.remove_item_inner(actor, share_item_uri),
        )
        .await
    }

    async fn remove_item_inner(&self, actor: &Actor, share_item_uri: &str) -> Result<bool> {
        let item = self.load_item(share_item_uri).await?;
        let share = self.authorize::<perm::RemoveShareItem>(actor, &item.share_uri).await?;
        let status = ItemStatus::parse(&item.status).ok_or_else(|| {
            Error::Internal(format!("share item {share_item_uri} is {}", item.status).into())
        })?;
        if !status.is_removable() {
            return Err(Error::InvalidState(format!(
                "item {} is {}; revoke it before removing it from the share",
                item.item_name, item.status
            )));
        }
        let txn = crate::db::write_txn(self.db).await?;
        let gone = si::Entity::delete_many()
            .filter(si::Column::ShareItemUri.eq(share_item_uri))
            .filter(si::Column::Status.eq(&item.status))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 0 {
            return Err(Error::Conflict(format!("item {share_item_uri} changed meanwhile; read it again")));
        }
        super::item_filters::forget_item(&txn, &item).await?;
        audit::record_in(
            &txn,
            share.actor(),
            "removeSharedItem",
            (share_item_uri, ITEM_RESOURCE_TYPE),
            audit::Scope::share(&item.share_uri),
            &item.item_name,
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    pub(crate) async fn dataset(&self, dataset_uri: &str) -> Result<Dataset> {
        datasets::Datasets { db: self.db, aws: &None, visibility: self.visibility }.load(dataset_uri).await
    }
}

/// Inserts a PendingApproval item after checking it belongs to the dataset.
async fn insert_item(
    db: &impl ConnectionTrait,
    dataset: &Dataset,
    share_uri: &str,
    item_uri: &str,
    item_type: &str,
) -> Result<ShareItem> {
    let item_type = ItemType::parse(item_type.trim())?;
    let not_in = || {
        Error::validation(
            "itemUri",
            format!("{item_uri} is not a {} of dataset {}", item_type.as_str(), dataset.label),
        )
    };
    let name = match item_type {
        ItemType::Table => {
            let table = tbl::Entity::find_by_id(item_uri.to_owned())
                .one(db)
                .await?
                .filter(|t| t.dataset_uri == dataset.dataset_uri)
                .ok_or_else(not_in)?;
            if table.last_glue_table_status != IN_SYNC {
                return Err(Error::validation(
                    "itemUri",
                    format!("table {} is no longer in Glue; sync the dataset's tables", table.name),
                ));
            }
            table.name
        }
        ItemType::StorageLocation => {
            let folder = loc::Entity::find_by_id(item_uri.to_owned())
                .one(db)
                .await?
                .filter(|f| f.dataset_uri == dataset.dataset_uri)
                .ok_or_else(not_in)?;
            folder.s3_prefix
        }
        // The bucket is named by its dataset's URI (or the bucket's own name).
        ItemType::S3Bucket => {
            if item_uri != dataset.dataset_uri && item_uri != dataset.bucket_name {
                return Err(not_in());
            }
            dataset.bucket_name.clone()
        }
    };
    let item_uri = if item_type == ItemType::S3Bucket { dataset.dataset_uri.as_str() } else { item_uri };
    let now = chrono::Utc::now();
    let row = si::ActiveModel {
        share_item_uri: Set(new_uri()),
        share_uri: Set(share_uri.to_owned()),
        item_uri: Set(item_uri.to_owned()),
        item_type: Set(item_type.as_str().to_owned()),
        item_name: Set(name.clone()),
        status: Set(ItemStatus::PendingApproval.as_str().to_owned()),
        health_status: Set(None),
        health_message: Set(None),
        last_verification_time: Set(None),
        attached_data_filter_uri: Set(None),
        created: Set(now),
        updated: Set(now),
    }
    .insert(db)
    .await
    .on_conflict(|| Error::Conflict(format!("{name} is in the share already")))?;
    Ok(row.into())
}
