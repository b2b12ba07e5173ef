//! The one error type of the domain. The API maps each variant to an `extensions.code`.

use std::fmt;

use crate::Actor;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{kind} {uri} was not found")]
    NotFound { kind: &'static str, uri: String },
    #[error("authentication required: send a valid bearer token")]
    Unauthenticated,
    /// A refused check: who was refused what, and Sluice's explanation (its `Display`).
    #[error("{}", .0.reason)]
    Forbidden(Box<Refusal>),
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// An input that must be given was left out.
    #[error("{field} is required")]
    Required { field: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    InvalidState(String),
    /// A share action its items don't allow (an empty request, a delete while items are shared,
    /// a revoke of nothing): an INVALID_STATE that data.all raises as `ShareItemsFound`.
    #[error("{reason}")]
    ShareItems { action: ShareItemsAction, reason: String },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation { field: field.into(), message: message.into() }
    }

    pub fn required(field: impl Into<String>) -> Self {
        Self::Required { field: field.into() }
    }

    /// `actor` lacks the resource permission `permission` on `kind` `uri`; `hint` says what to do.
    pub fn forbidden(
        actor: &Actor,
        permission: &'static str,
        kind: &'static str,
        uri: &str,
        hint: &str,
    ) -> Self {
        Self::Forbidden(Box::new(Refusal::resource(actor.username(), permission, kind, uri, hint)))
    }

    /// `actor` was refused `denied`, for `reason` (which says what to do).
    pub fn refused(actor: &Actor, denied: Denied, reason: impl Into<String>) -> Self {
        Self::Forbidden(Box::new(Refusal {
            username: actor.username().to_owned(),
            denied,
            reason: reason.into(),
        }))
    }

    /// The input field a BAD_USER_INPUT is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } | Self::Required { field } => Some(field),
            _ => None,
        }
    }

    /// The stable code clients branch on (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Validation { .. } | Self::Required { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::InvalidState(_) | Self::ShareItems { .. } => "INVALID_STATE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The cause chain, for logs only: it may hold SQL or hosts that clients must not see.
    pub fn chain(&self) -> ErrorChain<'_> {
        ErrorChain(self)
    }
}

/// A refusal, as data: enough for a client to say it in data.all's words (the API does) as well
/// as in Sluice's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Who was refused.
    pub username: String,
    /// What was refused.
    pub denied: Denied,
    /// Sluice's explanation, which says what to do.
    pub reason: String,
}

impl Refusal {
    /// `username` lacks the resource permission `permission` on `kind` `uri`; `hint` says what
    /// to do.
    pub fn resource(
        username: &str,
        permission: &'static str,
        kind: &'static str,
        uri: &str,
        hint: &str,
    ) -> Self {
        Self {
            username: username.to_owned(),
            denied: Denied::Resource { permission, kind, uri: uri.to_owned() },
            reason: format!("{permission} on {kind} {uri} is not granted to any of your teams; {hint}"),
        }
    }
}

/// What a refusal refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// A resource permission on one resource (data.all's `ResourceUnauthorized`).
    Resource { permission: &'static str, kind: &'static str, uri: String },
    /// A tenant permission (data.all's `TenantUnauthorized`).
    Tenant { permission: &'static str },
    /// Acting for `team`, which the actor is not a member of, where `permission` is needed.
    NotInTeam { permission: &'static str, team: String },
    /// An act no permission grants: one for platform admins, or the platform's own tasks, only;
    /// or a resource outside what the actor may see.
    Operation,
}

/// The share actions data.all refuses with `ShareItemsFound`, each with its words for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareItemsAction {
    /// Submitting a request with no item waiting for approval.
    Submit,
    /// Deleting a request that still has shared items.
    Delete,
    /// Revoking when none of the named items can be revoked.
    Revoke,
}

impl ShareItemsAction {
    /// data.all's name of the action, as its message says it.
    pub const fn dataall_action(self) -> &'static str {
        match self {
            Self::Submit => "Submit Share Object",
            Self::Delete => "Delete share object",
            Self::Revoke => "Revoke Items from Share Object",
        }
    }

    /// data.all's message for the refusal.
    pub const fn dataall_message(self) -> &'static str {
        match self {
            Self::Submit => "The request is empty of pending items. Add items to share request.",
            Self::Delete => {
                "There are shared items in this request. Revoke access to these items before deleting the request."
            }
            Self::Revoke => "Nothing to be revoked.",
        }
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

    #[test]
    fn a_refusal_reads_as_its_reason_and_keeps_who_and_what() {
        let alice = crate::testkit::user("alice", &["TeamA"]);
        let err = Error::forbidden(&alice, "UPDATE_DATASET", "dataset", "d1", "ask its admin team");
        assert_eq!(
            err.to_string(),
            "UPDATE_DATASET on dataset d1 is not granted to any of your teams; ask its admin team"
        );
        assert_eq!(err.code(), "FORBIDDEN");
        let Error::Forbidden(refusal) = err else { panic!("a refusal") };
        assert_eq!(refusal.username, "alice");
        assert_eq!(
            refusal.denied,
            Denied::Resource { permission: "UPDATE_DATASET", kind: "dataset", uri: "d1".into() }
        );
    }

    #[test]
    fn a_missing_input_is_bad_input_naming_its_field() {
        let err = Error::required("label");
        assert_eq!(
            (err.to_string().as_str(), err.code(), err.field()),
            ("label is required", "BAD_USER_INPUT", Some("label"))
        );
        assert_eq!(Error::validation("x", "y").field(), Some("x"));
        assert_eq!(Error::Unauthenticated.field(), None);
    }
}
