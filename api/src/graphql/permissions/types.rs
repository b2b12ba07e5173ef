use async_graphql::{ComplexObject, Context, InputObject, SimpleObject};
use sluice_core::{
    authz::{self, CatalogEntry, Permission, TenantPermission, tenant::TenantGroup},
    environments::{EnvironmentGroup, TeamInEnvironments},
    organizations::OrganizationGroup,
};

use crate::graphql::{GqlResult, actor, core};

/// A permission from the catalog. `permissionUri` is its name.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Permission")]
pub struct PermissionGql {
    permission_uri: String,
    /// TENANT or RESOURCE.
    #[graphql(name = "type")]
    kind: String,
    name: String,
    description: String,
}

impl From<CatalogEntry> for PermissionGql {
    fn from(p: CatalogEntry) -> Self {
        Self {
            permission_uri: p.name.to_owned(),
            kind: p.kind.to_owned(),
            name: p.name.to_owned(),
            description: p.description.to_owned(),
        }
    }
}

impl PermissionGql {
    /// For names read back from policies; a name no longer in the catalog still shows.
    pub fn named(name: &str) -> Self {
        match authz::describe(name) {
            Some(p) => p.into(),
            None => Self {
                permission_uri: name.to_owned(),
                kind: String::new(),
                name: name.to_owned(),
                description: String::new(),
            },
        }
    }

    pub fn of<P: Permission>(permission: P) -> Self {
        Self::named(permission.name())
    }

    pub fn tenant(permission: TenantPermission) -> Self {
        Self::named(permission.name())
    }
}

#[derive(SimpleObject)]
pub struct DescribedPermission {
    pub name: String,
    pub description: String,
}

/// A team (IdP group), as seen from a resource or from the tenant admin page.
#[derive(SimpleObject)]
#[graphql(name = "Group", complex)]
pub struct GroupGql {
    group_uri: String,
    /// Who invited the team to the resource; for an admin team, the resource's creator.
    invited_by: Option<String>,
    /// The group name, as data.all shows it.
    label: String,
    name: String,
    /// Groups live in the identity provider; Sluice keeps no owner, description, tags or
    /// change time for them, so these are always null (kept for data.all clients).
    owner: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    /// When the team joined the resource, or first signed in for `listTenantGroups`.
    created: String,
    updated: Option<String>,
    /// Only filled by `listTenantGroups`; null elsewhere.
    tenant_permissions: Option<Vec<PermissionGql>>,
    /// The team's IAM role in the environment; only filled by `listEnvironmentGroups`.
    #[graphql(name = "environmentIAMRoleArn")]
    environment_iam_role_arn: Option<String>,
    #[graphql(name = "environmentIAMRoleName")]
    environment_iam_role_name: Option<String>,
    /// Whether the team brought its role rather than the stack creating it.
    #[graphql(name = "environmentIAMRoleImported")]
    environment_iam_role_imported: Option<bool>,
}

#[ComplexObject]
impl GroupGql {
    /// Always null: Sluice creates no Athena workgroups for a team.
    async fn environment_athena_work_group(&self) -> Option<&str> {
        None
    }
    /// The team's permissions on an environment. Needs LIST_ENVIRONMENT_GROUPS there.
    async fn environment_permissions(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
    ) -> async_graphql::Result<Vec<PermissionGql>> {
        let actor = actor(ctx)?;
        let names = core(ctx)?
            .environments()
            .group_permissions(actor, &environment_uri, &self.group_uri)
            .await
            .gql()?;
        Ok(names.into_iter().map(PermissionGql::of).collect())
    }
}

impl From<EnvironmentGroup> for GroupGql {
    fn from(g: EnvironmentGroup) -> Self {
        Self {
            label: g.group_uri.clone(),
            name: g.group_uri.clone(),
            group_uri: g.group_uri,
            invited_by: Some(g.invited_by),
            owner: None,
            description: None,
            tags: None,
            created: g.created.to_rfc3339(),
            updated: None,
            tenant_permissions: None,
            environment_iam_role_arn: Some(g.role_arn),
            environment_iam_role_name: Some(g.role_name),
            environment_iam_role_imported: Some(g.role_imported),
        }
    }
}

impl From<TeamInEnvironments> for GroupGql {
    /// A team of `listAllGroups`: in one environment or more, so no one environment's role.
    fn from(g: TeamInEnvironments) -> Self {
        Self {
            label: g.group_uri.clone(),
            name: g.group_uri.clone(),
            group_uri: g.group_uri,
            invited_by: None,
            owner: None,
            description: None,
            tags: None,
            created: g.first_joined.to_rfc3339(),
            updated: None,
            tenant_permissions: None,
            environment_iam_role_arn: None,
            environment_iam_role_name: None,
            environment_iam_role_imported: None,
        }
    }
}

impl From<OrganizationGroup> for GroupGql {
    fn from(g: OrganizationGroup) -> Self {
        Self {
            label: g.group_uri.clone(),
            name: g.group_uri.clone(),
            group_uri: g.group_uri,
            invited_by: Some(g.invited_by),
            owner: None,
            description: None,
            tags: None,
            created: g.created.to_rfc3339(),
            updated: None,
            tenant_permissions: None,
            environment_iam_role_arn: None,
            environment_iam_role_name: None,
            environment_iam_role_imported: None,
        }
    }
}

impl From<TenantGroup> for GroupGql {
    fn from(g: TenantGroup) -> Self {
        Self {
            label: g.group_uri.clone(),
            name: g.group_uri.clone(),
            group_uri: g.group_uri,
            invited_by: None,
            owner: None,
            description: None,
            tags: None,
            created: g.created.to_rfc3339(),
            updated: None,
            tenant_permissions: Some(g.permissions.iter().map(|p| PermissionGql::named(p)).collect()),
            environment_iam_role_arn: None,
            environment_iam_role_name: None,
            environment_iam_role_imported: None,
        }
    }
}

#[derive(InputObject)]
pub struct UpdateGroupTenantPermissionsInput {
    /// The complete new set; permissions not named are taken away.
    pub permissions: Option<Vec<Option<String>>>,
    pub group_uri: String,
}
