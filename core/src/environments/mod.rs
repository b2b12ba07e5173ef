//! Environments: AWS accounts (one per account and region) linked to an organization through a
//! pivot role, with the teams that work in them and the stack that provisions them.

mod adopt;
mod cards;
pub mod consumption;
mod groups;
pub mod link;
mod model;
pub mod names;
pub mod networks;
pub mod onboarding;
pub mod platform;
mod principals;
mod service;
pub mod stacks;
pub mod trust;

pub use cards::{EnvironmentCard, VALID_STACK_STATUSES};
pub use consumption::{ConsumptionPrincipal, NewConsumptionPrincipal};
pub use groups::{EnvironmentTeams, TeamInEnvironments};
pub use link::{
    AccountLinker, AccountResources, AwsResource, ImportProblem, LinkError, PivotRole, PivotTrust,
    StackResource,
};
pub use model::{
    DEFAULT_RESOURCE_PREFIX, Environment, EnvironmentGroup, ModifyEnvironment, NewEnvironment, REGIONS,
    RESOURCE_TYPE, Unsupported, UserRole,
};
pub use networks::{Network, NewNetwork};
pub use onboarding::AwsSettings;
pub use principals::{ConsumptionPrincipalChange, IamPrincipalKind, PrincipalPolicy};

/// Checks a resource prefix, defaulting to `sluice`.
pub fn resource_prefix(value: Option<&str>) -> crate::Result<String> {
    model::resource_prefix(value)
}
pub use service::{Environments, Onboarding};
pub use stacks::Stack;
