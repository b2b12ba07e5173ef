//! Teams in an environment: each has permissions there and an IAM role in the account, which
//! the environment stack creates (or the team brings).

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use sluice_entities::{environment_group as eg, organization_group as og};

use super::{Environment, EnvironmentGroup, Environments, RESOURCE_TYPE, model, names, stacks};
use crate::{
    Actor, Error, Result, audit,
    authz::{self, EnvironmentPermission, Permission, environment as perm, sets},
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
};

/// Which of an environment's teams a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentTeams {
    /// Every team, the owning team included.
    All,
    /// The teams invited to it: all but the owning team.
    Invited,
}

/// One of the caller's teams that is in an environment, and when it first joined one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInEnvironments {
    pub group_uri: String,
    pub first_joined: chrono::DateTime<chrono::Utc>,
}

fn granted(requested: &[String]) -> Result<Vec<EnvironmentPermission>> {
    sets::invitation(requested, sets::ENVIRONMENT_INVITABLE, sets::ENVIRONMENT_INVITED_ALWAYS, &[])
}

fn names(perms: &[EnvironmentPermission]) -> String {
    perms.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
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
        let environment = authz::authorize::<perm::InviteEnvironmentGroup>(self.db, actor, uri).await?;
        let group = validate::group("groupUri", Some(group))?;
        let perms = granted(requested)?;
        // As in data.all: an environment's teams come from its organization's.
        if og::Entity::find_by_id((environment.organization_uri.clone(), group.clone()))
            .one(self.db)
            .await?
            .is_none()
        {
            return Err(Error::validation(
                "groupUri",
                format!(
                    "Group {group} is not a member of the organization {}. Invite this group to the \
                     organisation before giving it access to the environment.",
                    environment.organization_uri
                ),
            ));
        }
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
            invited_by: Set(environment.actor().username().to_owned()),
            role_name: Set(name),
            role_arn: Set(arn),
            role_imported: Set(imported),
            created: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
        authz::policies::attach(&txn, &group, uri, &perms).await?;
        let task = stacks::queue_deploy(&txn, uri, &format!("{group} invited")).await?;
        audit::record(
            &txn,
            environment.actor(),
            "inviteGroupOnEnvironment",
            uri,
            RESOURCE_TYPE,
            &format!("{group}: [{}]; deploy task {task}", names(&perms)),
        )
        .await?;
        txn.commit().await?;
        Ok(environment.into_inner())
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
        let environment = authz::authorize::<perm::InviteEnvironmentGroup>(self.db, actor, uri).await?;
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
        authz::policies::attach(&txn, group, uri, &perms).await?;
        // The team's role policy follows its permissions.
        let task = stacks::queue_deploy(&txn, uri, &format!("{group}'s permissions changed")).await?;
        audit::record(
            &txn,
            environment.actor(),
            "updateGroupEnvironmentPermissions",
            uri,
            RESOURCE_TYPE,
            &format!("{group}: [{}]; deploy task {task}", names(&perms)),
        )
        .await?;
        txn.commit().await?;
        Ok(environment.into_inner())
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
        let environment = authz::authorize::<perm::RemoveEnvironmentGroup>(self.db, actor, uri).await?;
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
        let held = held_by(self.db, uri, group).await?;
        if !held.is_empty() {
            return Err(Error::InvalidState(format!(
                "{group} still has {} in environment {}; delete them first, as the team's role goes with it",
                held.join(", "),
                environment.label
            )));
        }
        let txn = crate::db::write_txn(self.db).await?;
        eg::Entity::delete_by_id((uri.to_owned(), group.to_owned())).exec(&txn).await?;
        authz::policies::detach(&txn, group, uri).await?;
        let task = stacks::queue_deploy(&txn, uri, &format!("{group} removed")).await?;
        audit::record(
            &txn,
            environment.actor(),
            "removeGroupFromEnvironment",
            uri,
            RESOURCE_TYPE,
            &format!("removed {group}; deploy task {task}"),
        )
        .await?;
        txn.commit().await?;
        Ok(environment.into_inner())
    }

    /// The environment's teams (`which` says whether the owning team too) whose name contains
    /// `term`, with their roles. Needs LIST_ENVIRONMENT_GROUPS.
    pub async fn list_groups(
        &self,
        actor: &Actor,
        uri: &str,
        which: EnvironmentTeams,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<EnvironmentGroup>> {
        let environment = authz::authorize::<perm::ListEnvironmentGroups>(self.db, actor, uri).await?;
        let mut query = eg::Entity::find().filter(eg::Column::EnvironmentUri.eq(uri));
        if which == EnvironmentTeams::Invited {
            query = query.filter(eg::Column::GroupUri.ne(environment.saml_group_name.as_str()));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(eg::Entity, eg::Column::GroupUri)]));
        }
        Ok(page::fetch(self.db, query.order_by_asc(eg::Column::GroupUri), page).await?.map(Into::into))
    }

    /// The caller's teams that are in at least one environment, by name (data.all's
    /// `listAllGroups`): a caller may always see its own teams, so there is nothing to check
    /// beyond being signed in. At most one row per team of the caller's.
    pub async fn list_all_groups(
        &self,
        actor: &Actor,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<TeamInEnvironments>> {
        let mut query = eg::Entity::find()
            .select_only()
            .column(eg::Column::GroupUri)
            .column_as(Expr::col(eg::Column::Created).min(), "first_joined")
            .filter(eg::Column::GroupUri.is_in(actor.groups().iter().cloned()))
            .group_by(eg::Column::GroupUri)
            .order_by_asc(eg::Column::GroupUri);
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [(eg::Entity, eg::Column::GroupUri)]));
        }
        let teams: Vec<(String, chrono::DateTime<chrono::Utc>)> = query.into_tuple().all(self.db).await?;
        let count = teams.len() as u64;
        let nodes = teams
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.page_size as usize)
            .map(|(group_uri, first_joined)| TeamInEnvironments { group_uri, first_joined })
            .collect();
        Ok(Page::new(page, count, nodes))
    }

    /// Every team of the environment, for the stack deploy. For the long tasks.
    pub(crate) async fn all_groups(
        db: &sea_orm::DatabaseConnection,
        uri: &str,
    ) -> Result<Vec<(EnvironmentGroup, Vec<EnvironmentPermission>)>> {
        let rows = eg::Entity::find()
            .filter(eg::Column::EnvironmentUri.eq(uri))
            .order_by_asc(eg::Column::GroupUri)
            .all(db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let perms = authz::policies::held(db, &row.group_uri, uri).await?;
            out.push((row.into(), perms));
        }
        Ok(out)
    }
}

impl Environments<'_> {
    /// What a team holds on the environment. Needs LIST_ENVIRONMENT_GROUPS.
    pub async fn group_permissions(
        &self,
        actor: &Actor,
        uri: &str,
        group: &str,
    ) -> Result<Vec<EnvironmentPermission>> {
        authz::authorize::<perm::ListEnvironmentGroups>(self.db, actor, uri).await?;
        authz::policies::held(self.db, group, uri).await
    }
}

/// What `group` still holds in the environment besides datasets, in words ("2 share request(s)"):
/// as in data.all, a team leaves only once its shares, consumption roles and networks there are
/// gone. Its shares' grants go to its role, which the deploy after a removal deletes, and
/// nothing could revoke them once the team is no longer there.
async fn held_by(db: &impl sea_orm::ConnectionTrait, env_uri: &str, group: &str) -> Result<Vec<String>> {
    use sea_orm::PaginatorTrait;
    use sluice_entities::{consumption_principal as cp, environment_network as net, share_object as so};
    let shares = so::Entity::find()
        .filter(so::Column::EnvironmentUri.eq(env_uri))
        .filter(so::Column::GroupUri.eq(group))
        .count(db)
        .await?;
    let roles = cp::Entity::find()
        .filter(cp::Column::EnvironmentUri.eq(env_uri))
        .filter(cp::Column::GroupUri.eq(group))
        .count(db)
        .await?;
    let networks = net::Entity::find()
        .filter(net::Column::EnvironmentUri.eq(env_uri))
        .filter(net::Column::SamlGroupName.eq(group))
        .count(db)
        .await?;
    Ok([(shares, "share request(s)"), (roles, "consumption role(s)"), (networks, "network(s)")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect())
}
