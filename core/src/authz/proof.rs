//! Proofs of authorization. `Authorized<R, P>` holds a resource the actor was found to hold
//! permission `P` on, loaded by the same query that checked it; only this module makes one.
//! Core's writes take a proof, so a write without a check does not compile.

use std::marker::PhantomData;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    RelationTrait,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use sluice_entities::{
    resource_policy_permission as rpp, tenant_policy as tp, tenant_policy_permission as tpp,
};

use super::names::{Permission, ResourceKind, TenantPermission};
use crate::{Actor, Error, Result, error::Denied};

/// The principal type of IdP groups; the only kind this release grants to.
pub(crate) const GROUP: &str = "GROUP";

mod sealed {
    pub trait Sealed {}
}

/// A kind of resource that permissions are checked on: a row of its own table.
pub trait Resource: sealed::Sealed + Sized + Send + Sync + 'static {
    const KIND: ResourceKind;
    #[doc(hidden)]
    type Entity: EntityTrait;
    #[doc(hidden)]
    fn key() -> <Self::Entity as EntityTrait>::Column;
    #[doc(hidden)]
    fn from_row(row: <Self::Entity as EntityTrait>::Model) -> Result<Self>;
}

/// Implements [`Resource`] for a domain type stored in one table.
macro_rules! stored_resource {
    ($ty:path, $kind:ident, $entity:path, $key:path, $from:path) => {
        impl $crate::authz::proof::SealedResource for $ty {}
        impl $crate::authz::Resource for $ty {
            const KIND: $crate::authz::ResourceKind = $crate::authz::ResourceKind::$kind;
            type Entity = $entity;
            fn key() -> <$entity as sea_orm::EntityTrait>::Column {
                $key
            }
            fn from_row(row: <$entity as sea_orm::EntityTrait>::Model) -> $crate::Result<Self> {
                $from(row)
            }
        }
    };
}
pub(crate) use sealed::Sealed as SealedResource;
pub(crate) use stored_resource;

/// A permission as a type, tied to the resource it is checked on.
pub trait Grant: Send + Sync + 'static {
    type On: Resource;
    /// The name refusals cite.
    const PERMISSION: &'static str;
    /// The rows of `On` the actor may act on: one condition, so point checks and lists agree.
    fn permits(actor: &Actor) -> Condition;
    /// What a refusal tells the caller to do; by default, to ask for the permission.
    const ADVICE: Option<&'static str> = None;
}

/// Proof that `actor` holds `P` on `resource`. Made only by the checks in this module.
#[derive(Debug)]
pub struct Authorized<R, P> {
    resource: R,
    actor: Actor,
    grant: PhantomData<fn() -> P>,
}

impl<R, P> Authorized<R, P> {
    fn new(resource: R, actor: &Actor) -> Self {
        Self { resource, actor: actor.clone(), grant: PhantomData }
    }

    /// Who was authorized; activity rows and ownership columns name them.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn into_inner(self) -> R {
        self.resource
    }
}

impl<R, P> std::ops::Deref for Authorized<R, P> {
    type Target = R;
    fn deref(&self) -> &R {
        &self.resource
    }
}

/// `SELECT resource_uri` of the resources on which one of the actor's teams holds `permission`.
/// List queries use it as `uri IN (…)`; point checks narrow it to one URI.
pub fn granted<P: Permission>(permission: P, actor: &Actor) -> SelectStatement {
    // One range scan of ix_resource_policy_permission_grant per group: the permission rows carry
    // their policy's resource and principal for this.
    Query::select()
        .column((rpp::Entity, rpp::Column::ResourceUri))
        .from(rpp::Entity)
        .and_where(rpp::Column::PrincipalId.is_in(actor.groups().iter().cloned()))
        .and_where(rpp::Column::ResourceType.eq(P::KIND.as_str()))
        .and_where(rpp::Column::Permission.eq(permission.name()))
        .and_where(rpp::Column::PrincipalType.eq(GROUP))
        .to_owned()
}

/// `SELECT key` of the `G::On` rows the actor holds `G` on: the filter of that resource's own
/// lists, as a subquery, for lists of what belongs to those resources (the activity trail).
pub(crate) fn permitted<G: Grant>(actor: &Actor) -> SelectStatement {
    <G::On as Resource>::Entity::find()
        .select_only()
        .column(<G::On as Resource>::key())
        .filter(G::permits(actor))
        .into_query()
}

/// The rows of `P::KIND`'s table whose key one of the actor's teams holds `permission` on.
pub(crate) fn holds<P: Permission, R: Resource>(permission: P, actor: &Actor) -> Condition {
    debug_assert_eq!(P::KIND, R::KIND, "a permission is checked on its own kind of resource");
    Condition::all().add(Expr::col(R::key()).in_subquery(granted(permission, actor)))
}

/// The refusal of `P` on `uri` to `actor`: the same whether the resource exists or not, so a
/// refusal reveals nothing.
pub(crate) fn refusal<P: Grant>(actor: &Actor, uri: &str) -> Error {
    let kind = <P::On as Resource>::KIND.noun();
    let advice = match P::ADVICE {
        Some(advice) => advice.to_owned(),
        None => format!("ask the {kind}'s admin team to grant it to one of your teams"),
    };
    Error::forbidden(actor, P::PERMISSION, kind, uri, &advice)
}

/// Loads `uri` if the actor holds `P` on it, in one query; FORBIDDEN otherwise, whether or not
/// it exists.
pub(crate) async fn authorize<P: Grant>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    uri: &str,
) -> Result<Authorized<P::On, P>> {
    let row = <P::On as Resource>::Entity::find()
        .filter(Expr::col(<P::On as Resource>::key()).eq(uri))
        .filter(P::permits(actor))
        .one(db)
        .await?;
    match row {
        Some(row) => Ok(Authorized::new(<P::On as Resource>::from_row(row)?, actor)),
        None => Err(refusal::<P>(actor, uri)),
    }
}

/// Loads `uri` if `team` holds `P` on it, for an actor acting as that team (creating a dataset
/// for it, requesting a share for it): the actor must be in the team (platform admins may act
/// for any team), and the team itself, not just any team of the actor's, must hold `P`.
pub(crate) async fn authorize_for_team<P: Grant>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    team: &str,
    uri: &str,
) -> Result<Authorized<P::On, P>> {
    if !actor.is_admin() && !actor.in_group(team) {
        return Err(Error::refused(
            actor,
            Denied::NotInTeam { permission: P::PERMISSION, team: team.to_owned() },
            format!("you are not a member of {team}; act for one of your own teams"),
        ));
    }
    let as_team = actor.narrowed_to(team);
    let row = <P::On as Resource>::Entity::find()
        .filter(Expr::col(<P::On as Resource>::key()).eq(uri))
        .filter(P::permits(&as_team))
        .one(db)
        .await?;
    match row {
        Some(row) => Ok(Authorized::new(<P::On as Resource>::from_row(row)?, actor)),
        None => {
            let kind = <P::On as Resource>::KIND.noun();
            Err(Error::forbidden(
                actor,
                P::PERMISSION,
                kind,
                uri,
                &format!(
                    "{team} must be a team of the {kind} with {}; ask its owners to invite it",
                    P::PERMISSION
                ),
            ))
        }
    }
}

/// The platform's tenant: what tenant permissions and admin rights are checked on.
#[derive(Debug, Clone, Copy)]
pub struct Tenant;

/// A tenant permission as a type.
pub trait TenantGrant: Send + Sync + 'static {
    const PERMISSION: TenantPermission;
}

/// Tenant permissions as types, for `Authorized<Tenant, _>`.
pub mod tenant {
    use super::{TenantGrant, TenantPermission};

    macro_rules! tenant_grants {
        ($($name:ident),+) => {$(
            #[derive(Debug)]
            pub struct $name;
            impl TenantGrant for $name {
                const PERMISSION: TenantPermission = TenantPermission::$name;
            }
        )+};
    }
    tenant_grants!(ManageOrganizations, ManageEnvironments, ManageDatasets, ManageShares, ManageGlossaries);

    /// Membership of the platform admin group.
    #[derive(Debug)]
    pub struct Admin;

    /// The platform acting on its own (`Actor::system`).
    #[derive(Debug)]
    pub struct System;
}

/// Proof of a tenant permission: platform admins hold all of them.
pub(crate) async fn authorize_tenant<P: TenantGrant>(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Authorized<Tenant, P>> {
    if actor.is_admin() {
        return Ok(Authorized::new(Tenant, actor));
    }
    let granted = tpp::Entity::find()
        .join(sea_orm::JoinType::InnerJoin, tpp::Relation::Policy.def())
        .filter(tp::Column::PrincipalType.eq(GROUP))
        .filter(tp::Column::PrincipalId.is_in(actor.groups().iter().cloned()))
        .filter(tpp::Column::Permission.eq(P::PERMISSION.name()))
        .one(db)
        .await?;
    match granted {
        Some(_) => Ok(Authorized::new(Tenant, actor)),
        None => Err(Error::refused(
            actor,
            Denied::Tenant { permission: P::PERMISSION.name() },
            format!(
                "the tenant permission {} is not granted to any of your teams; ask a platform admin to grant it",
                P::PERMISSION.name()
            ),
        )),
    }
}

/// Proof of membership of the platform admin group.
pub(crate) fn authorize_admin(actor: &Actor) -> Result<Authorized<Tenant, tenant::Admin>> {
    if actor.is_admin() {
        Ok(Authorized::new(Tenant, actor))
    } else {
        Err(Error::refused(actor, Denied::Operation, "only members of the platform admin group may do this"))
    }
}

/// Proof that the platform itself acts: a task, never a user.
pub(crate) fn authorize_system(actor: &Actor) -> Result<Authorized<Tenant, tenant::System>> {
    if actor.is_system() {
        Ok(Authorized::new(Tenant, actor))
    } else {
        Err(Error::refused(actor, Denied::Operation, "only the platform's own tasks may do this"))
    }
}
