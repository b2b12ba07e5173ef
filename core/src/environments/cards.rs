//! What other resources show of an environment (a dataset's "environment" field, a share's
//! target): the facts anyone who sees the other resource may see, of many environments at once,
//! for one query per level of a GraphQL answer. The environment's description, tags, parameters
//! and stack are its teams' only (`Environments::get`), so a card does not hold them.

use std::collections::{HashMap, hash_map::Entry};

use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QueryResult,
    QuerySelect, QueryTrait,
};
use sluice_entities::{environment as env, environment_group as eg, organization as org, stack};

use super::{Environment, Environments, RESOURCE_TYPE, UserRole};
use crate::{
    Actor, Result,
    authz::{self, EnvironmentPermission},
    page::{self, Page, PageRequest, contains_any},
};

/// The stack statuses of an environment ready for use, as data.all's `listValidEnvironments`
/// counts them: created or updated, and not changing.
pub const VALID_STACK_STATUSES: [&str; 3] =
    ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"];

#[derive(Debug, Clone)]
pub struct EnvironmentCard {
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub region: String,
    /// The owning team.
    pub saml_group_name: String,
    pub organization_label: String,
    pub organization_name: String,
    /// The environment's teams, the owning team included.
    pub teams: Vec<String>,
    /// Shown where the viewer may see it: share participants, a dataset's own teams.
    pub(crate) aws_account_id: String,
    owner: String,
}

impl EnvironmentCard {
    fn new(environment: Environment, organization_label: String, organization_name: String) -> Self {
        Self {
            environment_uri: environment.environment_uri,
            organization_uri: environment.organization_uri,
            label: environment.label,
            name: environment.name,
            region: environment.region,
            saml_group_name: environment.saml_group_name,
            organization_label,
            organization_name,
            teams: Vec::new(),
            aws_account_id: environment.aws_account_id,
            owner: environment.owner,
        }
    }

    /// data.all's `userRoleInEnvironment` for anyone, member or not.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        if self.owner == actor.username() {
            UserRole::Owner
        } else if actor.in_group(&self.saml_group_name) {
            UserRole::Admin
        } else if self.teams.iter().any(|t| actor.in_group(t)) {
            UserRole::Invited
        } else {
            UserRole::NotInvited
        }
    }

    /// The account, for a caller who holds a share into or out of this environment: core hands
    /// a `Share` only to its requesters and approvers, and they see both accounts it joins.
    /// `None` when the share joins other environments.
    pub fn aws_account_id_for_share(&self, share: &crate::shares::Share) -> Option<&str> {
        let joined = [&share.environment_uri, &share.dataset_environment_uri];
        joined.contains(&&self.environment_uri).then_some(self.aws_account_id.as_str())
    }

    /// The account, for a member of one of the environment's teams, who reads it whole
    /// (GET_ENVIRONMENT).
    pub fn aws_account_id_for_member(&self, actor: &Actor) -> Option<&str> {
        self.teams.iter().any(|t| actor.in_group(t)).then_some(self.aws_account_id.as_str())
    }

    /// The account, through the view of a dataset of this environment: its own teams only.
    pub fn aws_account_id_for_dataset(&self, dataset: &crate::datasets::DatasetView) -> Option<&str> {
        (dataset.entry().environment_uri == self.environment_uri && dataset.is_full())
            .then_some(self.aws_account_id.as_str())
    }
}

impl Environments<'_> {
    /// data.all's `listValidEnvironments`, for pickers: the environments the actor's teams are
    /// in (GET_ENVIRONMENT) whose stack has deployed and is not changing ([`VALID_STACK_STATUSES`]),
    /// by label; `term` matches label, description, account and region, and `team` keeps those
    /// that team is in. Two queries: the page, then its cards.
    pub async fn list_valid(
        &self,
        actor: &Actor,
        term: Option<&str>,
        team: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<EnvironmentCard>> {
        let deployed = stack::Entity::find()
            .select_only()
            .column(stack::Column::TargetUri)
            .filter(stack::Column::TargetType.eq(RESOURCE_TYPE))
            .filter(stack::Column::Status.is_in(VALID_STACK_STATUSES))
            .into_query();
        let mut query = env::Entity::find()
            .filter(
                env::Column::EnvironmentUri
                    .in_subquery(authz::granted(EnvironmentPermission::GetEnvironment, actor)),
            )
            .filter(env::Column::EnvironmentUri.in_subquery(deployed));
        if let Some(team) = team.map(str::trim).filter(|t| !t.is_empty()) {
            let teams = eg::Entity::find()
                .select_only()
                .column(eg::Column::EnvironmentUri)
                .filter(eg::Column::GroupUri.eq(team))
                .into_query();
            query = query.filter(env::Column::EnvironmentUri.in_subquery(teams));
        }
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            let columns = [
                env::Column::Label,
                env::Column::Description,
                env::Column::AwsAccountId,
                env::Column::Region,
            ];
            query = query.filter(contains_any(term, columns.map(|c| (env::Entity, c))));
        }
        let query = query.order_by_asc(env::Column::Label).order_by_asc(env::Column::EnvironmentUri);
        let (rows, rest) = page::fetch(self.db, query, page).await?.take_nodes();
        let uris: Vec<String> = rows.into_iter().map(|r| r.environment_uri).collect();
        let mut cards = self.cards(&uris).await?;
        Ok(Page::new(page, rest.count, uris.iter().filter_map(|u| cards.remove(u)).collect()))
    }

    /// Cards of the given environments; unknown ones are left out. One query, whatever the number
    /// of environments: a row per team, each carrying its environment and organization.
    pub async fn cards(&self, uris: &[String]) -> Result<HashMap<String, EnvironmentCard>> {
        let rows = env::Entity::find()
            .filter(env::Column::EnvironmentUri.is_in(uris.iter().cloned()))
            .join(
                JoinType::LeftJoin,
                env::Entity::belongs_to(org::Entity)
                    .from(env::Column::OrganizationUri)
                    .to(org::Column::OrganizationUri)
                    .into(),
            )
            .join_rev(
                JoinType::LeftJoin,
                eg::Entity::belongs_to(env::Entity)
                    .from(eg::Column::EnvironmentUri)
                    .to(env::Column::EnvironmentUri)
                    .into(),
            )
            .column_as(org::Column::Label, ORGANIZATION_LABEL)
            .column_as(org::Column::Name, ORGANIZATION_NAME)
            .column_as(eg::Column::GroupUri, TEAM)
            .into_model::<CardRow>()
            .all(self.db)
            .await?;
        let mut cards: HashMap<String, EnvironmentCard> = HashMap::with_capacity(uris.len());
        for row in rows {
            let card = match cards.entry(row.environment.environment_uri.clone()) {
                Entry::Occupied(card) => card.into_mut(),
                Entry::Vacant(slot) => slot.insert(EnvironmentCard::new(
                    Environment::from_model(row.environment)?,
                    row.organization_label.unwrap_or_default(),
                    row.organization_name.unwrap_or_default(),
                )),
            };
            card.teams.extend(row.team);
        }
        Ok(cards)
    }
}

const ORGANIZATION_LABEL: &str = "sluice_organization_label";
const ORGANIZATION_NAME: &str = "sluice_organization_name";
const TEAM: &str = "sluice_team";

/// An environment joined with its organization and one of its teams (none if it has none).
struct CardRow {
    environment: env::Model,
    organization_label: Option<String>,
    organization_name: Option<String>,
    team: Option<String>,
}

impl FromQueryResult for CardRow {
    fn from_query_result(res: &QueryResult, pre: &str) -> std::result::Result<Self, DbErr> {
        Ok(Self {
            environment: env::Model::from_query_result(res, pre)?,
            organization_label: res.try_get(pre, ORGANIZATION_LABEL)?,
            organization_name: res.try_get(pre, ORGANIZATION_NAME)?,
            team: res.try_get(pre, TEAM)?,
        })
    }
}
