//! Domain errors to GraphQL errors with `extensions.code`. Internal detail goes to the log with
//! its cause chain, never to the client.

use async_graphql::ErrorExtensions;
use sluice_core::Error;

pub fn to_gql(err: Error) -> async_graphql::Error {
    if let Error::Internal(_) = &err {
        tracing::error!(error = %err.chain(), "internal error");
    }
    let code = err.code();
    let mut gql = async_graphql::Error::new(err.to_string()).extend_with(|_, ext| ext.set("code", code));
    if let Error::Validation { field, .. } = &err {
        gql = gql.extend_with(|_, ext| ext.set("field", field.as_str()));
    }
    gql
}

pub(crate) fn unauthenticated(message: &str) -> async_graphql::Error {
    async_graphql::Error::new(format!("authentication required: {message}"))
        .extend_with(|_, ext| ext.set("code", "UNAUTHENTICATED"))
}

/// `.gql()?` in resolvers, so no domain error reaches a client without its code.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for sluice_core::Result<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql)
    }
}
