//! What an SDK error says, for the error types of the adapters that keep the AWS cause.

use std::fmt;

use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// AWS's own code and message when it answered; the whole chain (connection, timeout, a
/// response that did not parse) only when it did not. `SdkError`'s own Display is just
/// "service error".
pub(crate) fn describe<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    match e.as_service_error().and_then(|s| Some((s.code()?, s.message().unwrap_or_default()))) {
        Some((code, message)) => format!("{code}: {message}"),
        None => DisplayErrorContext(e).to_string(),
    }
}
