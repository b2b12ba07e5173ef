//! What an account owner needs before linking: the account Sluice runs in, the pivot role's
//! name, and the tenant's ExternalId, which is generated once and kept in the database.

use std::sync::Arc;

use rand::{Rng, distributions::Alphanumeric};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, sea_query::OnConflict};
use sluice_entities::platform_setting;

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

/// The tenant's ExternalId: created on first use, the same ever after.
pub(crate) async fn external_id(db: &DatabaseConnection) -> Result<String> {
    let fresh: String = rand::thread_rng().sample_iter(&Alphanumeric).map(char::from).take(32).collect();
    platform_setting::Entity::insert(platform_setting::ActiveModel {
        key: Set(EXTERNAL_ID_KEY.to_owned()),
        value: Set(fresh),
    })
    .on_conflict(OnConflict::column(platform_setting::Column::Key).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    platform_setting::Entity::find_by_id(EXTERNAL_ID_KEY.to_owned())
        .one(db)
        .await?
        .map(|s| s.value)
        .ok_or_else(|| Error::Internal("the ExternalId setting vanished".into()))
}
