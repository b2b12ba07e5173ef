//! What an account owner needs before linking: the account Sluice runs in, the pivot role's
//! name, and the organization's ExternalId.
//!
//! Each organization has its own ExternalId, and an account's pivot role trusts the
//! organizations whose ExternalIds it names: with one shared value, any organization could link
//! (and deploy into) another organization's account. Installations from before keep working:
//! an organization or environment stored without one reads the installation's former single
//! ExternalId, which stays in `platform_setting`, until an operator rotates it.

use std::sync::Arc;

use rand::{Rng, distributions::Alphanumeric};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
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

/// The organization's ExternalId. One stored without (from before the upgrade) gets the
/// installation's former one if there was one, so its linked accounts keep working, and a new
/// one otherwise; it is stored either way, so it never changes behind an account owner's back.
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
    let id = legacy_external_id(db).await?.unwrap_or_else(new_external_id);
    // Two first readers at once both write; the condition keeps whichever came first.
    org::Entity::update_many()
        .col_expr(org::Column::PivotExternalId, Expr::value(id))
        .filter(org::Column::OrganizationUri.eq(organization_uri))
        .filter(org::Column::PivotExternalId.is_null())
        .exec(db)
        .await?;
    Box::pin(organization_external_id(db, organization_uri)).await
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
