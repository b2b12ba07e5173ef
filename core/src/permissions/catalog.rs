//! The permission catalog. It is data: `sync` upserts it into the `permission` table at start-up,
//! so later releases add permissions without a migration.

use sea_orm::{ConnectionTrait, EntityTrait, sea_query::OnConflict};
use sluice_entities::permission;

use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tenant,
    Resource,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Tenant => "TENANT",
            Kind::Resource => "RESOURCE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

const fn tenant(name: &'static str, description: &'static str) -> Permission {
    Permission { name, kind: Kind::Tenant, description }
}

const fn resource(name: &'static str, description: &'static str) -> Permission {
    Permission { name, kind: Kind::Resource, description }
}

pub const MANAGE_ORGANIZATIONS: &str = "MANAGE_ORGANIZATIONS";
pub const MANAGE_ENVIRONMENTS: &str = "MANAGE_ENVIRONMENTS";
pub const MANAGE_DATASETS: &str = "MANAGE_DATASETS";
pub const MANAGE_SHARES: &str = "MANAGE_SHARES";

pub const GET_ORGANIZATION: &str = "GET_ORGANIZATION";
pub const UPDATE_ORGANIZATION: &str = "UPDATE_ORGANIZATION";
pub const DELETE_ORGANIZATION: &str = "DELETE_ORGANIZATION";
pub const LINK_ENVIRONMENT: &str = "LINK_ENVIRONMENT";
pub const INVITE_ORGANIZATION_GROUP: &str = "INVITE_ORGANIZATION_GROUP";
pub const REMOVE_ORGANIZATION_GROUP: &str = "REMOVE_ORGANIZATION_GROUP";

pub const GET_ENVIRONMENT: &str = "GET_ENVIRONMENT";
pub const UPDATE_ENVIRONMENT: &str = "UPDATE_ENVIRONMENT";
pub const DELETE_ENVIRONMENT: &str = "DELETE_ENVIRONMENT";
pub const INVITE_ENVIRONMENT_GROUP: &str = "INVITE_ENVIRONMENT_GROUP";
pub const REMOVE_ENVIRONMENT_GROUP: &str = "REMOVE_ENVIRONMENT_GROUP";
pub const LIST_ENVIRONMENT_GROUPS: &str = "LIST_ENVIRONMENT_GROUPS";
pub const CREATE_DATASET: &str = "CREATE_DATASET";
pub const CREATE_SHARE_OBJECT: &str = "CREATE_SHARE_OBJECT";
pub const ADD_ENVIRONMENT_CONSUMPTION_ROLES: &str = "ADD_ENVIRONMENT_CONSUMPTION_ROLES";
pub const LIST_ENVIRONMENT_CONSUMPTION_ROLES: &str = "LIST_ENVIRONMENT_CONSUMPTION_ROLES";

pub const GET_DATASET: &str = "GET_DATASET";
pub const UPDATE_DATASET: &str = "UPDATE_DATASET";
pub const DELETE_DATASET: &str = "DELETE_DATASET";
pub const SYNC_DATASET: &str = "SYNC_DATASET";
pub const CREATE_DATASET_FOLDER: &str = "CREATE_DATASET_FOLDER";
pub const APPROVE_SHARE_OBJECT: &str = "APPROVE_SHARE_OBJECT";

pub const GET_SHARE_OBJECT: &str = "GET_SHARE_OBJECT";
pub const SUBMIT_SHARE_OBJECT: &str = "SUBMIT_SHARE_OBJECT";
pub const ADD_SHARE_ITEM: &str = "ADD_SHARE_ITEM";
pub const REMOVE_SHARE_ITEM: &str = "REMOVE_SHARE_ITEM";
pub const REVOKE_SHARE_ITEM: &str = "REVOKE_SHARE_ITEM";
pub const DELETE_SHARE_OBJECT: &str = "DELETE_SHARE_OBJECT";

pub const ALL: &[Permission] = &[
    tenant(MANAGE_ORGANIZATIONS, "Create and manage organizations"),
    tenant(MANAGE_ENVIRONMENTS, "Link and manage environments"),
    tenant(MANAGE_DATASETS, "Create, import and manage datasets"),
    tenant(MANAGE_SHARES, "Request and manage shares"),
    resource(GET_ORGANIZATION, "See the organization"),
    resource(UPDATE_ORGANIZATION, "Change the organization's label, description, tags and admin team"),
    resource(DELETE_ORGANIZATION, "Archive the organization"),
    resource(LINK_ENVIRONMENT, "Link AWS accounts to the organization as environments"),
    resource(INVITE_ORGANIZATION_GROUP, "Invite teams to the organization"),
    resource(REMOVE_ORGANIZATION_GROUP, "Remove invited teams from the organization"),
    resource(GET_ENVIRONMENT, "See the environment and its stack"),
    resource(UPDATE_ENVIRONMENT, "Change the environment and redeploy its stack"),
    resource(DELETE_ENVIRONMENT, "Delete the environment"),
    resource(INVITE_ENVIRONMENT_GROUP, "Invite teams to the environment and change their permissions"),
    resource(REMOVE_ENVIRONMENT_GROUP, "Remove teams from the environment"),
    resource(LIST_ENVIRONMENT_GROUPS, "See the environment's teams"),
    resource(CREATE_DATASET, "Create and import datasets in the environment"),
    resource(CREATE_SHARE_OBJECT, "Request shares into the environment"),
    resource(ADD_ENVIRONMENT_CONSUMPTION_ROLES, "Add and remove the environment's consumption roles"),
    resource(LIST_ENVIRONMENT_CONSUMPTION_ROLES, "See the environment's consumption roles"),
    resource(GET_DATASET, "See the dataset, its tables and folders"),
    resource(UPDATE_DATASET, "Change the dataset and redeploy its stack"),
    resource(DELETE_DATASET, "Delete the dataset"),
    resource(SYNC_DATASET, "Sync the dataset's tables from Glue"),
    resource(CREATE_DATASET_FOLDER, "Create and change the dataset's folders"),
    resource(APPROVE_SHARE_OBJECT, "Approve, reject and revoke shares of the dataset"),
    resource(GET_SHARE_OBJECT, "See the share, its items and its log"),
    resource(SUBMIT_SHARE_OBJECT, "Submit the share and change its request"),
    resource(ADD_SHARE_ITEM, "Add tables and folders to the share"),
    resource(REMOVE_SHARE_ITEM, "Remove items not yet shared"),
    resource(REVOKE_SHARE_ITEM, "Revoke shared items"),
    resource(DELETE_SHARE_OBJECT, "Delete the share once nothing is shared"),
];

/// What an environment's owning team holds.
pub const ENVIRONMENT_ALL: &[&str] = &[
    GET_ENVIRONMENT,
    UPDATE_ENVIRONMENT,
    DELETE_ENVIRONMENT,
    INVITE_ENVIRONMENT_GROUP,
    REMOVE_ENVIRONMENT_GROUP,
    LIST_ENVIRONMENT_GROUPS,
    CREATE_DATASET,
    CREATE_SHARE_OBJECT,
    ADD_ENVIRONMENT_CONSUMPTION_ROLES,
    LIST_ENVIRONMENT_CONSUMPTION_ROLES,
];

/// What a dataset's admin team holds.
pub const DATASET_ALL: &[&str] =
    &[GET_DATASET, UPDATE_DATASET, DELETE_DATASET, SYNC_DATASET, CREATE_DATASET_FOLDER, APPROVE_SHARE_OBJECT];

/// What a dataset's stewards hold: they read it and approve its shares.
pub const DATASET_READ: &[&str] = &[GET_DATASET, APPROVE_SHARE_OBJECT];

/// What the requesting team holds on its share.
pub const SHARE_REQUESTER: &[&str] = &[
    GET_SHARE_OBJECT,
    SUBMIT_SHARE_OBJECT,
    ADD_SHARE_ITEM,
    REMOVE_SHARE_ITEM,
    REVOKE_SHARE_ITEM,
    DELETE_SHARE_OBJECT,
];

/// What an inviter may hand to a team invited to an environment; GET_ENVIRONMENT and
/// LIST_ENVIRONMENT_GROUPS are always included.
pub const ENVIRONMENT_INVITABLE: &[&str] = &[
    CREATE_DATASET,
    CREATE_SHARE_OBJECT,
    INVITE_ENVIRONMENT_GROUP,
    LIST_ENVIRONMENT_GROUPS,
    ADD_ENVIRONMENT_CONSUMPTION_ROLES,
    LIST_ENVIRONMENT_CONSUMPTION_ROLES,
];

pub const ENVIRONMENT_INVITED_ALWAYS: &[&str] = &[GET_ENVIRONMENT, LIST_ENVIRONMENT_GROUPS];

/// What an organization's admin team holds.
pub const ORGANIZATION_ALL: &[&str] = &[
    GET_ORGANIZATION,
    UPDATE_ORGANIZATION,
    DELETE_ORGANIZATION,
    LINK_ENVIRONMENT,
    INVITE_ORGANIZATION_GROUP,
    REMOVE_ORGANIZATION_GROUP,
];

/// What an inviter may hand to an invited team. GET_ORGANIZATION is always added.
pub const ORGANIZATION_INVITABLE: &[&str] =
    &[GET_ORGANIZATION, LINK_ENVIRONMENT, INVITE_ORGANIZATION_GROUP, REMOVE_ORGANIZATION_GROUP];

/// What an invitation grants when the inviter names nothing, as in data.all.
pub const ORGANIZATION_INVITED_DEFAULT: &[&str] = &[GET_ORGANIZATION, LINK_ENVIRONMENT];

/// What an invited team is granted: `always`, plus the `requested` permissions (each must be in
/// `invitable`), or plus `default` when nothing is requested. Sorted, without repeats.
pub fn invitation(
    requested: &[String],
    invitable: &[&'static str],
    always: &[&'static str],
    default: &[&'static str],
) -> crate::Result<Vec<&'static str>> {
    let mut granted: Vec<&'static str> = always.to_vec();
    if requested.is_empty() {
        granted.extend_from_slice(default);
    }
    for name in requested {
        let Some(p) = invitable.iter().find(|p| **p == name.as_str()) else {
            return Err(crate::Error::validation(
                "permissions",
                format!("{name} cannot be given to an invited team; choose from {}", invitable.join(", ")),
            ));
        };
        granted.push(p);
    }
    granted.sort_unstable();
    granted.dedup();
    Ok(granted)
}

pub fn tenant_permissions() -> impl Iterator<Item = &'static Permission> {
    ALL.iter().filter(|p| p.kind == Kind::Tenant)
}

pub fn find(name: &str) -> Option<&'static Permission> {
    ALL.iter().find(|p| p.name == name)
}

/// Upserts the catalog so that names, kinds and descriptions in the DB match this release.
pub async fn sync(db: &impl ConnectionTrait) -> Result<()> {
    let rows = ALL.iter().map(|p| permission::ActiveModel {
        name: sea_orm::Set(p.name.to_owned()),
        kind: sea_orm::Set(p.kind.as_str().to_owned()),
        description: sea_orm::Set(p.description.to_owned()),
    });
    permission::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(permission::Column::Name)
                .update_columns([permission::Column::Kind, permission::Column::Description])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_set_uses_catalog_permissions_of_the_resource_kind() {
        for name in ORGANIZATION_ALL.iter().chain(ORGANIZATION_INVITABLE).chain(ORGANIZATION_INVITED_DEFAULT)
        {
            assert_eq!(find(name).map(|p| p.kind), Some(Kind::Resource), "{name}");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = ALL.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
