//! Organizations: the top of the tenancy tree. Only the admin team and invited teams see one.

mod groups;
mod model;
mod query;

/// Input rules other resources share with organizations (labels, tags, team names).
pub(crate) mod validate {
    pub(crate) use super::model::{
        description, group, is_bidi_control, label, printable, require_membership, slug, tags,
    };
}

pub use model::{
    ModifyOrganization, NewOrganization, Organization, OrganizationFilter, OrganizationGroup,
    OrganizationStats, RESOURCE_TYPE, Sort, SortField, UserRole,
};

use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use sluice_entities::{organization, organization_group};

use crate::{
    Actor, Error, Result, audit,
    authz::{
        self, Authorized, OrganizationPermission, organization as perm, proof::stored_resource, sets,
        tenant_grants::ManageOrganizations,
    },
    uri::new_uri,
};

stored_resource!(
    Organization,
    Organization,
    organization::Entity,
    organization::Column::OrganizationUri,
    Organization::from_model
);

pub struct Organizations<'a> {
    pub(crate) db: &'a DatabaseConnection,
}

impl Organizations<'_> {
    pub async fn create(&self, actor: &Actor, input: NewOrganization) -> Result<Organization> {
        let result = self.create_inner(actor, input).await;
        audit::record_failure(self.db, actor, "createOrganization", "-", RESOURCE_TYPE, &result).await;
        result
    }

    async fn create_inner(&self, actor: &Actor, input: NewOrganization) -> Result<Organization> {
        let tenant = authz::authorize_tenant::<ManageOrganizations>(self.db, actor).await?;
        let actor = tenant.actor();
        let label = model::label(input.label.as_deref())?;
        let description = model::description(input.description.as_deref())?;
        let tags = model::tags(input.tags.as_deref())?;
        let admin_team = model::group("SamlGroupName", input.saml_group_name.as_deref())?;
        model::require_membership(actor, "SamlGroupName", &admin_team)?;

        let now = chrono::Utc::now();
        let uri = new_uri();
        let txn = crate::db::write_txn(self.db).await?;
        let row = organization::ActiveModel {
            organization_uri: Set(uri.clone()),
            name: Set(model::slug(&label)),
            label: Set(label),
            description: Set(description),
            tags: Set(tags_json(&tags)?),
            owner: Set(actor.username().to_owned()),
            saml_group_name: Set(admin_team.clone()),
            archived: Set(false),
            pivot_external_id: Set(Some(crate::environments::onboarding::new_external_id())),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await?;
        insert_group(&txn, &uri, &admin_team, actor.username()).await?;
        authz::policies::attach(&txn, &admin_team, &uri, sets::ORGANIZATION_ALL).await?;
        audit::record(
            &txn,
            actor,
            "createOrganization",
            &uri,
            RESOURCE_TYPE,
            &format!("created with admin team {admin_team}"),
        )
        .await?;
        txn.commit().await?;
        Organization::from_model(row)
    }

    pub async fn get(&self, actor: &Actor, uri: &str) -> Result<Organization> {
        Ok(authz::authorize::<perm::GetOrganization>(self.db, actor, uri).await?.into_inner())
    }

    /// An organization with no permission check: for callers that checked already.
    pub(crate) async fn load(&self, uri: &str) -> Result<Organization> {
        let row = organization::Entity::find_by_id(uri.to_owned())
            .one(self.db)
            .await?
            .ok_or_else(|| Error::NotFound { kind: RESOURCE_TYPE, uri: uri.to_owned() })?;
        Organization::from_model(row)
    }

    pub async fn update(&self, actor: &Actor, uri: &str, input: ModifyOrganization) -> Result<Organization> {
        let result = self.update_inner(actor, uri, input).await;
        audit::record_failure(self.db, actor, "updateOrganization", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn update_inner(
        &self,
        actor: &Actor,
        uri: &str,
        input: ModifyOrganization,
    ) -> Result<Organization> {
        let current = authz::authorize::<perm::UpdateOrganization>(self.db, actor, uri).await?;
        ensure_active(&current)?;
        let mut row: organization::ActiveModel = organization::ActiveModel {
            organization_uri: Set(uri.to_owned()),
            updated: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let mut changes = Vec::new();
        if input.label.is_some() {
            let label = model::label(input.label.as_deref())?;
            row.name = Set(model::slug(&label));
            row.label = Set(label);
            changes.push("label");
        }
        if input.description.is_some() {
            row.description = Set(model::description(input.description.as_deref())?);
            changes.push("description");
        }
        if input.tags.is_some() {
            row.tags = Set(tags_json(&model::tags(input.tags.as_deref())?)?);
            changes.push("tags");
        }
        let new_admin = match input.saml_group_name.as_deref() {
            Some(g) => {
                let g = model::group("SamlGroupName", Some(g))?;
                (g != current.saml_group_name).then_some(g)
            }
            None => None,
        };
        if let Some(new_admin) = &new_admin {
            model::require_membership(actor, "SamlGroupName", new_admin)?;
        }
        self.write_update(&current, row, new_admin, changes).await
    }

    async fn write_update(
        &self,
        current: &Authorized<Organization, perm::UpdateOrganization>,
        mut row: organization::ActiveModel,
        new_admin: Option<String>,
        mut changes: Vec<&str>,
    ) -> Result<Organization> {
        let (uri, actor) = (current.organization_uri.as_str(), current.actor());
        let txn = crate::db::write_txn(self.db).await?;
        if let Some(new_admin) = &new_admin {
            // The old admin team stays as an invited team with read access, so nobody loses sight
            // of the organization by accident; the new admin team may remove it.
            authz::policies::attach(
                &txn,
                &current.saml_group_name,
                uri,
                &[OrganizationPermission::GetOrganization],
            )
            .await?;
            if organization_group::Entity::find_by_id((uri.to_owned(), new_admin.clone()))
                .one(&txn)
                .await?
                .is_none()
            {
                insert_group(&txn, uri, new_admin, actor.username()).await?;
            }
            authz::policies::attach(&txn, new_admin, uri, sets::ORGANIZATION_ALL).await?;
            row.saml_group_name = Set(new_admin.clone());
            changes.push("admin team");
        }
        let updated = row.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            "updateOrganization",
            uri,
            RESOURCE_TYPE,
            &format!("changed {}", changes.join(", ")),
        )
        .await?;
        txn.commit().await?;
        Organization::from_model(updated)
    }

    /// Archiving hides the organization from lists (unless asked for) and freezes it. Archiving
    /// an archived organization succeeds without change, so scripts can retry.
    pub async fn archive(&self, actor: &Actor, uri: &str) -> Result<bool> {
        let result = self.archive_inner(actor, uri).await;
        audit::record_failure(self.db, actor, "archiveOrganization", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn archive_inner(&self, actor: &Actor, uri: &str) -> Result<bool> {
        let current = authz::authorize::<perm::DeleteOrganization>(self.db, actor, uri).await?;
        let txn = crate::db::write_txn(self.db).await?;
        if !current.archived {
            organization::ActiveModel {
                organization_uri: Set(uri.to_owned()),
                archived: Set(true),
                updated: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        }
        let summary = if current.archived { "already archived" } else { "archived" };
        audit::record(&txn, actor, "archiveOrganization", uri, RESOURCE_TYPE, summary).await?;
        txn.commit().await?;
        Ok(true)
    }
}

fn ensure_active(org: &Organization) -> Result<()> {
    if org.archived {
        Err(Error::InvalidState(format!(
            "organization {} is archived and cannot change",
            org.organization_uri
        )))
    } else {
        Ok(())
    }
}

fn tags_json(tags: &[String]) -> Result<String> {
    serde_json::to_string(tags).map_err(|e| Error::Internal(Box::new(e)))
}

async fn insert_group(
    db: &impl sea_orm::ConnectionTrait,
    uri: &str,
    group: &str,
    invited_by: &str,
) -> Result<()> {
    organization_group::Entity::insert(organization_group::ActiveModel {
        organization_uri: Set(uri.to_owned()),
        group_uri: Set(group.to_owned()),
        invited_by: Set(invited_by.to_owned()),
        created: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
