//! Teams in an environment: each has permissions there and an IAM role in the account, which
//! the environment stack creates (or the team brings).

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sluice_entities::environment_group as eg;

use super::{Environment, EnvironmentGroup, Environments, RESOURCE_TYPE, model, names, stacks};
use crate::{
    Actor, Error, Result, audit,
    organizations::validate,
    page::{self, Page, PageRequest},
    permissions::{self, catalog},
};

fn granted(requested: &[String]) -> Result<Vec<&'static str>> {
    catalog::invitation(requested, catalog::ENVIRONMENT_INVITABLE, catalog::ENVIRONMENT_INVITED_ALWAYS, &[])
}

impl Environments<'_> {
    /// Invites a team with `requested` permissions and an IAM role: `role_arn` imports one the
    /// team has, otherwise the stack creates one. The stack is redeployed.
    pub async fn invite_group(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
        role_arn: Option<&str>,
    ) -> Result<Environment> {
        let result = self.invite_inner(actor, uri, group, requested, role_arn).await;
        audit::record_failure(self.db, actor, "inviteGroupOnEnvironment", uri, RESOURCE_TYPE, &result).await;
        result
    }

    async fn invite_inner(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
        role_arn: Option<&str>,
    ) -> Result<Environment> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::INVITE_ENVIRONMENT_GROUP)
            .await?;
        let environment = self.load(uri).await?;
        let group = validate::group("groupUri", Some(group))?;
        let perms = granted(requested)?;
        if eg::Entity::find_by_id((uri.to_owned(), group.clone())).one(self.db).await?.is_some() {
            return Err(Error::Conflict(format!(
                "{group} is already in environment {uri}; use updateGroupEnvironmentPermissions"
            )));
        }
        let (arn, name, imported) = match role_arn.filter(|a| !a.trim().is_empty()) {
            Some(arn) => {
                let (arn, name) = model::role_arn("environmentIAMRoleArn", arn, &environment.aws_account_id)?;
                (arn, name, true)
            }
            None => {
                let name = names::team_role_name(&environment.resource_prefix, &group, uri);
                (format!("arn:aws:iam::{}:role/{name}", environment.aws_account_id), name, false)
            }
        };
        let txn = crate::db::write_txn(self.db).await?;
        eg::ActiveModel {
            environment_uri: Set(uri.to_owned()),
            group_uri: Set(group.clone()),
            invited_by: Set(actor.username.clone()),
            role_name: Set(name),
            role_arn: Set(arn),
            role_imported: Set(imported),
            created: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
        permissions::attach_resource_policy(&txn, &group, uri, RESOURCE_TYPE, &perms).await?;
        let task = stacks::queue_deploy(&txn, uri, &format!("{group} invited")).await?;
        audit::record(
            &txn,
            actor,
            "inviteGroupOnEnvironment",
            uri,
            RESOURCE_TYPE,
            &format!("{group}: [{}]; deploy task {task}", perms.join(", ")),
        )
        .await?;
        txn.commit().await?;
        Ok(environment)
    }

    pub async fn update_group_permissions(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
    ) -> Result<Environment> {
        let result = self.update_group_inner(actor, uri, group, requested).await;
        audit::record_failure(
            self.db,
            actor,
            "updateGroupEnvironmentPermissions",
            uri,
            RESOURCE_TYPE,
            &result,
        )
        .await;
        result
    }

    async fn update_group_inner(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
        requested: &[String],
    ) -> Result<Environment> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::INVITE_ENVIRONMENT_GROUP)
            .await?;
        let environment = self.load(uri).await?;
        if group == environment.saml_group_name {
            return Err(Error::validation(
                "groupUri",
                format!("{group} owns the environment and holds every permission"),
            ));
        }
        if eg::Entity::find_by_id((uri.to_owned(), group.to_owned())).one(self.db).await?.is_none() {
            return Err(Error::NotFound { kind: "environment team", uri: format!("{uri}/{group}") });
        }
        let perms = granted(requested)?;
        let txn = crate::db::write_txn(self.db).await?;
        permissions::attach_resource_policy(&txn, group, uri, RESOURCE_TYPE, &perms).await?;
        // The team's role policy follows its permissions.
        let task = stacks::queue_deploy(&txn, uri, &format!("{group}'s permissions changed")).await?;
        audit::record(
            &txn,
            actor,
            "updateGroupEnvironmentPermissions",
            uri,
            RESOURCE_TYPE,
            &format!("{group}: [{}]; deploy task {task}", perms.join(", ")),
        )
        .await?;
        txn.commit().await?;
        Ok(environment)
    }

    /// Removes a team and (through a redeploy) the role the stack made for it. Datasets and
    /// shares a team owns will block this once they exist.
    pub async fn remove_group(&self, actor: &Actor, uri: &str, group: &str) -> Result<Environment> {
        let result = self.remove_group_inner(actor, uri, group).await;
        audit::record_failure(self.db, actor, "removeGroupFromEnvironment", uri, RESOURCE_TYPE, &result)
            .await;
        result
    }

    async fn remove_group_inner(&self, actor: &Actor, uri: &str, group: &str) -> Result<Environment> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::REMOVE_ENVIRONMENT_GROUP)
            .await?;
        let environment = self.load(uri).await?;
        if group == environment.saml_group_name {
            return Err(Error::InvalidState(format!("{group} owns environment {uri} and cannot be removed")));
        }
        if eg::Entity::find_by_id((uri.to_owned(), group.to_owned())).one(self.db).await?.is_none() {
            return Err(Error::NotFound { kind: "environment team", uri: format!("{uri}/{group}") });
        }
        let owned = crate::datasets::Datasets::count_owned(self.db, uri, Some(group)).await?;
        if owned > 0 {
            return Err(Error::InvalidState(format!(
                "{group} owns {owned} dataset(s) in environment {uri}; delete them or hand them to another team first"
            )));
        }
        let txn = crate::db::write_txn(self.db).await?;
        eg::Entity::delete_by_id((uri.to_owned(), group.to_owned())).exec(&txn).await?;
        permissions::delete_resource_policy(&txn, group, uri).await?;
        let task = stacks::queue_deploy(&txn, uri, &format!("{group} removed")).await?;
        audit::record(
            &txn,
            actor,
            "removeGroupFromEnvironment",
            uri,
            RESOURCE_TYPE,
            &format!("removed {group}; deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        Ok(environment)
    }

    pub async fn list_groups(
        &self,
        actor: &Actor,
        uri: &str,
        page: PageRequest,
    ) -> Result<Page<EnvironmentGroup>> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::LIST_ENVIRONMENT_GROUPS)
            .await?;
        let query = eg::Entity::find().filter(eg::Column::EnvironmentUri.eq(uri));
        Ok(page::fetch(self.db, query.order_by_asc(eg::Column::GroupUri), page).await?.map(Into::into))
    }

    /// Every team of the environment, for the stack deploy. For the long tasks.
    pub async fn all_groups(
        db: &sea_orm::DatabaseConnection,
        uri: &str,
    ) -> Result<Vec<(EnvironmentGroup, Vec<String>)>> {
        let rows = eg::Entity::find()
            .filter(eg::Column::EnvironmentUri.eq(uri))
            .order_by_asc(eg::Column::GroupUri)
            .all(db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let perms = permissions::resource_permissions(db, &row.group_uri, uri).await?;
            out.push((row.into(), perms));
        }
        Ok(out)
    }
}

impl Environments<'_> {
    /// What a team holds on the environment. Needs LIST_ENVIRONMENT_GROUPS.
    pub async fn group_permissions(&self, actor: &Actor, uri: &str, group: &str) -> Result<Vec<String>> {
        permissions::require_resource(self.db, actor, RESOURCE_TYPE, uri, catalog::LIST_ENVIRONMENT_GROUPS)
            .await?;
        permissions::resource_permissions(self.db, group, uri).await
    }
}
