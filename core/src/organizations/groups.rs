//! Teams in an organization: invite, change, remove and list them.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sluice_entities::organization_group as og;

use super::{
    Organization, OrganizationGroup, Organizations, RESOURCE_TYPE, ensure_active, insert_group, model,
};
use crate::{
    Actor, Error, Result, audit,
    page::{self, Page, PageRequest, contains_any},
    permissions::{self, catalog},
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
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::INVITE_ORGANIZATION_GROUP)
            .await?;
        let org = self.load(uri).await?;
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
            insert_group(&txn, uri, &group, &actor.username).await?;
        }
        permissions::attach_resource_policy(&txn, &group, uri, RESOURCE_TYPE, &granted).await?;
        audit::record(&txn, actor, action, uri, RESOURCE_TYPE, &format!("{group}: [{}]", granted.join(", ")))
            .await?;
        txn.commit().await?;
        Ok(org)
    }

    pub async fn remove_group(&self, actor: &Actor, uri: &str, group: &str) -> Result<Organization> {
        let result = self.remove_group_inner(actor, uri, group).await;
        audit::record_failure(self.db, actor, "removeGroupFromOrganization", uri, RESOURCE_TYPE, &result)
            .await;
        result
    }

    async fn remove_group_inner(&self, actor: &Actor, uri: &str, group: &str) -> Result<Organization> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::REMOVE_ORGANIZATION_GROUP)
            .await?;
        let org = self.load(uri).await?;
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
        permissions::delete_resource_policy(&txn, group, uri).await?;
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
        Ok(org)
    }

    pub async fn list_groups(
        &self,
        actor: &Actor,
        uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<OrganizationGroup>> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::GET_ORGANIZATION).await?;
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

    pub async fn group_permissions(&self, actor: &Actor, uri: &str, group: &str) -> Result<Vec<String>> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::GET_ORGANIZATION).await?;
        permissions::resource_permissions(self.db, group, uri).await
    }
}

/// data.all's default set when nothing is requested; GET_ORGANIZATION always.
fn invitable(requested: &[String]) -> Result<Vec<&'static str>> {
    catalog::invitation(
        requested,
        catalog::ORGANIZATION_INVITABLE,
        &[catalog::GET_ORGANIZATION],
        catalog::ORGANIZATION_INVITED_DEFAULT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_always_includes_get_and_rejects_admin_only_permissions() {
        assert_eq!(
            invitable(&["LINK_ENVIRONMENT".into()]).expect("valid"),
            vec!["GET_ORGANIZATION", "LINK_ENVIRONMENT"]
        );
        assert_eq!(invitable(&[]).expect("valid"), vec!["GET_ORGANIZATION", "LINK_ENVIRONMENT"]);
        assert_eq!(
            invitable(&["DELETE_ORGANIZATION".into()]).expect_err("admin only").code(),
            "BAD_USER_INPUT"
        );
    }
}
