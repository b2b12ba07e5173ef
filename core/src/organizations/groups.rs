//! Teams in an organization: invite, change, remove and list them.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sluice_entities::organization_group as og;

use super::{
    Organization, OrganizationGroup, Organizations, RESOURCE_TYPE, ensure_active, insert_group, model,
};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, OrganizationPermission, organization as perm, sets},
    page::{self, Page, PageRequest, contains_any},
};

impl Organizations<'_> {
    /// Invites `group` with `requested` permissions (data.all's default set when empty);
    /// GET_ORGANIZATION is always included.
    pub async fn invite_group(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
    ) -> Result<Organization> {
        let result = self.set_group(actor, uri, group, requested, true).await;
        audit::record_failure(self.db, actor, "inviteGroupToOrganization", uri, RESOURCE_TYPE, &result).await;
        result
    }

    /// Replaces an invited team's permissions.
    pub async fn update_group(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
    ) -> Result<Organization> {
        let result = self.set_group(actor, uri, group, requested, false).await;
        audit::record_failure(self.db, actor, "updateOrganizationGroup", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn set_group(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
        invite: bool,
    ) -> Result<Organization> {
        let org = authz::authorize::<perm::InviteOrganizationGroup>(self.db, actor, uri).await?;
        ensure_active(&org)?;
        let group = model::group("groupUri", Some(group))?;
        if group == org.saml_group_name {
            return Err(Error::validation(
                "groupUri",
                format!("{group} is the admin team and holds every permission already"),
            ));
        }
        let granted = invitable(requested)?;
        let member = og::Entity::find_by_id((uri.to_owned(), group.clone())).one(self.db).await?.is_some();
        let action = match (invite, member) {
            (true, true) => {
                return Err(Error::Conflict(format!(
                    "{group} is already in organization {uri}; use updateOrganizationGroup to change its permissions"
                )));
            }
            (false, false) => {
                return Err(Error::NotFound { kind: "organization team", uri: format!("{uri}/{group}") });
            }
            (true, false) => "inviteGroupToOrganization",
            (false, true) => "updateOrganizationGroup",
        };
        let txn = crate::db::write_txn(self.db).await?;
        if invite {
            insert_group(&txn, uri, &group, actor.username()).await?;
        }
        authz::policies::attach(&txn, &group, uri, &granted).await?;
        let names: Vec<&str> = granted.iter().map(|p| authz::Permission::name(*p)).collect();
        audit::record(&txn, actor, action, uri, RESOURCE_TYPE, &format!("{group}: [{}]", names.join(", ")))
            .await?;
        txn.commit().await?;
        Ok(org.into_inner())
    }

    pub async fn remove_group(&self, actor: &Actor, uri: &str, group: &str) -> Result<Organization> {
        let result = self.remove_group_inner(actor, uri, group).await;
        audit::record_failure(self.db, actor, "removeGroupFromOrganization", uri, RESOURCE_TYPE, &result)
            .await;
        result
    }

    async fn remove_group_inner(&self, actor: &Actor, uri: &str, group: &str) -> Result<Organization> {
        let org = authz::authorize::<perm::RemoveOrganizationGroup>(self.db, actor, uri).await?;
        ensure_active(&org)?;
        if group == org.saml_group_name {
            return Err(Error::InvalidState(format!(
                "{group} is the admin team of organization {uri}; give the organization another admin team first"
            )));
        }
        if og::Entity::find_by_id((uri.to_owned(), group.to_owned())).one(self.db).await?.is_none() {
            return Err(Error::NotFound { kind: "organization team", uri: format!("{uri}/{group}") });
        }
        let txn = crate::db::write_txn(self.db).await?;
        og::Entity::delete_by_id((uri.to_owned(), group.to_owned())).exec(&txn).await?;
        authz::policies::detach(&txn, group, uri).await?;
        audit::record(
            &txn,
            actor,
            "removeGroupFromOrganization",
            uri,
            RESOURCE_TYPE,
            &format!("removed {group}"),
        )
        .await?;
        txn.commit().await?;
        Ok(org.into_inner())
    }

    pub async fn list_groups(
        &self,
        actor: &Actor,
        uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<OrganizationGroup>> {
        authz::authorize::<perm::GetOrganization>(self.db, actor, uri).await?;
        let mut query = og::Entity::find().filter(og::Column::OrganizationUri.eq(uri));
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(og::Entity, og::Column::GroupUri)]));
        }
        let rows = page::fetch(self.db, query.order_by_asc(og::Column::GroupUri), page).await?;
        Ok(rows.map(|r| OrganizationGroup {
            organization_uri: r.organization_uri,
            group_uri: r.group_uri,
            invited_by: r.invited_by,
            created: r.created,
        }))
    }

    pub async fn group_permissions(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
    ) -> Result<Vec<OrganizationPermission>> {
        authz::authorize::<perm::GetOrganization>(self.db, actor, uri).await?;
        authz::policies::held(self.db, group, uri).await
    }
}

/// data.all's default set when nothing is requested; GET_ORGANIZATION always.
fn invitable(requested: &[String]) -> Result<Vec<OrganizationPermission>> {
    sets::invitation(
        requested,
        sets::ORGANIZATION_INVITABLE,
        &[OrganizationPermission::GetOrganization],
        sets::ORGANIZATION_INVITED_DEFAULT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_always_includes_get_and_rejects_admin_only_permissions() {
        let both = vec![OrganizationPermission::GetOrganization, OrganizationPermission::LinkEnvironment];
        assert_eq!(invitable(&["LINK_ENVIRONMENT".into()]).expect("valid"), both);
        assert_eq!(invitable(&[]).expect("valid"), both);
        assert_eq!(
            invitable(&["DELETE_ORGANIZATION".into()]).expect_err("admin only").code(),
            "BAD_USER_INPUT"
        );
    }
}
