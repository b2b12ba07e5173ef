//! Writing resource policies. Callers pass their transaction, so a resource and its policies are
//! created together or not at all. The permission's type names the kind of resource, so a
//! dataset permission can only be granted on a dataset.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use sluice_entities::{resource_policy as rp, resource_policy_permission as rpp};

use super::{names::Permission, proof::GROUP};
use crate::{Result, uri::new_sid};

/// Gives `group` exactly `permissions` on the resource, replacing what it held before.
pub(crate) async fn attach<P: Permission>(
    db: &impl ConnectionTrait,
    group: &str,
    resource_uri: &str,
    permissions: &[P],
) -> Result<()> {
    let resource_type = P::KIND.as_str();
    let existing = rp::Entity::find()
        .filter(rp::Column::ResourceUri.eq(resource_uri))
        .filter(rp::Column::PrincipalId.eq(group))
        .filter(rp::Column::PrincipalType.eq(GROUP))
        .one(db)
        .await?;
    let sid = match existing {
        Some(policy) => {
            rpp::Entity::delete_many().filter(rpp::Column::Sid.eq(&policy.sid)).exec(db).await?;
            policy.sid
        }
        None => {
            let sid = new_sid();
            rp::Entity::insert(rp::ActiveModel {
                sid: Set(sid.clone()),
                resource_uri: Set(resource_uri.to_owned()),
                resource_type: Set(resource_type.to_owned()),
                principal_id: Set(group.to_owned()),
                principal_type: Set(GROUP.to_owned()),
                created: Set(chrono::Utc::now()),
            })
            .exec(db)
            .await?;
            sid
        }
    };
    let mut names: Vec<&str> = permissions.iter().map(|p| p.name()).collect();
    names.sort_unstable();
    names.dedup();
    if !names.is_empty() {
        rpp::Entity::insert_many(names.into_iter().map(|p| rpp::ActiveModel {
            sid: Set(sid.clone()),
            permission: Set(p.to_owned()),
            resource_uri: Set(resource_uri.to_owned()),
            resource_type: Set(resource_type.to_owned()),
            principal_id: Set(group.to_owned()),
            principal_type: Set(GROUP.to_owned()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Takes everything `group` holds on the resource away.
pub(crate) async fn detach(db: &impl ConnectionTrait, group: &str, resource_uri: &str) -> Result<()> {
    // The permission rows go with their policy through ON DELETE CASCADE, but SQLite enforces
    // that only when foreign keys are on, so delete them explicitly.
    let sids: Vec<String> = rp::Entity::find()
        .select_only()
        .column(rp::Column::Sid)
        .filter(rp::Column::ResourceUri.eq(resource_uri))
        .filter(rp::Column::PrincipalId.eq(group))
        .into_tuple()
        .all(db)
        .await?;
    rpp::Entity::delete_many().filter(rpp::Column::Sid.is_in(sids.clone())).exec(db).await?;
    rp::Entity::delete_many().filter(rp::Column::Sid.is_in(sids)).exec(db).await?;
    Ok(())
}

/// What `group` holds on the resource, by name. Names the database holds that this release does
/// not know are left out.
pub(crate) async fn held<P: Permission>(
    db: &impl ConnectionTrait,
    group: &str,
    resource_uri: &str,
) -> Result<Vec<P>> {
    let names: Vec<String> = rpp::Entity::find()
        .select_only()
        .column(rpp::Column::Permission)
        .join(sea_orm::JoinType::InnerJoin, rpp::Relation::Policy.def())
        .filter(rp::Column::ResourceUri.eq(resource_uri))
        .filter(rp::Column::PrincipalId.eq(group))
        .filter(rp::Column::PrincipalType.eq(GROUP))
        .filter(rp::Column::ResourceType.eq(P::KIND.as_str()))
        .order_by_asc(rpp::Column::Permission)
        .into_tuple()
        .all(db)
        .await?;
    // In the order of their names, as the API has always listed them.
    Ok(names.iter().filter_map(|n| P::parse(n)).collect())
}
