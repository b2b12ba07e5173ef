//! Bearer-token authentication: turns a Cognito (or other OIDC) JWT into an [`Actor`].
//!
//! DESIGN.md §3: RS256 only, keys from the issuer's JWKS cached by `kid`, `iss`/`exp`/`nbf`,
//! `token_use` and `aud`/`client_id` checked. Only claims a user cannot write name the user and
//! grant groups (see `settings.rs`): `cognito:username` (or a configured claim, an e-mail only
//! when verified), the configured groups claim, and an identity provider's groups claim only
//! when one is configured and the user signed in through that provider. The dev issuer mints
//! Cognito-shaped tokens for local use so the same verification path runs on a laptop as in
//! the cloud.
//!
//! [`Actor`]: sluice_core::Actor

mod claims;
mod dev_issuer;
mod iam;
mod iam_checks;
mod jwks;
mod settings;
mod verified;
mod verifier;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod verifier_tests;

use std::fmt;
use std::str::FromStr;

pub use dev_issuer::DevIssuer;
pub use iam::{FailureLimit, IamAuthError, IamSettings, IamVerifier};
pub use settings::{FederatedGroups, IssuerSettings, UsernameClaim};
pub use verifier::Verifier;

/// Which kind of Cognito token an issuer's settings accept. Cognito signs both with the same
/// keys, so without this check an access token could stand in for an id token or vice versa.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenUse {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Ok(TokenUse::Id),
            "access" => Ok(TokenUse::Access),
            _ => Err(format!("unknown token use `{s}`; expected one of: id, access")),
        }
    }
}

/// Why a token was refused. The display texts go to clients, so they name the rule that failed
/// and never echo key material or token contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("malformed token")]
    Malformed,
    #[error("unsupported token algorithm; only RS256 is accepted")]
    UnsupportedAlgorithm,
    #[error("token has no key id")]
    MissingKeyId,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("unknown token issuer")]
    UnknownIssuer,
    /// The issuer's JWKS could not be fetched or read; details are logged, not returned.
    #[error("signing keys are unavailable")]
    KeysUnavailable,
    #[error("invalid token signature")]
    InvalidSignature,
    #[error("token expired")]
    Expired,
    #[error("token not yet valid")]
    NotYetValid,
    #[error("wrong token type: expected an {expected} token")]
    WrongTokenUse { expected: TokenUse },
    #[error("token was issued for another client")]
    WrongAudience,
    #[error("token has no `{0}` claim")]
    MissingClaim(String),
    #[error("token claim `{0}` is malformed")]
    InvalidClaim(String),
    #[error("token names no user")]
    MissingUsername,
    /// The configured user name is the e-mail address, and this token does not say it was
    /// verified: an unverified address is whatever the user typed, possibly someone else's.
    #[error("token's e-mail address is not verified, so it cannot name the user")]
    EmailNotVerified,
}

impl AuthError {
    /// True when the fault is on our side (the issuer's keys could not be loaded) rather than
    /// in the token, so callers can log or alert differently while still answering 401.
    pub fn is_server_side(&self) -> bool {
        matches!(self, AuthError::KeysUnavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_use_parses_both_cognito_values() {
        assert_eq!("id".parse::<TokenUse>(), Ok(TokenUse::Id));
        assert_eq!("Access".parse::<TokenUse>(), Ok(TokenUse::Access));
    }

    #[test]
    fn an_unknown_token_use_lists_the_allowed_values() {
        let err = "refresh".parse::<TokenUse>().expect_err("refresh is not a token use");
        assert!(err.contains("id, access"), "{err}");
    }
}
