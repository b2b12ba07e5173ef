//! Domain errors to GraphQL errors with `extensions.code`. Internal detail goes to the log with
//! its cause chain, never to the client.
//!
//! Each error also carries `extensions.reason`, Sluice's explanation alone (what a person should
//! read), and, where data.all has a class for it, `extensions.errorClass`; its `message` is said
//! in data.all's dialect (see `dialect`). A refusal keeps its data as the error's source, so the
//! HTTP handler can name data.all's permission for the operation once it is known.

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sluice_core::Error;

use super::dialect::{self, ErrorClass};

pub fn to_gql(err: Error) -> async_graphql::Error {
    if let Error::Internal(_) = &err {
        tracing::error!(error = %err.chain(), "internal error");
    }
    let code = err.code();
    let reason = err.to_string();
    let class = ErrorClass::of(&err);
    let field = err.field().map(str::to_owned);
    let message = dialect::message(&err, None);
    let source: Option<Arc<dyn std::any::Any + Send + Sync>> = match err {
        Error::Forbidden(refusal) => Some(Arc::new(*refusal)),
        _ => None,
    };
    async_graphql::Error { message, source, extensions: None }.extend_with(|_, ext| {
        ext.set("code", code);
        ext.set("reason", reason);
        if let Some(class) = class {
            ext.set("errorClass", class.as_str());
        }
        if let Some(field) = field {
            ext.set("field", field);
        }
    })
}

pub(crate) fn unauthenticated(message: &str) -> async_graphql::Error {
    let message = format!("authentication required: {message}");
    async_graphql::Error::new(message.clone()).extend_with(|_, ext| {
        ext.set("code", "UNAUTHENTICATED");
        ext.set("reason", message);
    })
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
