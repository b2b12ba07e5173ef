//! What other resources show of an environment (a dataset's "environment" field): the public
//! facts of many environments at once, for one query per level of a GraphQL answer.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
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
    /// Cards of the given environments; unknown ones are left out. Three queries, whatever the
    /// number of environments.
    pub async fn cards(&self, uris: &[String]) -> Result<HashMap<String, EnvironmentCard>> {
        let envs = env::Entity::find()
            .filter(env::Column::EnvironmentUri.is_in(uris.iter().cloned()))
            .all(self.db)
            .await?;
        let org_uris: Vec<String> = envs.iter().map(|e| e.organization_uri.clone()).collect();
        let orgs: HashMap<String, org::Model> = org::Entity::find()
            .filter(org::Column::OrganizationUri.is_in(org_uris))
            .all(self.db)
            .await?
            .into_iter()
            .map(|o| (o.organization_uri.clone(), o))
            .collect();
        let mut teams: HashMap<String, Vec<String>> = HashMap::new();
        for g in eg::Entity::find()
            .filter(eg::Column::EnvironmentUri.is_in(uris.iter().cloned()))
            .all(self.db)
            .await?
        {
            teams.entry(g.environment_uri).or_default().push(g.group_uri);
        }
        envs.into_iter()
            .map(|e| {
                let organization = orgs.get(&e.organization_uri);
                let uri = e.environment_uri.clone();
                Ok((
                    uri.clone(),
                    EnvironmentCard {
                        organization_label: organization.map(|o| o.label.clone()).unwrap_or_default(),
                        organization_name: organization.map(|o| o.name.clone()).unwrap_or_default(),
                        teams: teams.remove(&uri).unwrap_or_default(),
                        environment: Environment::from_model(e)?,
                    },
                ))
            })
            .collect()
    }
}
