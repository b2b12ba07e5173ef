use std::collections::HashMap;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use sluice_core::{
    Actor, Core,
    organizations::{
        ModifyOrganization, NewOrganization, Organization, OrganizationFilter as CoreFilter, Sort, SortField,
        UserRole,
    },
};

use crate::graphql::{
    GqlResult, actor,
    batch::{BatchLoad, Batcher},
    core,
    environments::{EnvironmentFilter, EnvironmentGql, EnvironmentSearchResult},
    paged::paged,
    permissions::GroupGql,
    to_gql,
};

pub struct OrganizationGql(pub Organization);

#[Object(name = "Organization")]
impl OrganizationGql {
    async fn organization_uri(&self) -> ID {
        ID(self.0.organization_uri.clone())
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The label as a slug.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// The user who created the organization.
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    /// The admin team: it holds every permission on the organization.
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> &str {
        &self.0.saml_group_name
    }
    async fn user_role_in_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<OrganisationUserRole> {
        Ok(self.0.role_of(actor(ctx)?).into())
    }
    /// Archived organizations are hidden from lists unless `displayArchived` is set.
    async fn archived(&self) -> bool {
        self.0.archived
    }
    /// RFC 3339.
    async fn created(&self) -> String {
        self.0.created.to_rfc3339()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    /// Counts, loaded for a whole page of organizations in one query.
    async fn stats(&self, ctx: &Context<'_>) -> async_graphql::Result<OrganizationStats> {
        let stats =
            ctx.data::<Batcher<StatsLoader>>()?.load_one(&self.0.organization_uri).await?.unwrap_or_default();
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(OrganizationStats {
            groups: int(stats.groups),
            users: None,
            environments: int(stats.environments),
        })
    }
    /// The organization's environments that your teams may see.
    async fn environments(
        &self,
        ctx: &Context<'_>,
        filter: Option<EnvironmentFilter>,
    ) -> async_graphql::Result<EnvironmentSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .environments()
            .list(actor, filter.term.as_deref(), Some(&self.0.organization_uri), page)
            .await
            .gql()?;
        Ok(EnvironmentSearchResult(found.map(EnvironmentGql::Member)))
    }
}

#[derive(SimpleObject)]
pub struct OrganizationStats {
    /// Teams in the organization, the admin team included.
    groups: i32,
    /// Sluice keeps no user directory, so this is always null.
    users: Option<i32>,
    /// Environments linked to the organization.
    environments: i32,
}

/// Batches `stats` for every organization on a page into one query.
pub struct StatsLoader {
    pub core: Core,
    pub actor: Actor,
}

impl BatchLoad for StatsLoader {
    type Value = sluice_core::organizations::OrganizationStats;

    async fn load(&self, keys: &[String]) -> async_graphql::Result<HashMap<String, Self::Value>> {
        self.core.organizations().stats(&self.actor, keys).await.map_err(to_gql)
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum OrganisationUserRole {
    Owner,
    Admin,
    Member,
    NotMember,
    Invited,
}

impl From<UserRole> for OrganisationUserRole {
    fn from(role: UserRole) -> Self {
        match role {
            UserRole::Owner => Self::Owner,
            UserRole::Admin => Self::Admin,
            UserRole::Member => Self::Member,
            UserRole::NotMember => Self::NotMember,
            UserRole::Invited => Self::Invited,
        }
    }
}

impl From<OrganisationUserRole> for UserRole {
    fn from(role: OrganisationUserRole) -> Self {
        match role {
            OrganisationUserRole::Owner => Self::Owner,
            OrganisationUserRole::Admin => Self::Admin,
            OrganisationUserRole::Member => Self::Member,
            OrganisationUserRole::NotMember => Self::NotMember,
            OrganisationUserRole::Invited => Self::Invited,
        }
    }
}

paged!(OrganizationSearchResult, OrganizationGql);

paged!(GroupSearchResult, GroupGql);

#[derive(InputObject, Default)]
pub struct NewOrganizationInput {
    label: Option<String>,
    description: Option<String>,
    tags: Option<Vec<Option<String>>>,
    /// The admin team. You must be a member of it (platform admins excepted).
    #[graphql(name = "SamlGroupName")]
    saml_group_name: Option<String>,
}

impl From<NewOrganizationInput> for NewOrganization {
    fn from(i: NewOrganizationInput) -> Self {
        Self {
            label: i.label,
            description: i.description,
            tags: i.tags.map(flatten),
            saml_group_name: i.saml_group_name,
        }
    }
}

/// data.all types lists as `[String]`; a null element carries nothing.
fn flatten(items: Vec<Option<String>>) -> Vec<String> {
    items.into_iter().flatten().collect()
}

#[derive(InputObject, Default)]
pub struct ModifyOrganizationInput {
    label: Option<String>,
    description: Option<String>,
    /// A new admin team. The previous one keeps read access until removed.
    #[graphql(name = "SamlGroupName")]
    saml_group_name: Option<String>,
    tags: Option<Vec<Option<String>>>,
}

impl From<ModifyOrganizationInput> for ModifyOrganization {
    fn from(i: ModifyOrganizationInput) -> Self {
        Self {
            label: i.label,
            description: i.description,
            tags: i.tags.map(flatten),
            saml_group_name: i.saml_group_name,
        }
    }
}

#[derive(InputObject, Default)]
pub struct InviteGroupToOrganizationInput {
    pub organization_uri: String,
    pub group_uri: String,
    /// Permissions for the team; GET_ORGANIZATION is always included. Empty or absent means
    /// GET_ORGANIZATION and LINK_ENVIRONMENT.
    pub permissions: Option<Vec<Option<String>>>,
}

impl InviteGroupToOrganizationInput {
    pub fn permission_names(&self) -> Vec<String> {
        self.permissions.iter().flatten().flatten().cloned().collect()
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum OrganizationSortField {
    Created,
    Updated,
    Label,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum SortDirection {
    Asc,
    Desc,
}

#[derive(InputObject)]
pub struct OrganizationSortCriteria {
    field: OrganizationSortField,
    direction: SortDirection,
}

#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Matches label, description and tags, ignoring case.
    term: Option<String>,
    display_archived: Option<bool>,
    sort: Option<Vec<Option<OrganizationSortCriteria>>>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
    /// Keep organizations where you hold one of these roles.
    roles: Option<Vec<Option<OrganisationUserRole>>>,
    /// Keep organizations carrying every one of these tags.
    tags: Option<Vec<Option<String>>>,
}

impl From<&OrganizationFilter> for CoreFilter {
    fn from(f: &OrganizationFilter) -> Self {
        Self {
            term: f.term.clone(),
            display_archived: f.display_archived.unwrap_or(false),
            sort: f
                .sort
                .iter()
                .flatten()
                .flatten()
                .map(|s| Sort {
                    field: match s.field {
                        OrganizationSortField::Created => SortField::Created,
                        OrganizationSortField::Updated => SortField::Updated,
                        OrganizationSortField::Label => SortField::Label,
                    },
                    descending: s.direction == SortDirection::Desc,
                })
                .collect(),
            roles: f.roles.iter().flatten().flatten().map(|r| (*r).into()).collect(),
            tags: f.tags.iter().flatten().flatten().cloned().collect(),
        }
    }
}

#[derive(InputObject, Default)]
pub struct GroupFilter {
    pub term: Option<String>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

pub fn page_of(
    page: Option<i32>,
    page_size: Option<i32>,
) -> async_graphql::Result<sluice_core::page::PageRequest> {
    sluice_core::page::PageRequest::new(page, page_size).gql()
}
