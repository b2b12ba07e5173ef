//! data.all's credential operations: a team's role credentials, console sign-in links and
//! dataset upload links. Core decides who receives what (docs/HARDENING.md, credential vending).

use async_graphql::{Context, InputObject, Object};

use crate::graphql::{GqlResult, actor, core, to_gql};

/// Where an upload link writes: `<prefix>/<fileName>` in the dataset's bucket (prefix
/// `uploads` when none is given).
#[derive(InputObject, Default)]
pub struct DatasetPresignedUrlInput {
    pub file_name: Option<String>,
    pub prefix: Option<String>,
}

fn required(value: Option<String>, field: &str) -> async_graphql::Result<String> {
    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| to_gql(sluice_core::Error::required(field)))
}

#[derive(Default)]
pub struct CredentialQuery;

#[Object]
impl CredentialQuery {
    /// A console sign-in link as the dataset's admin role, landing on its bucket. For the
    /// dataset's admin team (CREDENTIALS_DATASET); recorded in the activity trail.
    async fn get_dataset_assume_role_url(
        &self,
        ctx: &Context<'_>,
        dataset_uri: Option<String>,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        let uri = required(dataset_uri, "datasetUri")?;
        core(ctx)?.credentials().dataset_console_url(actor, &uri).await.gql()
    }

    /// A 15-minute S3 POST upload form (JSON `{url, fields}`) for one object of the dataset's
    /// bucket. For the dataset's admin team (CREDENTIALS_DATASET); recorded in the activity trail.
    async fn get_dataset_presigned_url(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
        input: Option<DatasetPresignedUrlInput>,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        let input = input.unwrap_or_default();
        core(ctx)?
            .credentials()
            .dataset_upload_link(actor, &dataset_uri, input.prefix.as_deref(), input.file_name.as_deref())
            .await
            .gql()
    }

    /// Short-lived credentials (JSON `AccessKey`, `SessionKey`, `sessionToken`, `Expiration`)
    /// of `groupUri`'s role in the environment (default: the owning team's). For members of that
    /// team, which must hold CREDENTIALS_ENVIRONMENT; recorded in the activity trail.
    async fn generate_environment_access_token(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        group_uri: Option<String>,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        core(ctx)?.credentials().environment_token(actor, &environment_uri, group_uri.as_deref()).await.gql()
    }

    /// A console sign-in link as `groupUri`'s role in the environment (default: the owning
    /// team's), as `generateEnvironmentAccessToken` decides.
    async fn get_environment_assume_role_url(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        group_uri: Option<String>,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        core(ctx)?
            .credentials()
            .environment_console_url(actor, &environment_uri, group_uri.as_deref())
            .await
            .gql()
    }
}

#[derive(Default)]
pub struct CredentialMutation;

#[Object]
impl CredentialMutation {
    /// Short-lived credentials (JSON `AccessKey`, `SessionKey`, `sessionToken`, `Expiration`)
    /// of the dataset's admin role. For the dataset's admin team (CREDENTIALS_DATASET); recorded
    /// in the activity trail.
    async fn generate_dataset_access_token(
        &self,
        ctx: &Context<'_>,
        dataset_uri: String,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        core(ctx)?.credentials().dataset_token(actor, &dataset_uri).await.gql()
    }
}
