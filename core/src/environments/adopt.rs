//! Moving an environment linked before organizations had their own ExternalId onto its
//! organization's. The account owner first redeploys the pivot role from the organization's
//! template (whose trust requires the organization's ExternalId); then an admin of the
//! environment calls this, and Sluice reads the role's trust back before it switches, so an
//! environment never points at an ExternalId its role does not accept.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use sluice_entities::environment as env;

use super::{Environment, Environments, RESOURCE_TYPE, onboarding, trust};
use crate::{Actor, Result, audit, authz, authz::environment as perm};

impl Environments<'_> {
    /// Has Sluice assume the environment's pivot role with its organization's own ExternalId
    /// from now on. Needs UPDATE_ENVIRONMENT; refused, with nothing changed, unless the role's
    /// trust policy already requires that ExternalId. Repeating it changes nothing.
    pub async fn adopt_organization_external_id(&self, actor: &Actor, uri: &str) -> Result<Environment> {
        let target = (uri, RESOURCE_TYPE);
        audit::audited(self.db, actor, "adoptOrganizationExternalId", target, self.adopt_inner(actor, uri))
            .await
    }

    async fn adopt_inner(&self, actor: &Actor, uri: &str) -> Result<Environment> {
        let environment = authz::authorize::<perm::UpdateEnvironment>(self.db, actor, uri).await?;
        let aws = onboarding::require(self.aws)?;
        let own = onboarding::organization_external_id(self.db, &environment.organization_uri).await?;
        let current =
            env::Entity::find_by_id(uri.to_owned()).one(self.db).await?.and_then(|r| r.pivot_external_id);
        if current.as_deref() == Some(own.as_str()) {
            return Ok(environment.into_inner());
        }
        trust::verify_trust(aws, &environment.aws_account_id, &environment.region, &own).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let updated = env::ActiveModel {
            environment_uri: Set(uri.to_owned()),
            pivot_external_id: Set(Some(own)),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        audit::record(
            &txn,
            environment.actor(),
            "adoptOrganizationExternalId",
            uri,
            RESOURCE_TYPE,
            "Sluice now assumes the pivot role with the organization's own ExternalId",
        )
        .await?;
        txn.commit().await?;
        Environment::from_model(updated)
    }
}
