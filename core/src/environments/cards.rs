//! What other resources show of an environment (a dataset's "environment" field): the public
//! facts of many environments at once, for one query per level of a GraphQL answer.

use std::collections::{HashMap, hash_map::Entry};

use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryResult, QuerySelect,
};
use sluice_entities::{environment as env, environment_group as eg, organization as org};

use super::{Environment, Environments, UserRole};
use crate::{Actor, Result};

#[derive(Debug, Clone)]
pub struct EnvironmentCard {
    pub environment: Environment,
    pub organization_label: String,
    pub organization_name: String,
    /// The environment's teams, the owning team included.
    pub teams: Vec<String>,
}

impl EnvironmentCard {
    /// data.all's `userRoleInEnvironment` for anyone, member or not.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        match self.environment.role_of(actor) {
            UserRole::Invited if !self.teams.iter().any(|t| actor.in_group(t)) => UserRole::NotInvited,
            role => role,
        }
    }
}

impl Environments<'_> {
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
                Entry::Vacant(slot) => slot.insert(EnvironmentCard {
                    organization_label: row.organization_label.unwrap_or_default(),
                    organization_name: row.organization_name.unwrap_or_default(),
                    teams: Vec::new(),
                    environment: Environment::from_model(row.environment)?,
                }),
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
