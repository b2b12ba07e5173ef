//! data.all's networks: VPCs a team registers in an environment (`createNetwork`,
//! `deleteNetwork`, `listEnvironmentNetworks`, `Environment.networks`). Sluice records them and
//! provisions nothing (docs/COMPATIBILITY.md).

use async_graphql::{Context, ID, InputObject, Object};
use sluice_core::environments::{Network, NewNetwork};

use super::EnvironmentGql;
use crate::graphql::{GqlResult, actor, core, organizations::page_of, paged::paged};

/// A VPC registered in an environment.
pub struct VpcGql(pub Network);

#[Object(name = "Vpc")]
impl VpcGql {
    #[graphql(name = "VpcId")]
    async fn vpc_id(&self) -> &str {
        &self.0.vpc_id
    }
    async fn vpc_uri(&self) -> ID {
        ID(self.0.vpc_uri.clone())
    }
    /// The environment, for callers who may read it.
    async fn environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EnvironmentGql>> {
        let found = core(ctx)?.environments().get(actor(ctx)?, &self.0.environment_uri).await;
        Ok(found.ok().map(EnvironmentGql::Member))
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// Who registered it.
    async fn owner(&self) -> &str {
        &self.0.owner
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// The environment's account: a network is registered in its environment's account.
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self) -> &str {
        &self.0.aws_account_id
    }
    async fn region(&self) -> &str {
        &self.0.region
    }
    async fn private_subnet_ids(&self) -> &[String] {
        &self.0.private_subnet_ids
    }
    async fn public_subnet_ids(&self) -> &[String] {
        &self.0.public_subnet_ids
    }
    /// The environment team that registered it; its members may remove it.
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> &str {
        &self.0.saml_group_name
    }
    /// Always false: Sluice makes no default VPC.
    async fn default(&self) -> bool {
        false
    }
}

paged!(VpcSearchResult, VpcGql);

#[derive(InputObject, Default)]
pub struct VpcFilter {
    /// Matches the label and the VPC id.
    term: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
}

#[derive(InputObject)]
pub struct NewVpcInput {
    label: String,
    environment_uri: String,
    /// `vpc-` and 8 or 17 hex digits.
    vpc_id: String,
    public_subnet_ids: Option<Vec<Option<String>>>,
    private_subnet_ids: Option<Vec<Option<String>>>,
    description: Option<String>,
    /// The environment team that registers it, with CREATE_NETWORK; you must be a member.
    #[graphql(name = "SamlGroupName")]
    saml_group_name: String,
    tags: Option<Vec<Option<String>>>,
}

/// data.all's lists of nullable strings, nulls dropped.
fn strings(values: Option<Vec<Option<String>>>) -> Vec<String> {
    values.unwrap_or_default().into_iter().flatten().collect()
}

#[derive(Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// The environment's registered VPCs, by label. Needs LIST_ENVIRONMENT_NETWORKS, which every
    /// team of the environment holds.
    async fn list_environment_networks(
        &self,
        ctx: &Context<'_>,
        environment_uri: String,
        filter: Option<VpcFilter>,
    ) -> async_graphql::Result<VpcSearchResult> {
        let actor = actor(ctx)?;
        let filter = filter.unwrap_or_default();
        let page = page_of(filter.page, filter.page_size)?;
        let found = core(ctx)?
            .environments()
            .list_networks(actor, &environment_uri, filter.term.as_deref(), page)
            .await
            .gql()?;
        Ok(VpcSearchResult(found.map(VpcGql)))
    }
}

#[derive(Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Registers a VPC of the environment's account for one of its teams. Needs CREATE_NETWORK
    /// held by that team, and membership of it. Sluice checks the ids' shape, not that the VPC
    /// exists.
    async fn create_network(&self, ctx: &Context<'_>, input: NewVpcInput) -> async_graphql::Result<VpcGql> {
        let actor = actor(ctx)?;
        let new = NewNetwork {
            environment_uri: input.environment_uri,
            label: input.label,
            vpc_id: input.vpc_id,
            private_subnet_ids: strings(input.private_subnet_ids),
            public_subnet_ids: strings(input.public_subnet_ids),
            description: input.description,
            saml_group_name: input.saml_group_name,
            tags: strings(input.tags),
        };
        core(ctx)?.environments().create_network(actor, new).await.gql().map(VpcGql)
    }

    /// Removes a registered VPC: for the team that registered it and the environment's admin
    /// team, with CREATE_NETWORK on the environment.
    async fn delete_network(&self, ctx: &Context<'_>, vpc_uri: String) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        core(ctx)?.environments().delete_network(actor, &vpc_uri).await.gql()
    }
}
