//! Networks: VPCs a team registers in an environment, as data.all's `createNetwork` does, for
//! tools that run in the account to find. Sluice provisions nothing for them and does not read
//! the VPC from AWS: a record names ids, and its ids are checked for their shape only.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sluice_entities::environment_network as net;

use super::{Environments, RESOURCE_TYPE};
use crate::{
    Actor, Error, Result, audit,
    audit::{Scope, ScopeKind},
    authz::{self, environment as perm, tenant_grants},
    error::OnConflict,
    organizations::validate,
    page::{self, Page, PageRequest, contains_any},
    uri::new_uri,
};

/// What activity rows call a network, as data.all's `targetType` does.
pub const NETWORK_TYPE: &str = "Vpc";

/// At most this many subnets of each kind on one network.
const MAX_SUBNETS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub vpc_uri: String,
    pub environment_uri: String,
    pub vpc_id: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub saml_group_name: String,
    pub private_subnet_ids: Vec<String>,
    pub public_subnet_ids: Vec<String>,
    pub tags: Vec<String>,
    pub owner: String,
    /// The environment's account and region, read with the network: a network is registered in
    /// its environment's account.
    pub aws_account_id: String,
    pub region: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Network {
    /// `m`, a network of `environment`.
    fn of(environment: &super::Environment, m: net::Model) -> Result<Self> {
        let list = |s: &str| -> Result<Vec<String>> {
            serde_json::from_str(s).map_err(|e| Error::Internal(Box::new(e)))
        };
        Ok(Self {
            private_subnet_ids: list(&m.private_subnet_ids)?,
            public_subnet_ids: list(&m.public_subnet_ids)?,
            tags: list(&m.tags)?,
            vpc_uri: m.vpc_uri,
            environment_uri: m.environment_uri,
            vpc_id: m.vpc_id,
            label: m.label,
            name: m.name,
            description: m.description,
            saml_group_name: m.saml_group_name,
            owner: m.owner,
            aws_account_id: environment.aws_account_id.clone(),
            region: environment.region.clone(),
            created: m.created,
            updated: m.updated,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewNetwork {
    pub environment_uri: String,
    pub label: String,
    pub vpc_id: String,
    pub private_subnet_ids: Vec<String>,
    pub public_subnet_ids: Vec<String>,
    pub description: Option<String>,
    /// The environment team that registers it; the caller must be a member.
    pub saml_group_name: String,
    pub tags: Vec<String>,
}

/// An AWS id of the shape `<prefix>-` and 8 or 17 lowercase hex digits (`vpc-0a1b2c3d`).
fn aws_id(field: &str, prefix: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let hex = value.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')).unwrap_or_default();
    if matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(value.to_owned())
    } else {
        Err(Error::validation(
            field,
            format!(
                "{value:?} is not a {prefix} id: {prefix}- and 8 or 17 lowercase hex digits, as {prefix}-0a1b2c3d"
            ),
        ))
    }
}

fn subnets(field: &str, values: &[String]) -> Result<Vec<String>> {
    if values.len() > MAX_SUBNETS {
        return Err(Error::validation(field, format!("at most {MAX_SUBNETS} subnets")));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let id = aws_id(field, "subnet", value)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn json(values: &[String]) -> Result<String> {
    serde_json::to_string(values).map_err(|e| Error::Internal(Box::new(e)))
}

impl Environments<'_> {
    /// Registers a VPC for one of the environment's teams. Needs MANAGE_ENVIRONMENTS, then
    /// CREATE_NETWORK held by that team, and membership of it (platform admins excepted).
    pub async fn create_network(&self, actor: &Actor, input: NewNetwork) -> Result<Network> {
        let env_uri = input.environment_uri.clone();
        let result = self.create_network_inner(actor, input).await;
        let scope = Scope::new(ScopeKind::Environment, &env_uri);
        audit::record_failure_in(self.db, actor, "createNetwork", (&env_uri, RESOURCE_TYPE), scope, &result)
            .await;
        result
    }

    async fn create_network_inner(&self, actor: &Actor, input: NewNetwork) -> Result<Network> {
        let env_uri = input.environment_uri.as_str();
        // data.all asks for the tenant permission first, as for every environment change.
        authz::authorize_tenant::<tenant_grants::ManageEnvironments>(self.db, actor).await?;
        let team = validate::group("SamlGroupName", Some(&input.saml_group_name))?;
        let environment = authz::authorize_for_team::<perm::CreateNetwork>(self.db, actor, &team, env_uri)
            .await?
            .into_inner();
        let label = validate::label(Some(&input.label))?;
        let vpc_id = aws_id("vpcId", "vpc", &input.vpc_id)?;
        let private = subnets("privateSubnetIds", &input.private_subnet_ids)?;
        let public = subnets("publicSubnetIds", &input.public_subnet_ids)?;
        let description = validate::description(input.description.as_deref())?;
        let tags = validate::tags(Some(&input.tags))?;
        let now = chrono::Utc::now();
        let txn = crate::db::write_txn(self.db).await?;
        let row = net::ActiveModel {
            vpc_uri: Set(new_uri()),
            environment_uri: Set(env_uri.to_owned()),
            vpc_id: Set(vpc_id.clone()),
            name: Set(validate::slug(&label)),
            label: Set(label),
            description: Set(description),
            saml_group_name: Set(team.clone()),
            private_subnet_ids: Set(json(&private)?),
            public_subnet_ids: Set(json(&public)?),
            tags: Set(json(&tags)?),
            owner: Set(actor.username().to_owned()),
            created: Set(now),
            updated: Set(now),
        }
        .insert(&txn)
        .await
        .on_conflict(|| {
            Error::Conflict(format!(
                "{vpc_id} is already registered in {}; remove it first",
                environment.label
            ))
        })?;
        audit::record_in(
            &txn,
            actor,
            "createNetwork",
            (&row.vpc_uri, NETWORK_TYPE),
            Scope::new(ScopeKind::Environment, env_uri),
            &format!("registered {vpc_id} for {team}"),
        )
        .await?;
        txn.commit().await?;
        Network::of(&environment, row)
    }

    /// Removes a registered VPC. Needs MANAGE_ENVIRONMENTS, then CREATE_NETWORK on its environment and membership of the
    /// team that registered it or of the environment's admin team (platform admins excepted):
    /// data.all grants DELETE_NETWORK to those two. An unknown network and one the caller may
    /// not remove are refused alike.
    pub async fn delete_network(&self, actor: &Actor, vpc_uri: &str) -> Result<bool> {
        let found = net::Entity::find_by_id(vpc_uri.to_owned()).one(self.db).await?;
        let env_uri = found.as_ref().map(|n| n.environment_uri.clone());
        let result = self.delete_network_inner(actor, vpc_uri, found).await;
        match env_uri {
            Some(env) => {
                let scope = Scope::new(ScopeKind::Environment, &env);
                audit::record_failure_in(
                    self.db,
                    actor,
                    "deleteNetwork",
                    (vpc_uri, NETWORK_TYPE),
                    scope,
                    &result,
                )
                .await;
            }
            None => {
                audit::record_failure(self.db, actor, "deleteNetwork", vpc_uri, NETWORK_TYPE, &result).await
            }
        }
        result
    }

    async fn delete_network_inner(
        &self,
        actor: &Actor,
        vpc_uri: &str,
        found: Option<net::Model>,
    ) -> Result<bool> {
        // data.all's name for the act; the network's environment is not named, as the caller
        // may not be allowed to see it.
        let refused = || {
            Error::forbidden(
                actor,
                "DELETE_NETWORK",
                "network",
                vpc_uri,
                "only the team that registered it and the environment's admin team may remove it, with CREATE_NETWORK on the environment",
            )
        };
        authz::authorize_tenant::<tenant_grants::ManageEnvironments>(self.db, actor).await?;
        let Some(network) = found else { return Err(refused()) };
        let environment = authz::authorize::<perm::CreateNetwork>(self.db, actor, &network.environment_uri)
            .await
            .map_err(|_| refused())?
            .into_inner();
        let own = [&network.saml_group_name, &environment.saml_group_name];
        if !actor.is_admin() && !own.iter().any(|team| actor.in_group(team)) {
            return Err(refused());
        }
        let txn = crate::db::write_txn(self.db).await?;
        net::Entity::delete_by_id(vpc_uri.to_owned()).exec(&txn).await?;
        audit::record_in(
            &txn,
            actor,
            "deleteNetwork",
            (vpc_uri, NETWORK_TYPE),
            Scope::new(ScopeKind::Environment, &network.environment_uri),
            &format!("removed {}", network.vpc_id),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// A page of the environment's networks, by label; `term` matches the label and the VPC id.
    /// Needs LIST_ENVIRONMENT_NETWORKS, which every team of the environment holds.
    pub async fn list_networks(
        &self,
        actor: &Actor,
        env_uri: &str,
        term: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Network>> {
        let environment =
            authz::authorize::<perm::ListEnvironmentNetworks>(self.db, actor, env_uri).await?.into_inner();
        let mut query = net::Entity::find().filter(net::Column::EnvironmentUri.eq(env_uri));
        if let Some(term) = term.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(contains_any(term, [net::Column::Label, net::Column::VpcId]));
        }
        let query = query.order_by_asc(net::Column::Label).order_by_asc(net::Column::VpcUri);
        page::fetch(self.db, query, page).await?.try_map(|m| Network::of(&environment, m))
    }

    /// Every network of the environment, for `Environment.networks`; empty for callers without
    /// LIST_ENVIRONMENT_NETWORKS.
    pub async fn networks_of(&self, actor: &Actor, env_uri: &str) -> Result<Vec<Network>> {
        let Ok(environment) =
            authz::authorize::<perm::ListEnvironmentNetworks>(self.db, actor, env_uri).await
        else {
            return Ok(Vec::new());
        };
        net::Entity::find()
            .filter(net::Column::EnvironmentUri.eq(env_uri))
            .order_by_asc(net::Column::Label)
            .all(self.db)
            .await?
            .into_iter()
            .map(|m| Network::of(&environment, m))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_and_subnet_ids_must_have_their_aws_shape() {
        assert_eq!(aws_id("vpcId", "vpc", " vpc-0a1b2c3d ").expect("short"), "vpc-0a1b2c3d");
        assert!(aws_id("vpcId", "vpc", "vpc-0a1b2c3d4e5f67890").is_ok());
        for bad in [
            "",
            "vpc-",
            "vpc-0A1B2C3D",
            "vpc-0a1b2c3",
            "subnet-0a1b2c3d",
            "vpc-0a1b2c3d;drop",
            "vpc_0a1b2c3d",
        ] {
            let err = aws_id("vpcId", "vpc", bad).expect_err(bad);
            assert_eq!(err.field(), Some("vpcId"), "{bad}");
        }
        let many: Vec<String> = (0..=MAX_SUBNETS).map(|i| format!("subnet-{i:08x}")).collect();
        assert!(subnets("privateSubnetIds", &many).is_err());
        let twice = vec!["subnet-0a1b2c3d".to_owned(), "subnet-0a1b2c3d".to_owned()];
        assert_eq!(subnets("privateSubnetIds", &twice).expect("deduplicated"), vec!["subnet-0a1b2c3d"]);
    }
}
