//! The one error type of the domain. The API maps each variant to an `extensions.code`.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{kind} {uri} was not found")]
    NotFound { kind: &'static str, uri: String },
    #[error("authentication required: send a valid bearer token")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    InvalidState(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation { field: field.into(), message: message.into() }
    }

    pub fn forbidden(permission: &str, kind: &str, uri: &str, hint: &str) -> Self {
        Self::Forbidden(format!("{permission} on {kind} {uri} is not granted to any of your teams; {hint}"))
    }

    /// The stable code clients branch on (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Validation { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::InvalidState(_) => "INVALID_STATE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The cause chain, for logs only: it may hold SQL or hosts that clients must not see.
    pub fn chain(&self) -> ErrorChain<'_> {
        ErrorChain(self)
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(Box::new(err))
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(err: sea_orm::TransactionError<Error>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

pub struct ErrorChain<'a>(&'a Error);

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Turns a unique-constraint violation into the domain error the caller names, in one place.
pub trait OnConflict<T> {
    fn on_conflict(self, make: impl FnOnce() -> Error) -> Result<T>;
}

impl<T> OnConflict<T> for std::result::Result<T, sea_orm::DbErr> {
    fn on_conflict(self, make: impl FnOnce() -> Error) -> Result<T> {
        match self {
            Ok(v) => Ok(v),
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                Err(make())
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_names_every_cause_but_display_hides_them() {
        let err = Error::from(sea_orm::DbErr::Custom("relation \"x\" does not exist".into()));
        assert_eq!(err.to_string(), "internal error");
        assert!(err.chain().to_string().contains("relation \"x\" does not exist"));
        assert_eq!(err.code(), "INTERNAL");
    }
}
