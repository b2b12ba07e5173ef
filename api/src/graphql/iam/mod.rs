//! IAM principal mappings: which AWS principals act as which user and teams when they sign
//! requests with their AWS credentials. Platform admins only.

mod mutation;
mod query;
mod types;

pub use mutation::IamPrincipalMappingMutation;
pub use query::IamPrincipalMappingQuery;
