use async_graphql::{InputObject, SimpleObject};
use sluice_core::{
    organizations::OrganizationGroup,
    permissions::{catalog, tenant::TenantGroup},
};

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

impl From<&catalog::Permission> for PermissionGql {
    fn from(p: &catalog::Permission) -> Self {
        Self {
            permission_uri: p.name.to_owned(),
            kind: p.kind.as_str().to_owned(),
            name: p.name.to_owned(),
            description: p.description.to_owned(),
        }
    }
}

impl PermissionGql {
    /// For names read back from policies; a name no longer in the catalog still shows.
    pub fn named(name: &str) -> Self {
        match catalog::find(name) {
            Some(p) => p.into(),
            None => Self {
                permission_uri: name.to_owned(),
                kind: String::new(),
                name: name.to_owned(),
                description: String::new(),
            },
        }
    }
}

#[derive(SimpleObject)]
pub struct DescribedPermission {
    pub name: String,
    pub description: String,
}

/// A team (IdP group), as seen from a resource or from the tenant admin page.
#[derive(SimpleObject)]
#[graphql(name = "Group")]
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
        }
    }
}

#[derive(InputObject)]
pub struct UpdateGroupTenantPermissionsInput {
    /// The complete new set; permissions not named are taken away.
    pub permissions: Option<Vec<Option<String>>>,
    pub group_uri: String,
}
