//! The rest of data.all's consumption-principal operations: changing one, listing a caller's
//! across environments, and the IAM policies Sluice writes on a principal's role.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use sluice_entities::{
    consumption_principal as cp, environment, environment_group as eg, share_item, share_object,
};

use super::{ConsumptionPrincipal, Environments, RESOURCE_TYPE, consumption::POLICY_MANAGEMENT};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, environment as perm},
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    shares::{ItemStatus, ItemType, PrincipalType},
};

/// What `updateConsumptionPrincipal` may change; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ConsumptionPrincipalChange {
    pub name: Option<String>,
    /// A team of the environment that the caller is in.
    pub group_uri: Option<String>,
    pub policy_management: String,
}

/// The kind of principal `getConsumptionPrincipalPolicies` is asked about, in data.all's
/// spelling (`PrincipalType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamPrincipalKind {
    /// A team's role in the environment (`Group`).
    TeamRole,
    /// A consumption role (`ConsumptionRole`).
    ConsumptionRole,
}

impl IamPrincipalKind {
    pub fn parse(value: &str) -> Result<Self> {
        match PrincipalType::parse(value).map_err(|_| {
            Error::validation("IAMPrincipalType", format!("{value:?}: use Group or ConsumptionRole"))
        })? {
            PrincipalType::Group => Ok(Self::TeamRole),
            PrincipalType::ConsumptionRole => Ok(Self::ConsumptionRole),
        }
    }
}

/// An IAM policy Sluice writes on a principal's role: an inline role policy per share that
/// reaches folders or a bucket of another account through the role (`sluice-share-<shareUri>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalPolicy {
    pub policy_name: String,
    /// data.all's policy type: always `SharePolicy`.
    pub policy_type: &'static str,
    /// Whether Sluice has written it, as its share items record: one of the share's folder or
    /// bucket items is shared, or being revoked.
    pub exists: bool,
}

/// The item states in which a folder or bucket item's role policy is in place.
const POLICY_IN_PLACE: [ItemStatus; 4] = [
    ItemStatus::ShareSucceeded,
    ItemStatus::RevokeApproved,
    ItemStatus::RevokeInProgress,
    ItemStatus::RevokeFailed,
];

impl Environments<'_> {
    /// Renames a consumption principal, moves it to another of the environment's teams, or
    /// changes who manages its policies. Needs ADD_ENVIRONMENT_CONSUMPTION_ROLES (what adding and
    /// removing one need), membership of the team that owns it and of the team it moves to. A
    /// principal that shares go to keeps its team: those shares were requested by that team.
    pub async fn update_consumption_principal(
        &self,
        actor: &Actor,
        env_uri: &str,
        uri: &str,
        change: Option<ConsumptionPrincipalChange>,
    ) -> Result<ConsumptionPrincipal> {
        let result = self.update_consumption_inner(actor, env_uri, uri, change).await;
        audit::record_failure_in(
            self.db,
            actor,
            "updateConsumptionPrincipal",
            (env_uri, RESOURCE_TYPE),
            audit::Scope::consumption(env_uri),
            &result,
        )
        .await;
        result
    }

    async fn update_consumption_inner(
        &self,
        actor: &Actor,
        env_uri: &str,
        uri: &str,
        change: Option<ConsumptionPrincipalChange>,
    ) -> Result<ConsumptionPrincipal> {
        authz::authorize::<perm::AddEnvironmentConsumptionRoles>(self.db, actor, env_uri).await?;
        let change =
            change.ok_or_else(|| Error::validation("input", "is required: at least dataallManaged"))?;
        let principal = cp::Entity::find_by_id(uri.to_owned())
            .one(self.db)
            .await?
            .filter(|p| p.environment_uri == env_uri)
            .ok_or_else(|| Error::NotFound { kind: "consumption principal", uri: uri.to_owned() })?;
        validate::require_membership(actor, "consumptionPrincipalUri", &principal.group_uri)?;
        let mut row = cp::ActiveModel {
            consumption_principal_uri: Set(uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let mut changed = Vec::new();
        if let Some(name) = change.name.as_deref().filter(|n| !n.trim().is_empty()) {
            let name = validate::label(Some(name))
                .map_err(|_| Error::validation("consumptionPrincipalName", "at most 255 characters"))?;
            changed.push(format!("name {name}"));
            row.name = Set(name);
        }
        let group = change.group_uri.as_deref().map(str::trim).filter(|g| !g.is_empty());
        if let Some(group) = group.filter(|g| *g != principal.group_uri) {
            if eg::Entity::find_by_id((env_uri.to_owned(), group.to_owned())).one(self.db).await?.is_none() {
                return Err(Error::validation(
                    "groupUri",
                    format!("{group} is not a team of environment {env_uri}; invite it first"),
                ));
            }
            validate::require_membership(actor, "groupUri", group)?;
            let shares = shares_to(self.db, uri).await?;
            if shares > 0 {
                return Err(Error::InvalidState(format!(
                    "{shares} share(s) of team {} go to this role; delete them before it changes team",
                    principal.group_uri
                )));
            }
            changed.push(format!("team {} to {group}", principal.group_uri));
            row.group_uri = Set(group.to_owned());
        }
        let management =
            POLICY_MANAGEMENT.iter().find(|m| **m == change.policy_management).ok_or_else(|| {
                Error::validation("dataallManaged", format!("use one of {}", POLICY_MANAGEMENT.join(", ")))
            })?;
        if *management != principal.policy_management {
            changed.push(format!("policies {management}"));
        }
        row.policy_management = Set((*management).to_owned());
        let txn = crate::db::write_txn(self.db).await?;
        let updated = row.update(&txn).await?;
        audit::record_in(
            &txn,
            actor,
            "updateConsumptionPrincipal",
            (env_uri, RESOURCE_TYPE),
            audit::Scope::consumption(env_uri),
            &format!(
                "{}: {}",
                principal.principal_arn,
                if changed.is_empty() { "unchanged".into() } else { changed.join(", ") }
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(updated.into())
    }

    /// The consumption principals of the caller's teams, in every environment where one of
    /// their teams may list consumption roles (LIST_ENVIRONMENT_CONSUMPTION_ROLES), as data.all
    /// lists a user's. `group` keeps one team's; `term` matches names.
    pub async fn list_all_consumption_principals(
        &self,
        actor: &Actor,
        group: Option<&str>,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<ConsumptionPrincipal>> {
        let mut query = cp::Entity::find()
            .filter(cp::Column::GroupUri.is_in(actor.groups().iter().cloned()))
            .filter(cp::Column::EnvironmentUri.in_subquery(authz::granted(
                authz::EnvironmentPermission::ListEnvironmentConsumptionRoles,
                actor,
            )));
        if let Some(group) = group.map(str::trim).filter(|g| !g.is_empty()) {
            query = query.filter(cp::Column::GroupUri.eq(group));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(cp::Entity, cp::Column::Name)]));
        }
        let query = query.order_by_asc(cp::Column::Name).order_by_asc(cp::Column::ConsumptionPrincipalUri);
        Ok(page::fetch(self.db, query, page).await?.map(Into::into))
    }

    /// The policies Sluice writes on the role named `principal_name` of the environment (a
    /// team's role, or a consumption role), one per share to it that needs one. Needs
    /// LIST_ENVIRONMENT_CONSUMPTION_ROLES; the role must be the environment's.
    pub async fn principal_policies(
        &self,
        actor: &Actor,
        env_uri: &str,
        principal_name: &str,
        kind: &str,
    ) -> Result<Vec<PrincipalPolicy>> {
        let target =
            authz::authorize::<perm::ListEnvironmentConsumptionRoles>(self.db, actor, env_uri).await?;
        let kind = IamPrincipalKind::parse(kind)?;
        let name = principal_name.trim();
        let principal_ids: Vec<String> = match kind {
            IamPrincipalKind::TeamRole => eg::Entity::find()
                .filter(eg::Column::EnvironmentUri.eq(env_uri))
                .filter(eg::Column::RoleName.eq(name))
                .all(self.db)
                .await?
                .into_iter()
                .map(|g| g.group_uri)
                .collect(),
            IamPrincipalKind::ConsumptionRole => cp::Entity::find()
                .filter(cp::Column::EnvironmentUri.eq(env_uri))
                .filter(cp::Column::PrincipalName.eq(name))
                .all(self.db)
                .await?
                .into_iter()
                .map(|p| p.consumption_principal_uri)
                .collect(),
        };
        if principal_ids.is_empty() {
            return Err(Error::validation(
                "IAMPrincipalName",
                format!("{name} is not a role of environment {env_uri} of that type"),
            ));
        }
        let principal_type = match kind {
            IamPrincipalKind::TeamRole => PrincipalType::Group,
            IamPrincipalKind::ConsumptionRole => PrincipalType::ConsumptionRole,
        };
        let shares = share_object::Entity::find()
            .filter(share_object::Column::EnvironmentUri.eq(env_uri))
            .filter(share_object::Column::PrincipalType.eq(principal_type.as_str()))
            .filter(share_object::Column::PrincipalId.is_in(principal_ids))
            .order_by_asc(share_object::Column::ShareUri)
            .all(self.db)
            .await?;
        if shares.is_empty() {
            return Ok(Vec::new());
        }
        // A role policy is written only when the data comes from another account.
        let source_accounts: HashMap<String, String> = environment::Entity::find()
            .filter(
                environment::Column::EnvironmentUri
                    .is_in(shares.iter().map(|s| s.dataset_environment_uri.clone())),
            )
            .all(self.db)
            .await?
            .into_iter()
            .map(|e| (e.environment_uri, e.aws_account_id))
            .collect();
        let shares: Vec<_> = shares
            .into_iter()
            .filter(|s| {
                source_accounts.get(&s.dataset_environment_uri).is_some_and(|a| *a != target.aws_account_id)
            })
            .collect();
        let items = share_item::Entity::find()
            .filter(share_item::Column::ShareUri.is_in(shares.iter().map(|s| s.share_uri.clone())))
            .filter(
                share_item::Column::ItemType
                    .is_in([ItemType::StorageLocation.as_str(), ItemType::S3Bucket.as_str()]),
            )
            .all(self.db)
            .await?;
        Ok(shares
            .into_iter()
            .filter_map(|share| {
                let mut s3_items = items.iter().filter(|i| i.share_uri == share.share_uri).peekable();
                s3_items.peek()?;
                let exists = s3_items.any(|i| POLICY_IN_PLACE.iter().any(|state| state.as_str() == i.status));
                Some(PrincipalPolicy {
                    policy_name: format!("sluice-share-{}", share.share_uri),
                    policy_type: "SharePolicy",
                    exists,
                })
            })
            .collect())
    }
}

/// How many shares go to consumption principal `uri`, whatever their state: each was asked for
/// by the principal's team, and its grants (or a later approval's) land on the role.
pub(super) async fn shares_to(db: &impl sea_orm::ConnectionTrait, uri: &str) -> Result<u64> {
    Ok(share_object::Entity::find()
        .filter(share_object::Column::PrincipalType.eq(PrincipalType::ConsumptionRole.as_str()))
        .filter(share_object::Column::PrincipalId.eq(uri))
        .count(db)
        .await?)
}
