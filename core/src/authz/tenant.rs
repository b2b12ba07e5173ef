//! Tenant permissions per group, and the admin operations on them.

use std::{collections::HashSet, sync::Mutex};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::OnConflict,
};
use sluice_entities::{tenant_policy as tp, tenant_policy_permission as tpp};

use super::{TenantPermission, authorize_admin, proof::GROUP};
use crate::{
    Actor, Error, Result, audit,
    page::{self, Page, PageRequest, contains_any},
    uri::new_sid,
};

/// A group with its tenant permissions, as the admin page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantGroup {
    pub group_uri: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub permissions: Vec<String>,
}

/// Remembers which groups already have a tenant policy, so that only a group's first request
/// touches the database.
#[derive(Debug, Default)]
pub struct GroupRegistry {
    known: Mutex<HashSet<String>>,
}

impl GroupRegistry {
    /// Gives every group seen for the first time all tenant permissions, as data.all does; an
    /// admin narrows them afterwards.
    pub async fn ensure_known(&self, db: &DatabaseConnection, groups: &[String]) -> Result<()> {
        let unknown: Vec<String> = {
            let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
            groups.iter().filter(|g| !known.contains(*g)).cloned().collect()
        };
        for group in unknown {
            ensure_policy(db, &group).await?;
            self.known.lock().unwrap_or_else(|e| e.into_inner()).insert(group);
        }
        Ok(())
    }
}

/// Creates the group's tenant policy with every tenant permission, unless it exists already.
async fn ensure_policy(db: &DatabaseConnection, group: &str) -> Result<()> {
    let txn = crate::db::write_txn(db).await?;
    let inserted = tp::Entity::insert(tp::ActiveModel {
        sid: Set(new_sid()),
        principal_id: Set(group.to_owned()),
        principal_type: Set(GROUP.to_owned()),
        created: Set(chrono::Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([tp::Column::PrincipalId, tp::Column::PrincipalType]).do_nothing().to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted == 1 {
        let sid =
            policy_sid(&txn, group).await?.ok_or_else(|| Error::Internal("tenant policy vanished".into()))?;
        replace_permissions(&txn, &sid, TenantPermission::ALL).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn policy_sid(db: &impl ConnectionTrait, group: &str) -> Result<Option<String>> {
    Ok(tp::Entity::find()
        .select_only()
        .column(tp::Column::Sid)
        .filter(tp::Column::PrincipalId.eq(group))
        .filter(tp::Column::PrincipalType.eq(GROUP))
        .into_tuple()
        .one(db)
        .await?)
}

async fn replace_permissions(db: &impl ConnectionTrait, sid: &str, names: &[TenantPermission]) -> Result<()> {
    tpp::Entity::delete_many().filter(tpp::Column::Sid.eq(sid)).exec(db).await?;
    if !names.is_empty() {
        tpp::Entity::insert_many(
            names
                .iter()
                .map(|p| tpp::ActiveModel { sid: Set(sid.to_owned()), permission: Set(p.name().to_owned()) }),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Admin operations on tenant permissions.
pub struct TenantAdmin<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

impl TenantAdmin<'_> {
    pub fn list_permissions(&self, actor: &Actor) -> Result<&'static [TenantPermission]> {
        authorize_admin(actor)?;
        Ok(TenantPermission::ALL)
    }

    pub async fn list_groups(
        &self,
        actor: &Actor,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TenantGroup>> {
        authorize_admin(actor)?;
        let mut query = tp::Entity::find().filter(tp::Column::PrincipalType.eq(GROUP));
        if let Some(term) = term.filter(|t| !t.trim().is_empty()) {
            query = query.filter(contains_any(term, [(tp::Entity, tp::Column::PrincipalId)]));
        }
        let policies = page::fetch(self.db, query.order_by_asc(tp::Column::PrincipalId), page).await?;
        let sids: Vec<String> = policies.nodes.iter().map(|p| p.sid.clone()).collect();
        let grants = tpp::Entity::find()
            .filter(tpp::Column::Sid.is_in(sids))
            .order_by_asc(tpp::Column::Permission)
            .all(self.db)
            .await?;
        Ok(policies.map(|p| TenantGroup {
            permissions: grants.iter().filter(|g| g.sid == p.sid).map(|g| g.permission.clone()).collect(),
            group_uri: p.principal_id,
            created: p.created,
        }))
    }

    /// Replaces the group's tenant permissions with `permissions`, creating its policy if the
    /// group has never signed in.
    pub async fn update_group_permissions(
        &self,
        actor: &Actor,
        group: &str,
        permissions: &[String],
    ) -> Result<()> {
        let result = self.update_inner(actor, group, permissions).await;
        audit::record_failure(self.db, actor, "updateGroupTenantPermissions", group, "group", &result).await;
        result
    }

    async fn update_inner(&self, actor: &Actor, group: &str, permissions: &[String]) -> Result<()> {
        let admin = authorize_admin(actor)?;
        let group = crate::organizations::validate::group("groupUri", Some(group))?;
        let group = group.as_str();
        let mut names = Vec::with_capacity(permissions.len());
        for name in permissions {
            match TenantPermission::parse(name) {
                Some(p) => names.push(p),
                None => {
                    let valid: Vec<_> = TenantPermission::ALL.iter().map(|p| p.name()).collect();
                    return Err(Error::validation(
                        "permissions",
                        format!("{name} is not a tenant permission; use any of {}", valid.join(", ")),
                    ));
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        ensure_policy(self.db, group).await?;
        let txn = crate::db::write_txn(self.db).await?;
        let sid =
            policy_sid(&txn, group).await?.ok_or_else(|| Error::Internal("tenant policy vanished".into()))?;
        replace_permissions(&txn, &sid, &names).await?;
        let listed: Vec<&str> = names.iter().map(|p| p.name()).collect();
        audit::record(
            &txn,
            admin.actor(),
            "updateGroupTenantPermissions",
            group,
            "group",
            &format!("tenant permissions set to [{}]", listed.join(", ")),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
