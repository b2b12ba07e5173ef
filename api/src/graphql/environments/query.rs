use async_graphql::{Context, Object};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use sluice_core::{Error, authz::sets, environments::EnvironmentTeams};

use super::{
    stack::{StackGql, StackLog},
    types::{EnvironmentFilter, EnvironmentGql, EnvironmentSearchResult, EnvironmentSimplifiedSearchResult},
};
use crate::graphql::{
    GqlResult, actor, core,
    datasets::EnvironmentSimplified,
    organizations::{GroupFilter, GroupSearchResult, page_of},
    permissions::PermissionGql,
    to_gql,
};

#[derive(Default)]
pub struct EnvironmentQuery;

/// A dataset's stack (GET_DATASET), or else the environment's (GET_ENVIRONMENT).
async fn stack_of(
    ctx: &Context<'_>,
    target_type: &str,
    target_uri: &str,
    environment_uri: &str,
) -> async_graphql::Result<sluice_core::environments::Stack> {
    let actor = actor(ctx)?;
    if target_type == sluice_core::datasets::RESOURCE_TYPE {
        core(ctx)?.datasets().stack(actor, target_uri).await.gql()
    } else {
        core(ctx)?.environments().stack(actor, environment_uri).await.gql()
    }
}

/// A page of the environment's teams, `which` of them.
async fn list_groups(
    ctx: &Context<'_>,
    environment_uri: &str,
    which: EnvironmentTeams,
    filter: Option<GroupFilter>,
) -> async_graphql::Result<GroupSearchResult> {
    let actor = actor(ctx)?;
    let filter = filter.unwrap_or_default();
    let page = page_of(filter.page, filter.page_size)?;
    let found = core(ctx)?
        .environments()
        .list_groups(actor, environment_uri, which, filter.term.as_deref(), page)
        .await
        .gql()?;
    Ok(GroupSearchResult(found.map(Into::into)))
}

/// The pivot-role template for `organization_uri`, as JSON. Needs LINK_ENVIRONMENT on the
/// organization.
async fn pivot_role_template(
    ctx: &Context<'_>,
    organization_uri: &str,
    resource_prefix: Option<&str>,
    stack_tag_keys: Option<&str>,
) -> async_graphql::Result<String> {
    let actor = actor(ctx)?;
    let onboarding = core(ctx)?.environments().onboarding(actor, organization_uri).await.gql()?;
    let prefix = sluice_core::environments::resource_prefix(resource_prefix).gql()?;
    let stack_tag_keys = sluice_core::tags::OpenTagKeys::parse_pattern(stack_tag_keys).gql()?;
    let template = sluice_cloud::templates::pivot_role_template(&sluice_cloud::templates::PivotRoleParams {
        trust_account_id: onboarding.trust_account_id,
        external_id: onboarding.external_id,
        role_name: onboarding.pivot_role_name,
        resource_prefix: prefix,
        stack_tag_keys,
    });
    Ok(template.to_json())
}

/// Refuses the `EnvironmentFilter` fields Sluice does not support.
fn refuse_unsupported(filter: &EnvironmentFilter) -> async_graphql::Result<()> {
    if filter.roles.iter().flatten().any(Option::is_some) || filter.quicksight == Some(true) {
        return Err(to_gql(Error::validation(
            "filter",
            "roles and quicksight filters are not supported; leave them out",
        )));
    }
    Ok(())
}

#[Object]
impl EnvironmentQuery {
    /// The AWS account Sluice runs in: pivot roles must trust it. Needs LINK_ENVIRONMENT on the
    /// organization.
    async fn get_trust_account(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.environments().onboarding(actor, &organization_uri).await.gql()?.trust_account_id)
    }

    /// The pivot role's name, the same in every linked account.
    async fn get_pivot_role_name(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.environments().onboarding(actor, &organization_uri).await.gql()?.pivot_role_name)
    }

    /// The ExternalId the pivot role's trust policy must require.
    async fn get_pivot_role_external_id(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        Ok(core(ctx)?.environments().onboarding(actor, &organization_uri).await.gql()?.external_id)
    }

    /// The pivot-role CloudFormation template (JSON) for an account owner to deploy before
    /// linking: a role trusted by Sluice's account under the ExternalId, allowed to manage
    /// resources named with `resourcePrefix` (default `sluice`). `stackTagKeys` opens key-value
    /// tag keys to the stacks' roles and keys: `acme-*` (a prefix) or `*` (every key); left out,
    /// only Sluice's own tags, and `updateKeyValueTags` refuses any.
    async fn get_pivot_role_template(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
        resource_prefix: Option<String>,
        stack_tag_keys: Option<String>,
    ) -> async_graphql::Result<String> {
        pivot_role_template(ctx, &organization_uri, resource_prefix.as_deref(), stack_tag_keys.as_deref())
            .await
    }

    /// data.all's link to download the pivot-role template, with `getPivotRoleTemplate`'s
    /// authorization (LINK_ENVIRONMENT on the organization). data.all answers a presigned S3 URL
    /// of a template kept in a bucket; Sluice renders the template for the organization, so it
    /// answers the same template as `getPivotRoleTemplate` with the default `resourcePrefix`
    /// and no `stackTagKeys`, inlined as a `data:application/json;base64,…` URL. A browser or
    /// `curl` downloads it with no other secret, and it never expires; ask
    /// `getPivotRoleTemplate` for another prefix or tag keys.
    async fn get_pivot_role_presigned_url(
        &self,
        ctx: &Context<'_>,
        organization_uri: String,
    ) -> async_graphql::Result<String> {
        let template = pivot_role_template(ctx, &organization_uri, None, None).await?;
        Ok(format!("data:application/json;base64,{}", STANDARD.encode(template)))
    }

    async fn get_environment(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
    ) -> async_graphql::Result<EnvironmentGql> {
        let actor = actor(ctx)?;
        core(ctx)?.environments().get(actor, &environment_uri).await.gql().map(EnvironmentGql::Member)
    }

    /// Environments your teams may see. `roles` and `quicksight` filters are not supported.
    async fn list_environments(
        &self,
        ctx: &Context<'_>,
        filter: Option<EnvironmentFilter>,
    ) -> async_graphql::Result<EnvironmentSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        refuse_unsupported(&filter)?;
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?.environments().list(actor, filter.term.as_deref(), None, page).await.gql()?;
        Ok(EnvironmentSearchResult(found.map(EnvironmentGql::Member)))
    }

    /// For pickers: the environments your teams are in (as `listEnvironments`) whose stack is
    /// deployed and not changing (CREATE_COMPLETE, UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE),
    /// as data.all's `listValidEnvironments`. `term` matches label, description, account and
    /// region; `SamlGroupName` keeps the environments that team is in. data.all answers every
    /// one at once; Sluice answers the page `page` and `pageSize` ask for (at most 100), and
    /// `count` says how many there are. `roles` and `quicksight` filters are not supported.
    async fn list_valid_environments(
        &self,
        ctx: &Context<'_>,
        filter: Option<EnvironmentFilter>,
    ) -> async_graphql::Result<EnvironmentSimplifiedSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        refuse_unsupported(&filter)?;
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .environments()
            .list_valid(actor, filter.term.as_deref(), filter.saml_group_name.as_deref(), page)
            .await
            .gql()?;
        Ok(EnvironmentSimplifiedSearchResult(
            found.map(|card| EnvironmentSimplified::for_member(card, actor)),
        ))
    }

    /// All the environment's teams, the owning team included, and their roles; `term` matches
    /// team names. Needs LIST_ENVIRONMENT_GROUPS, which every team of the environment holds.
    /// (data.all lists only the caller's own teams here; `listAllEnvironmentGroups` is the same
    /// list in both.)
    async fn list_environment_groups(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        list_groups(ctx, &environment_uri, EnvironmentTeams::All, filter).await
    }

    /// Your teams that are in at least one environment (`term` matches names). A team may be
    /// in several, so no one environment's role is given: `listEnvironmentGroups` has them.
    async fn list_all_groups(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found =
            core(ctx)?.environments().list_all_groups(actor, filter.term.as_deref(), page).await.gql()?;
        Ok(GroupSearchResult(found.map(Into::into)))
    }

    /// All the environment's teams, the owning team included, and their roles; `term` matches
    /// team names. Needs LIST_ENVIRONMENT_GROUPS, which every team of the environment holds.
    async fn list_all_environment_groups(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        list_groups(ctx, &environment_uri, EnvironmentTeams::All, filter).await
    }

    /// The teams invited to the environment, without its owning team, and their roles; `term`
    /// matches team names. Needs LIST_ENVIRONMENT_GROUPS, which every team of the environment
    /// holds.
    async fn list_environment_invited_groups(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<GroupFilter>,
    ) -> async_graphql::Result<GroupSearchResult> {
        list_groups(ctx, &environment_uri, EnvironmentTeams::Invited, filter).await
    }

    /// The permissions an inviter may give a team invited to an environment.
    async fn list_environment_group_invitation_permissions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PermissionGql>> {
        actor(ctx)?;
        Ok(sets::ENVIRONMENT_INVITABLE.iter().map(|p| PermissionGql::of(*p)).collect())
    }

    /// An environment's or a dataset's stack. `stackUri`, `targetUri` and `targetType` must
    /// name it.
    async fn get_stack(
        &self,
        ctx: &Context<'_>,
        environment_uri: Option<String>,
        stack_uri: String,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<StackGql> {
        let env = environment_uri.unwrap_or_else(|| target_uri.clone());
        let stack = stack_of(ctx, &target_type, &target_uri, &env).await?;
        if stack.stack_uri != stack_uri || stack.target_uri != target_uri || stack.target_type != target_type
        {
            return Err(to_gql(Error::NotFound { kind: "stack", uri: stack_uri }));
        }
        Ok(StackGql(stack))
    }

    /// The latest deploy's CloudFormation events, newest first.
    async fn get_stack_logs(
        &self,
        ctx: &Context<'_>,
        target_uri: String,
        target_type: String,
    ) -> async_graphql::Result<Vec<StackLog>> {
        let stack = stack_of(ctx, &target_type, &target_uri, &target_uri).await?;
        if stack.target_type != target_type {
            return Err(to_gql(Error::NotFound { kind: "stack", uri: target_uri }));
        }
        let events: Vec<serde_json::Value> =
            stack.events.as_deref().and_then(|e| serde_json::from_str(e).ok()).unwrap_or_default();
        Ok(events.iter().map(StackLog::from_event).collect())
    }
}
