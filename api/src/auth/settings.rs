//! What one trusted issuer's tokens must look like, and which of their claims name the user and
//! the user's groups.
//!
//! The rule behind the claim choices: a claim may grant something only if the user cannot
//! write it. In Cognito, a user holding an access token with the `aws.cognito.signin.user.admin`
//! scope may rewrite every attribute their app client lets them write (every mutable one when
//! the client names none), and attributes reach the id token as claims. So `email`, `name`,
//! `preferred_username` and every `custom:` attribute are the user's own words unless the
//! deployment proves otherwise; `cognito:username`, `sub`, `cognito:groups` and `identities`
//! are Cognito's.

use sluice_core::env::{Env, EnvError};

use super::TokenUse;

/// One trusted issuer. Several may be configured (e.g. Cognito plus the dev issuer).
#[derive(Debug, Clone)]
pub struct IssuerSettings {
    /// `SLUICE_AUTH_ISSUER`: the exact expected `iss`. For Cognito:
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
    pub issuer: String,
    /// `SLUICE_AUTH_JWKS_URL`: where the issuer publishes its keys. Separate from `issuer`
    /// because a local emulator (moto) serves keys from its own URL while still writing the AWS
    /// issuer into tokens.
    pub jwks_url: String,
    /// `SLUICE_AUTH_CLIENT_ID`: checked against `aud` for id tokens and against `client_id` for
    /// access tokens.
    pub client_id: String,
    /// `SLUICE_AUTH_TOKEN_USE`: the `token_use` claim must equal this.
    pub token_use: TokenUse,
    /// `SLUICE_AUTH_GROUPS_CLAIM`: the claim listing the user's groups, e.g. `cognito:groups`.
    pub groups_claim: String,
    /// `SLUICE_AUTH_USERNAME_CLAIM`: which claim names the user.
    pub username_claim: UsernameClaim,
    /// `SLUICE_AUTH_SAML_GROUPS_CLAIM` and `SLUICE_AUTH_SAML_GROUPS_PROVIDERS`: more groups, from
    /// an identity provider's mapping, for the users who signed in through it. `None`: no such
    /// claim is read, whatever a token carries.
    pub federated_groups: Option<FederatedGroups>,
}

impl IssuerSettings {
    /// Cognito's defaults: groups from `cognito:groups`, the user named by `cognito:username`,
    /// no identity-provider groups.
    pub fn new(issuer: String, jwks_url: String, client_id: String, token_use: TokenUse) -> Self {
        Self {
            issuer,
            jwks_url,
            client_id,
            token_use,
            groups_claim: COGNITO_GROUPS_CLAIM.to_owned(),
            username_claim: UsernameClaim::Cognito,
            federated_groups: None,
        }
    }
}

const COGNITO_GROUPS_CLAIM: &str = "cognito:groups";

/// Which claim names the user. The name keys owners, creators and activity rows, so it must be
/// one the user cannot choose.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UsernameClaim {
    /// `cognito:username` (id tokens), then `username` (access tokens), then `sub` (other OIDC
    /// issuers). All three are set by the issuer; none is a user attribute.
    #[default]
    Cognito,
    /// `email`, accepted only when the token says `email_verified` is true: an unverified
    /// address is whatever the user typed, possibly someone else's.
    VerifiedEmail,
    /// Exactly this claim, for OIDC issuers whose user names live elsewhere (e.g. `upn`). There
    /// is no fallback: a token without it names no user, rather than someone from another
    /// namespace of names.
    Claim(String),
}

impl UsernameClaim {
    /// Reads a setting's value: unset or `cognito:username` is the Cognito chain, `email` the
    /// verified e-mail, anything else that one claim.
    pub fn from_setting(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            None | Some("" | "cognito:username") => UsernameClaim::Cognito,
            Some("email") => UsernameClaim::VerifiedEmail,
            Some(other) => UsernameClaim::Claim(other.to_owned()),
        }
    }
}

/// Groups an identity provider's attribute mapping writes into a user attribute, data.all's
/// `custom:saml.groups`. A Cognito user can be allowed to write that attribute themselves
/// (the app client that federated users sign in through must be able to write every mapped
/// attribute), so the claim counts only for users whose token says, in Cognito's own
/// `identities` claim, that they signed in through one of `providers`; a user of the pool's
/// own directory never gets groups from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedGroups {
    /// e.g. `custom:saml.groups`.
    pub claim: String,
    /// Cognito identity provider names (`providerName` in `identities`), e.g. `CorpIdP`.
    pub providers: Vec<String>,
}

/// Why the provider list is required: without it, any user whose token carried the claim would
/// get its groups, and the claim is an attribute users may be able to write.
const PROVIDERS_WHY: &str = "with SLUICE_AUTH_SAML_GROUPS_CLAIM: the identity providers (Cognito provider names, \
     comma-separated) whose users' groups the claim holds; other users never get groups from it";

impl IssuerSettings {
    /// The `SLUICE_AUTH_*` issuer, or `None` when `SLUICE_AUTH_ISSUER` is unset.
    pub fn from_env(env: &Env) -> Result<Option<Self>, EnvError> {
        let federated_groups = federated_groups(env)?;
        let Some(issuer) = env.get("SLUICE_AUTH_ISSUER") else {
            if federated_groups.is_some() {
                return Err(EnvError::new("SLUICE_AUTH_SAML_GROUPS_CLAIM", "needs SLUICE_AUTH_ISSUER"));
            }
            return Ok(None);
        };
        let issuer = issuer.trim_end_matches('/').to_owned();
        let client_id = env.require(
            "SLUICE_AUTH_CLIENT_ID",
            "when SLUICE_AUTH_ISSUER is set: the app client id tokens are issued to",
        )?;
        let jwks_url =
            env.get("SLUICE_AUTH_JWKS_URL").unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
        let token_use = env.parse("SLUICE_AUTH_TOKEN_USE", "id", "id or access")?;
        let groups_claim = env.get("SLUICE_AUTH_GROUPS_CLAIM").unwrap_or_else(|| COGNITO_GROUPS_CLAIM.into());
        if is_user_attribute(&groups_claim) {
            return Err(EnvError::new(
                "SLUICE_AUTH_GROUPS_CLAIM",
                format!(
                    "{groups_claim} is a user attribute, which users may be able to write; an identity \
                     provider's groups go in SLUICE_AUTH_SAML_GROUPS_CLAIM"
                ),
            ));
        }
        if federated_groups.as_ref().is_some_and(|f| f.claim == groups_claim) {
            return Err(EnvError::new(
                "SLUICE_AUTH_SAML_GROUPS_CLAIM",
                "must differ from SLUICE_AUTH_GROUPS_CLAIM, which is read for every user",
            ));
        }
        let username_claim = UsernameClaim::from_setting(env.get("SLUICE_AUTH_USERNAME_CLAIM").as_deref());
        if let UsernameClaim::Claim(name) = &username_claim
            && (is_user_attribute(name) || is_cognito(&issuer))
        {
            return Err(EnvError::new(
                "SLUICE_AUTH_USERNAME_CLAIM",
                format!(
                    "{name} may be written by the user it names; use cognito:username (the default) or \
                     email, which is accepted only when verified"
                ),
            ));
        }
        let mut settings = IssuerSettings::new(issuer, jwks_url, client_id, token_use);
        settings.groups_claim = groups_claim;
        settings.username_claim = username_claim;
        settings.federated_groups = federated_groups;
        Ok(Some(settings))
    }
}

fn federated_groups(env: &Env) -> Result<Option<FederatedGroups>, EnvError> {
    let providers = env.list("SLUICE_AUTH_SAML_GROUPS_PROVIDERS");
    let Some(claim) = env.get("SLUICE_AUTH_SAML_GROUPS_CLAIM") else {
        if !providers.is_empty() {
            return Err(EnvError::new(
                "SLUICE_AUTH_SAML_GROUPS_PROVIDERS",
                "has no effect without SLUICE_AUTH_SAML_GROUPS_CLAIM",
            ));
        }
        return Ok(None);
    };
    if providers.is_empty() {
        return Err(EnvError::new(
            "SLUICE_AUTH_SAML_GROUPS_PROVIDERS",
            format!("is required {PROVIDERS_WHY}"),
        ));
    }
    Ok(Some(FederatedGroups { claim, providers }))
}

/// Cognito's custom attributes (`custom:…`, `dev:custom:…`) are user attributes by definition.
fn is_user_attribute(claim: &str) -> bool {
    claim.starts_with("custom:") || claim.starts_with("dev:")
}

/// In a Cognito pool, every claim but Cognito's own (`cognito:username`, `sub`, …) is an
/// attribute an app client may let its user write, so only the Cognito chain and a verified
/// e-mail may name users.
fn is_cognito(issuer: &str) -> bool {
    issuer
        .strip_prefix("https://cognito-idp.")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|host| host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const POOL: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc";

    fn from(vars: &[(&str, &str)]) -> Result<Option<IssuerSettings>, EnvError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        IssuerSettings::from_env(&Env::new(|k| map.get(k).cloned()))
    }

    fn pool(more: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut vars = vec![("SLUICE_AUTH_ISSUER", POOL), ("SLUICE_AUTH_CLIENT_ID", "web")];
        vars.extend_from_slice(more);
        vars
    }

    #[test]
    fn no_issuer_means_no_settings() {
        assert!(from(&[]).expect("valid").is_none());
    }

    #[test]
    fn cognito_defaults_read_no_identity_provider_groups_and_name_users_by_cognito_username() {
        let s = from(&pool(&[])).expect("valid").expect("an issuer");
        assert_eq!(s.jwks_url, format!("{POOL}/.well-known/jwks.json"));
        assert_eq!((s.token_use, s.groups_claim.as_str()), (TokenUse::Id, "cognito:groups"));
        assert_eq!(s.username_claim, UsernameClaim::Cognito);
        assert_eq!(s.federated_groups, None, "custom:saml.groups is not read unless configured");
    }

    #[test]
    fn an_issuer_needs_a_client_id() {
        let err = from(&[("SLUICE_AUTH_ISSUER", "https://idp")]).expect_err("no client");
        assert_eq!(err.var, "SLUICE_AUTH_CLIENT_ID");
    }

    #[test]
    fn identity_provider_groups_need_the_providers_they_come_from() {
        let s = from(&pool(&[
            ("SLUICE_AUTH_SAML_GROUPS_CLAIM", "custom:saml.groups"),
            ("SLUICE_AUTH_SAML_GROUPS_PROVIDERS", "CorpIdP, Okta"),
        ]))
        .expect("valid")
        .expect("an issuer");
        let want = FederatedGroups {
            claim: "custom:saml.groups".into(),
            providers: vec!["CorpIdP".into(), "Okta".into()],
        };
        assert_eq!(s.federated_groups, Some(want));

        for (vars, var) in [
            (
                pool(&[("SLUICE_AUTH_SAML_GROUPS_CLAIM", "custom:saml.groups")]),
                "SLUICE_AUTH_SAML_GROUPS_PROVIDERS",
            ),
            (pool(&[("SLUICE_AUTH_SAML_GROUPS_PROVIDERS", "CorpIdP")]), "SLUICE_AUTH_SAML_GROUPS_PROVIDERS"),
            (
                vec![
                    ("SLUICE_AUTH_SAML_GROUPS_CLAIM", "custom:saml.groups"),
                    ("SLUICE_AUTH_SAML_GROUPS_PROVIDERS", "C"),
                ],
                "SLUICE_AUTH_SAML_GROUPS_CLAIM",
            ),
            (
                pool(&[
                    ("SLUICE_AUTH_GROUPS_CLAIM", "groups"),
                    ("SLUICE_AUTH_SAML_GROUPS_CLAIM", "groups"),
                    ("SLUICE_AUTH_SAML_GROUPS_PROVIDERS", "CorpIdP"),
                ]),
                "SLUICE_AUTH_SAML_GROUPS_CLAIM",
            ),
        ] {
            assert_eq!(from(&vars).expect_err("refused").var, var, "{vars:?}");
        }
    }

    #[test]
    fn a_user_attribute_can_be_neither_the_groups_claim_nor_the_username() {
        for claim in ["custom:saml.groups", "dev:custom:groups"] {
            let err = from(&pool(&[("SLUICE_AUTH_GROUPS_CLAIM", claim)])).expect_err("user-writable");
            assert_eq!(err.var, "SLUICE_AUTH_GROUPS_CLAIM");
        }
        for claim in ["preferred_username", "name", "custom:login"] {
            let err =
                from(&pool(&[("SLUICE_AUTH_USERNAME_CLAIM", claim)])).expect_err("user-writable in Cognito");
            assert_eq!(err.var, "SLUICE_AUTH_USERNAME_CLAIM", "{claim}");
        }
    }

    #[test]
    fn the_username_claim_is_cognitos_a_verified_email_or_another_issuers_claim() {
        let email = from(&pool(&[("SLUICE_AUTH_USERNAME_CLAIM", "email")])).expect("valid").expect("issuer");
        assert_eq!(email.username_claim, UsernameClaim::VerifiedEmail);
        let other = from(&[
            ("SLUICE_AUTH_ISSUER", "https://login.example.com/tenant"),
            ("SLUICE_AUTH_CLIENT_ID", "web"),
            ("SLUICE_AUTH_USERNAME_CLAIM", "upn"),
        ])
        .expect("valid")
        .expect("issuer");
        assert_eq!(other.username_claim, UsernameClaim::Claim("upn".into()));
    }
}
