//! The GraphQL schema: one module per area, each with `types`, `query` and `mutation`, merged
//! here. Resolvers turn input into one `core` call and map the result back.

pub(crate) mod access;
mod activity;
pub(crate) mod batch;
mod catalog;
pub mod cost;
mod covered;
mod credentials;
pub(crate) mod datasets;
pub mod dialect;
pub mod documents;
pub(crate) mod environments;
mod error;
mod events;
mod feeds;
pub mod gate;
pub(crate) mod glossaries;
pub(crate) mod iam;
pub mod limits;
mod nesting;
mod notifications;
pub(crate) mod organizations;
mod paged;
pub(crate) mod permissions;
pub mod read_cache;
pub(crate) mod shares;
mod tags;
pub(crate) mod tasks;
mod votes;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
use sluice_core::{Actor, Core};

pub use error::{GqlResult, to_gql};
pub use limits::Limits;

#[derive(MergedObject, Default)]
pub struct Query(
    organizations::OrganizationQuery,
    activity::ActivityQuery,
    access::AccessQuery,
    permissions::PermissionQuery,
    tasks::TaskQuery,
    environments::EnvironmentQuery,
    environments::ConsumptionQuery,
    environments::NetworkQuery,
    datasets::DatasetQuery,
    datasets::TableQuery,
    datasets::FolderQuery,
    datasets::DataFilterQuery,
    credentials::CredentialQuery,
    shares::ShareQuery,
    shares::DatasetSharesQuery,
    shares::ShareConsumptionQuery,
    iam::IamPrincipalMappingQuery,
    catalog::CatalogQuery,
    votes::VoteQuery,
    feeds::FeedQuery,
    glossaries::GlossaryQuery,
    tags::KeyValueTagQuery,
    notifications::NotificationQuery,
    events::EventQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    organizations::OrganizationMutation,
    permissions::PermissionMutation,
    tasks::TaskMutation,
    environments::EnvironmentMutation,
    environments::ConsumptionMutation,
    environments::NetworkMutation,
    datasets::DatasetMutation,
    datasets::TableMutation,
    datasets::FolderMutation,
    datasets::DataFilterMutation,
    credentials::CredentialMutation,
    shares::ShareMutation,
    shares::DatasetSharesMutation,
    shares::ShareExtensionMutation,
    iam::IamPrincipalMappingMutation,
    catalog::CatalogMutation,
    votes::VoteMutation,
    feeds::FeedMutation,
    glossaries::GlossaryMutation,
    tags::KeyValueTagMutation,
    notifications::NotificationMutation,
    events::EventMutation,
);

pub type SluiceSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, with async-graphql's own depth limits as a second line behind the walk in `cost`
/// (which runs first, and also stands in for async-graphql's complexity, which counts neither
/// page sizes nor introspection).
pub fn build_schema(core: Core, limits: Limits) -> SluiceSchema {
    let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(core)
        .limit_depth(limits.max_depth)
        .limit_recursive_depth(limits.max_nesting);
    let builder = if limits.introspection { builder } else { builder.disable_introspection() };
    builder.finish()
}

/// The schema as SDL, exactly as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    build_schema_without_data().sdl()
}

fn build_schema_without_data() -> SluiceSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription).finish()
}

/// How the request's bearer token fared; the handler puts one into every request.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous,
    Rejected(String),
    Authenticated(Actor),
}

impl Caller {
    /// The signed-in actor, or why there is none.
    pub fn into_actor(self) -> Result<Actor, async_graphql::Error> {
        match self {
            Caller::Authenticated(actor) => Ok(actor),
            Caller::Rejected(reason) => Err(rejected(&reason)),
            Caller::Anonymous => Err(anonymous()),
        }
    }
}

fn rejected(reason: &str) -> async_graphql::Error {
    error::unauthenticated(&format!("your credentials were rejected: {reason}"))
}

fn anonymous() -> async_graphql::Error {
    error::unauthenticated("send an Authorization header: `Bearer <token>`, or `SluiceIAM <signed request>`")
}

/// The second line: the HTTP handler refuses unauthenticated callers before parsing, and every
/// resolver still asks for the actor.
pub(crate) fn actor<'c>(ctx: &Context<'c>) -> async_graphql::Result<&'c Actor> {
    match ctx.data::<Caller>() {
        Ok(Caller::Authenticated(actor)) => Ok(actor),
        Ok(Caller::Rejected(reason)) => Err(rejected(reason)),
        Ok(Caller::Anonymous) | Err(_) => Err(anonymous()),
    }
}

pub(crate) fn core<'c>(ctx: &Context<'c>) -> async_graphql::Result<&'c Core> {
    ctx.data::<Core>()
        .map_err(|_| to_gql(sluice_core::Error::Internal("the schema has no Core attached".into())))
}
