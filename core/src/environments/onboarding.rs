//! What an account owner needs before linking: the account Sluice runs in, the pivot role's
//! name, and the organization's ExternalId.
//!
//! Each organization has its own ExternalId, and an account's pivot role trusts the
//! organizations whose ExternalIds it names: with one shared value, any organization could link
//! (and deploy into) another organization's account.
//!
//! Installations from before keep working without letting that continue. An environment linked
//! before keeps the installation's former single ExternalId (still in `platform_setting`); an
//! organization from before gets its own new one like any other. The former one links a new
//! region only of an account where the same organization already has an environment on it, and
//! `adopt_organization_external_id` moves an environment to its organization's own once the
//! account owner has redeployed the pivot role (docs/UPGRADING.md).

use std::sync::Arc;

use rand::{Rng, distributions::Alphanumeric};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use sluice_entities::{environment as env, organization as org, platform_setting};

use super::link::{AccountLinker, AccountResources};
use crate::{Error, Result};

const EXTERNAL_ID_KEY: &str = "pivot_external_id";

/// How Sluice reaches linked accounts.
pub struct AwsSettings {
    /// The AWS account Sluice itself runs in; pivot roles trust it.
    pub trust_account_id: String,
    /// The pivot role's name in every linked account.
    pub pivot_role_name: String,
    pub linker: Arc<dyn AccountLinker>,
    /// Checks that the resources an import names exist.
    pub resources: Arc<dyn AccountResources>,
    /// Reads Lake Formation's grants, for the effective-access view.
    pub grants: Arc<dyn crate::access::GrantReader>,
    /// Vends teams' role credentials and links; `None` when an operator turned credential
    /// vending off (`SLUICE_CREDENTIAL_VENDING=false`).
    pub credentials: Option<Arc<dyn crate::credentials::CredentialVendor>>,
}

pub(crate) fn require(aws: &Option<Arc<AwsSettings>>) -> Result<&AwsSettings> {
    aws.as_deref().ok_or_else(|| Error::Internal("this process was started without AWS settings".into()))
}

/// A new ExternalId: 32 random letters and digits.
pub(crate) fn new_external_id() -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).map(char::from).take(32).collect()
}

/// The installation's single ExternalId from before organizations had their own, if it was ever
/// made.
pub(crate) async fn legacy_external_id(db: &impl ConnectionTrait) -> Result<Option<String>> {
    Ok(platform_setting::Entity::find_by_id(EXTERNAL_ID_KEY.to_owned()).one(db).await?.map(|s| s.value))
}

/// The organization's ExternalId, made and stored on first use (organizations from before the
/// upgrade too: never the installation's former one, which every organization then shared).
pub(crate) async fn organization_external_id(
    db: &impl ConnectionTrait,
    organization_uri: &str,
) -> Result<String> {
    let row = org::Entity::find_by_id(organization_uri.to_owned()).one(db).await?.ok_or_else(|| {
        Error::NotFound { kind: crate::organizations::RESOURCE_TYPE, uri: organization_uri.to_owned() }
    })?;
    if let Some(id) = row.pivot_external_id {
        return Ok(id);
    }
    let id = new_external_id();
    // Two first readers at once both write; the condition keeps whichever came first.
    org::Entity::update_many()
        .col_expr(org::Column::PivotExternalId, Expr::value(id))
        .filter(org::Column::OrganizationUri.eq(organization_uri))
        .filter(org::Column::PivotExternalId.is_null())
        .exec(db)
        .await?;
    Box::pin(organization_external_id(db, organization_uri)).await
}

/// The installation's former ExternalId, when this organization may still link `account` with
/// it: only where one of its environments already uses it. Its owner proved then that the
/// account is theirs; anyone else must be trusted under their organization's own ExternalId.
pub(crate) async fn legacy_external_id_for(
    db: &impl ConnectionTrait,
    organization_uri: &str,
    account: &str,
) -> Result<Option<String>> {
    let Some(legacy) = legacy_external_id(db).await? else { return Ok(None) };
    let linked = env::Entity::find()
        .filter(env::Column::OrganizationUri.eq(organization_uri))
        .filter(env::Column::AwsAccountId.eq(account))
        .filter(env::Column::PivotExternalId.is_null().or(env::Column::PivotExternalId.eq(legacy.as_str())))
        .one(db)
        .await?;
    Ok(linked.map(|_| legacy))
}

/// The ExternalId Sluice assumes an environment's pivot role with: the one it was linked with,
/// or for an environment linked before organizations had their own, the installation's former
/// one (its organization's, when there never was one).
pub(crate) async fn environment_external_id(
    db: &impl ConnectionTrait,
    environment: &env::Model,
) -> Result<String> {
    if let Some(id) = &environment.pivot_external_id {
        return Ok(id.clone());
    }
    match legacy_external_id(db).await? {
        Some(id) => Ok(id),
        None => organization_external_id(db, &environment.organization_uri).await,
    }
}
