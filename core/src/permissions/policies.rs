//! Writing resource policies. Callers pass their transaction so a resource and its policies
//! are created together or not at all.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use sluice_entities::{resource_policy as rp, resource_policy_permission as rpp};

use super::GROUP;
use crate::{Result, uri::new_sid};

/// Gives `group` exactly `permissions` on the resource, replacing what it held before.
pub async fn attach_resource_policy(
    db: &impl ConnectionTrait,
    group: &str,
    resource_uri: &str,
    resource_type: &str,
    permissions: &[&str],
) -> Result<()> {
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
    let mut names: Vec<&str> = permissions.to_vec();
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

pub async fn delete_resource_policy(
    db: &impl ConnectionTrait,
    group: &str,
    resource_uri: &str,
) -> Result<()> {
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

/// The permission names `group` holds on the resource, sorted.
pub async fn resource_permissions(
    db: &impl ConnectionTrait,
    group: &str,
    resource_uri: &str,
) -> Result<Vec<String>> {
    Ok(rpp::Entity::find()
        .select_only()
        .column(rpp::Column::Permission)
        .join(sea_orm::JoinType::InnerJoin, rpp::Relation::Policy.def())
        .filter(rp::Column::ResourceUri.eq(resource_uri))
        .filter(rp::Column::PrincipalId.eq(group))
        .filter(rp::Column::PrincipalType.eq(GROUP))
        .order_by_asc(rpp::Column::Permission)
        .into_tuple()
        .all(db)
        .await?)
}
