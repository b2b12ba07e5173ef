//! The one choke point for authorization. "May I see this" and "what can I see" both read
//! `granted_resources`, so they cannot disagree.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, RelationTrait,
    sea_query::{Query, SelectStatement},
};
use sluice_entities::{
    resource_policy_permission as rpp, tenant_policy as tp, tenant_policy_permission as tpp,
};

use super::GROUP;
use crate::{Actor, Error, Result};

/// `SELECT resource_uri` of the resources of `resource_type` on which one of `groups` holds
/// `permission`. List queries use it as `uri IN (…)`; point checks narrow it to one URI.
pub fn granted_resources(resource_type: &str, permission: &str, groups: &[String]) -> SelectStatement {
    // One range scan of ix_resource_policy_permission_grant per group: the permission rows
    // carry their policy's resource and principal for this.
    Query::select()
        .column((rpp::Entity, rpp::Column::ResourceUri))
        .from(rpp::Entity)
        .and_where(rpp::Column::PrincipalId.is_in(groups.iter().cloned()))
        .and_where(rpp::Column::ResourceType.eq(resource_type))
        .and_where(rpp::Column::Permission.eq(permission))
        .and_where(rpp::Column::PrincipalType.eq(GROUP))
        .to_owned()
}

pub async fn has_resource_permission(
    db: &impl ConnectionTrait,
    actor: &Actor,
    resource_type: &str,
    uri: &str,
    permission: &str,
) -> Result<bool> {
    let query = granted_resources(resource_type, permission, &actor.groups)
        .and_where(rpp::Column::ResourceUri.eq(uri))
        .limit(1)
        .to_owned();
    Ok(db.query_one(&query).await?.is_some())
}

/// Fails with FORBIDDEN unless one of the actor's teams holds `permission` on the resource.
/// The admin group gets no bypass here: it bypasses tenant checks only.
pub async fn require_resource(
    db: &impl ConnectionTrait,
    actor: &Actor,
    resource_type: &str,
    uri: &str,
    permission: &str,
) -> Result<()> {
    if has_resource_permission(db, actor, resource_type, uri, permission).await? {
        Ok(())
    } else {
        Err(Error::forbidden(
            permission,
            resource_type,
            uri,
            &format!("ask the {resource_type}'s admin team to grant it to one of your teams"),
        ))
    }
}

/// Fails with FORBIDDEN unless the actor is an admin or one of their teams holds the tenant
/// permission.
pub async fn require_tenant(db: &impl ConnectionTrait, actor: &Actor, permission: &str) -> Result<()> {
    if actor.is_admin {
        return Ok(());
    }
    let granted = tpp::Entity::find()
        .join(sea_orm::JoinType::InnerJoin, tpp::Relation::Policy.def())
        .filter(tp::Column::PrincipalType.eq(GROUP))
        .filter(tp::Column::PrincipalId.is_in(actor.groups.iter().cloned()))
        .filter(tpp::Column::Permission.eq(permission))
        .one(db)
        .await?;
    match granted {
        Some(_) => Ok(()),
        None => Err(Error::Forbidden(format!(
            "the tenant permission {permission} is not granted to any of your teams; ask a platform admin to grant it"
        ))),
    }
}

pub fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden("only members of the platform admin group may do this".into()))
    }
}
