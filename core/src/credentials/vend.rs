//! The vending operations: who may have which role, and the trail each vend leaves.

use sea_orm::EntityTrait;
use sluice_entities::environment_group as eg;

use super::{CredentialVendor, Credentials, RoleCredentials, UPLOAD_LINK_SECONDS, VENDING_OFF, session_name};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, dataset as dperm, environment as eperm, tenant_grants},
    datasets::{self, Dataset},
    environments::{self, Environment, LinkError, PivotRole, onboarding, platform},
    error::Denied,
};

/// What one vend is for: the role, where it lives, and the team it goes to.
struct Target {
    pivot: PivotRole,
    role_arn: String,
    team: String,
}

fn aws_error(e: LinkError) -> Error {
    match e {
        LinkError::Refused(reason) => Error::InvalidState(format!("AWS refused: {reason}")),
        LinkError::Unreachable(_) => Error::InvalidState(format!("{e}; try again in a moment")),
    }
}

fn not_in_team(actor: &Actor, permission: &'static str, team: &str) -> Error {
    Error::refused(
        actor,
        Denied::NotInTeam { permission, team: team.to_owned() },
        format!("only members of {team} receive its role's credentials"),
    )
}

impl Credentials<'_> {
    fn vendor(&self, actor: &Actor) -> Result<&dyn CredentialVendor> {
        let aws = onboarding::require(self.aws)?;
        aws.credentials.as_deref().ok_or_else(|| Error::refused(actor, Denied::Operation, VENDING_OFF))
    }

    /// The dataset, if the actor is in its admin team and that team holds CREDENTIALS_DATASET.
    async fn dataset_target(&self, actor: &Actor, uri: &str) -> Result<(Dataset, Target)> {
        authz::authorize_tenant::<tenant_grants::ManageDatasets>(self.db, actor).await?;
        let dataset = authz::authorize::<dperm::CredentialsDataset>(self.db, actor, uri).await?.into_inner();
        let team = dataset.saml_admin_group_name.clone();
        if !actor.in_group(&team) {
            return Err(not_in_team(actor, "CREDENTIALS_DATASET", &team));
        }
        let (environment, pivot) = platform::with_pivot(self.db, &dataset.environment_uri).await?;
        let role_arn =
            format!("arn:aws:iam::{}:role/{}", environment.aws_account_id, dataset.admin_role_name);
        Ok((dataset, Target { pivot, role_arn, team }))
    }

    /// The environment and the role of `group` (default: its owning team), if the actor is in
    /// that team and the team holds CREDENTIALS_ENVIRONMENT there.
    async fn environment_target(
        &self,
        actor: &Actor,
        uri: &str,
        group: Option<&str>,
    ) -> Result<(Environment, Target)> {
        authz::authorize_tenant::<tenant_grants::ManageEnvironments>(self.db, actor).await?;
        let environment =
            authz::authorize::<eperm::CredentialsEnvironment>(self.db, actor, uri).await?.into_inner();
        let team = match group.map(str::trim).filter(|g| !g.is_empty()) {
            Some(g) => g.to_owned(),
            None => environment.saml_group_name.clone(),
        };
        // Platform admins too: a team's role goes to its members only.
        if !actor.in_group(&team) {
            return Err(not_in_team(actor, "CREDENTIALS_ENVIRONMENT", &team));
        }
        authz::authorize_for_team::<eperm::CredentialsEnvironment>(self.db, actor, &team, uri).await?;
        let row = eg::Entity::find_by_id((uri.to_owned(), team.clone()))
            .one(self.db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: "environment team", uri: format!("{uri}/{team}") })?;
        let pivot = platform::pivot_of_environment(self.db, &environment).await?;
        Ok((environment, Target { pivot, role_arn: row.role_arn, team }))
    }

    async fn assume(&self, actor: &Actor, target: &Target) -> Result<RoleCredentials> {
        self.vendor(actor)?
            .assume_role(&target.pivot, &target.role_arn, &session_name(actor.username()))
            .await
            .map_err(aws_error)
    }

    /// data.all's `generateDatasetAccessToken`: the dataset admin role's credentials, as JSON.
    pub async fn dataset_token(&self, actor: &Actor, uri: &str) -> Result<String> {
        let action = "generateDatasetAccessToken";
        let result = async {
            let (_, target) = self.dataset_target(actor, uri).await?;
            let credentials = self.assume(actor, &target).await?;
            audit::record(
                self.db,
                actor,
                action,
                uri,
                datasets::RESOURCE_TYPE,
                &vended(&target, &credentials),
            )
            .await?;
            Ok(credentials.to_dataall_json())
        }
        .await;
        audit::record_failure(self.db, actor, action, uri, datasets::RESOURCE_TYPE, &result).await;
        result
    }

    /// data.all's `getDatasetAssumeRoleUrl`: a console sign-in link as the dataset admin role,
    /// landing on the dataset's bucket.
    pub async fn dataset_console_url(&self, actor: &Actor, uri: &str) -> Result<String> {
        let action = "getDatasetAssumeRoleUrl";
        let result = async {
            let (dataset, target) = self.dataset_target(actor, uri).await?;
            let credentials = self.assume(actor, &target).await?;
            let region = &target.pivot.region;
            let destination =
                format!("https://{region}.console.aws.amazon.com/s3/buckets/{}/", dataset.bucket_name);
            let url = self.vendor(actor)?.console_url(&credentials, &destination).await.map_err(aws_error)?;
            let summary = format!("console sign-in: {}", vended(&target, &credentials));
            audit::record(self.db, actor, action, uri, datasets::RESOURCE_TYPE, &summary).await?;
            Ok(url)
        }
        .await;
        audit::record_failure(self.db, actor, action, uri, datasets::RESOURCE_TYPE, &result).await;
        result
    }

    /// data.all's `getDatasetPresignedUrl`: a 15-minute upload form for one object of the
    /// dataset's bucket, under `<prefix>/<fileName>` (see [`super::upload_key`]), as JSON.
    pub async fn dataset_upload_link(
        &self,
        actor: &Actor,
        uri: &str,
        prefix: Option<&str>,
        file_name: Option<&str>,
    ) -> Result<String> {
        let action = "getDatasetPresignedUrl";
        let result = async {
            let (dataset, target) = self.dataset_target(actor, uri).await?;
            let key = super::upload_key(prefix, file_name)?;
            let vendor = self.vendor(actor)?;
            let credentials = self.assume(actor, &target).await?;
            let form = vendor
                .upload_form(
                    &credentials,
                    &target.pivot.region,
                    &dataset.bucket_name,
                    &key,
                    UPLOAD_LINK_SECONDS,
                )
                .map_err(aws_error)?;
            let summary = format!(
                "upload link for s3://{}/{key}, {UPLOAD_LINK_SECONDS}s: {}",
                dataset.bucket_name,
                vended(&target, &credentials)
            );
            audit::record(self.db, actor, action, uri, datasets::RESOURCE_TYPE, &summary).await?;
            Ok(form.to_json())
        }
        .await;
        audit::record_failure(self.db, actor, action, uri, datasets::RESOURCE_TYPE, &result).await;
        result
    }

    /// data.all's `generateEnvironmentAccessToken`: the credentials of `group`'s role in the
    /// environment (default: the owning team's), as JSON.
    pub async fn environment_token(&self, actor: &Actor, uri: &str, group: Option<&str>) -> Result<String> {
        let action = "generateEnvironmentAccessToken";
        let result = async {
            let (_, target) = self.environment_target(actor, uri, group).await?;
            let credentials = self.assume(actor, &target).await?;
            let summary = vended(&target, &credentials);
            audit::record(self.db, actor, action, uri, environments::RESOURCE_TYPE, &summary).await?;
            Ok(credentials.to_dataall_json())
        }
        .await;
        audit::record_failure(self.db, actor, action, uri, environments::RESOURCE_TYPE, &result).await;
        result
    }

    /// data.all's `getEnvironmentAssumeRoleUrl`: a console sign-in link as `group`'s role.
    pub async fn environment_console_url(
        &self,
        actor: &Actor,
        uri: &str,
        group: Option<&str>,
    ) -> Result<String> {
        let action = "getEnvironmentAssumeRoleUrl";
        let result = async {
            let (_, target) = self.environment_target(actor, uri, group).await?;
            let credentials = self.assume(actor, &target).await?;
            let destination = format!("https://{}.console.aws.amazon.com/", target.pivot.region);
            let url = self.vendor(actor)?.console_url(&credentials, &destination).await.map_err(aws_error)?;
            let summary = format!("console sign-in: {}", vended(&target, &credentials));
            audit::record(self.db, actor, action, uri, environments::RESOURCE_TYPE, &summary).await?;
            Ok(url)
        }
        .await;
        audit::record_failure(self.db, actor, action, uri, environments::RESOURCE_TYPE, &result).await;
        result
    }
}

/// The trail's line for a vend: the role, the team and the key id (which CloudTrail shows
/// against every call made with it), never the secret or the session token.
fn vended(target: &Target, credentials: &RoleCredentials) -> String {
    let until = credentials.expiration.map(|e| format!(", until {}", e.to_rfc3339())).unwrap_or_default();
    format!("{} for {} (access key {}{until})", target.role_arn, target.team, credentials.access_key_id)
}
