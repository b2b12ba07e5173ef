//! Reading identity out of already-verified claims: audience, token use, user name, groups.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{AuthError, FederatedGroups, IssuerSettings, TokenUse, UsernameClaim};

pub(crate) type Claims = Map<String, Value>;

/// Tried in order by [`UsernameClaim::Cognito`]: id tokens carry `cognito:username`, access
/// tokens `username`, other OIDC issuers may only have `sub`. Never `email`: a Cognito user may
/// be able to rewrite their own address.
const COGNITO_USERNAME_CLAIMS: [&str; 3] = ["cognito:username", "username", "sub"];

/// Cognito's record of the identity providers a user signed in through; set by Cognito, never
/// a user attribute.
const IDENTITIES_CLAIM: &str = "identities";

pub(crate) fn check_token_use(claims: &Claims, settings: &IssuerSettings) -> Result<(), AuthError> {
    let expected = settings.token_use;
    match claims.get("token_use") {
        Some(Value::String(s)) if s == expected.as_str() => Ok(()),
        Some(Value::String(_)) => Err(AuthError::WrongTokenUse { expected }),
        Some(_) => Err(AuthError::InvalidClaim("token_use".into())),
        None => Err(AuthError::MissingClaim("token_use".into())),
    }
}

/// Id tokens name the app client in `aud`; Cognito access tokens have no `aud` and use
/// `client_id` instead.
pub(crate) fn check_client(claims: &Claims, settings: &IssuerSettings) -> Result<(), AuthError> {
    let wanted = settings.client_id.as_str();
    match settings.token_use {
        TokenUse::Id => match claims.get("aud") {
            Some(Value::String(aud)) if aud == wanted => Ok(()),
            Some(Value::Array(auds)) if auds.iter().any(|a| a.as_str() == Some(wanted)) => Ok(()),
            Some(Value::String(_) | Value::Array(_)) => Err(AuthError::WrongAudience),
            Some(_) => Err(AuthError::InvalidClaim("aud".into())),
            None => Err(AuthError::MissingClaim("aud".into())),
        },
        TokenUse::Access => match claims.get("client_id") {
            Some(Value::String(id)) if id == wanted => Ok(()),
            Some(Value::String(_)) => Err(AuthError::WrongAudience),
            Some(_) => Err(AuthError::InvalidClaim("client_id".into())),
            None => Err(AuthError::MissingClaim("client_id".into())),
        },
    }
}

pub(crate) fn username(claims: &Claims, rule: &UsernameClaim) -> Result<String, AuthError> {
    match rule {
        UsernameClaim::Cognito => COGNITO_USERNAME_CLAIMS
            .iter()
            .find_map(|name| non_empty(claims, name))
            .map(str::to_owned)
            .ok_or(AuthError::MissingUsername),
        UsernameClaim::VerifiedEmail => {
            let email = named(claims, "email")?;
            if email_verified(claims) { Ok(email) } else { Err(AuthError::EmailNotVerified) }
        }
        UsernameClaim::Claim(name) => named(claims, name),
    }
}

fn non_empty<'a>(claims: &'a Claims, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The one claim that must name the user: missing or blank is no user, not a fallback.
fn named(claims: &Claims, name: &str) -> Result<String, AuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Err(AuthError::MissingClaim(name.to_owned())),
        Some(Value::String(_)) => {
            non_empty(claims, name).map(str::to_owned).ok_or_else(|| AuthError::MissingClaim(name.to_owned()))
        }
        Some(_) => Err(AuthError::InvalidClaim(name.to_owned())),
    }
}

/// Cognito writes `email_verified` as a JSON boolean in id tokens; some issuers (and attribute
/// reads) give the string "true". Anything else, absence included, is unverified.
fn email_verified(claims: &Claims) -> bool {
    match claims.get("email_verified") {
        Some(Value::Bool(verified)) => *verified,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The configured groups claim, plus the identity provider's groups claim when one is
/// configured and the token's `identities` show the user signed in through that provider.
/// Actor sorts and de-duplicates.
pub(crate) fn groups(claims: &Claims, settings: &IssuerSettings) -> Result<Vec<String>, AuthError> {
    let mut out = read_groups(claims, &settings.groups_claim)?;
    if let Some(federated) = &settings.federated_groups
        && signed_in_through(claims, federated)?
    {
        out.extend(read_groups(claims, &federated.claim)?);
    }
    Ok(out)
}

fn read_groups(claims: &Claims, name: &str) -> Result<Vec<String>, AuthError> {
    match claims.get(name) {
        None => Ok(Vec::new()),
        Some(value) => groups_from(value).ok_or_else(|| AuthError::InvalidClaim(name.to_owned())),
    }
}

#[derive(Deserialize)]
struct Identity {
    #[serde(rename = "providerName")]
    provider_name: String,
}

/// Cognito id tokens list linked identities as an array of objects; the user attribute of the
/// same name holds that array as a JSON string, so both are read.
fn signed_in_through(claims: &Claims, federated: &FederatedGroups) -> Result<bool, AuthError> {
    let invalid = || AuthError::InvalidClaim(IDENTITIES_CLAIM.to_owned());
    let identities: Vec<Identity> = match claims.get(IDENTITIES_CLAIM) {
        None | Some(Value::Null) => return Ok(false),
        Some(Value::String(s)) => serde_json::from_str(s).map_err(|_| invalid())?,
        Some(value @ Value::Array(_)) => serde_json::from_value(value.clone()).map_err(|_| invalid())?,
        Some(_) => return Err(invalid()),
    };
    Ok(identities.iter().any(|i| federated.providers.contains(&i.provider_name)))
}

/// Accepts an array of strings, or one string in any of the shapes SAML attribute mapping
/// produces: `GroupA`, `GroupA,GroupB`, `[GroupA, GroupB]`, or a JSON array in a string.
fn groups_from(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(|item| item.as_str().map(|s| s.trim().to_owned())).collect(),
        Value::String(s) => Some(groups_from_str(s)),
        _ => None,
    }
}

fn groups_from_str(s: &str) -> Vec<String> {
    let s = s.trim();
    if let Ok(list) = serde_json::from_str::<Vec<String>>(s) {
        return list;
    }
    let inner = s.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap_or(s);
    inner
        .split(',')
        .map(|g| g.trim().trim_matches(|c| c == '"' || c == '\'').trim().to_owned())
        .filter(|g| !g.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SAML: &str = "custom:saml.groups";

    fn claims(value: Value) -> Claims {
        match value {
            Value::Object(map) => map,
            other => panic!("test claims must be an object, got {other}"),
        }
    }

    fn settings(token_use: TokenUse) -> IssuerSettings {
        IssuerSettings::new("https://issuer".into(), "http://unused".into(), "client-1".into(), token_use)
    }

    /// Settings of a deployment whose IdP `CorpIdP` maps its groups into `custom:saml.groups`.
    fn federated() -> IssuerSettings {
        let federated_groups = FederatedGroups { claim: SAML.into(), providers: vec!["CorpIdP".into()] };
        IssuerSettings { federated_groups: Some(federated_groups), ..settings(TokenUse::Id) }
    }

    fn through(provider: &str) -> Value {
        json!([{"userId": "u-1", "providerName": provider, "providerType": "SAML", "primary": "true"}])
    }

    #[test]
    fn saml_groups_are_read_in_every_string_shape() {
        for (raw, want) in [
            ("GroupA", vec!["GroupA"]),
            ("GroupA,GroupB", vec!["GroupA", "GroupB"]),
            ("[GroupA, GroupB]", vec!["GroupA", "GroupB"]),
            ("[\"GroupA\", \"GroupB\"]", vec!["GroupA", "GroupB"]),
            (" [ 'Group A' ,GroupB ] ", vec!["Group A", "GroupB"]),
            ("[]", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(groups_from_str(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn saml_groups_grant_nothing_without_an_identity_provider_mapping() {
        // What a user who wrote their own `custom:saml.groups` attribute presents.
        let c = claims(
            json!({"cognito:groups": ["TeamA"], SAML: "DAAdministrators", "identities": through("CorpIdP")}),
        );
        assert_eq!(groups(&c, &settings(TokenUse::Id)), Ok(vec!["TeamA".into()]));
    }

    #[test]
    fn saml_groups_count_only_for_users_who_signed_in_through_a_mapped_provider() {
        let own_directory = claims(json!({"cognito:groups": ["TeamA"], SAML: "DAAdministrators"}));
        assert_eq!(groups(&own_directory, &federated()), Ok(vec!["TeamA".into()]));
        let other_idp =
            claims(json!({"cognito:groups": ["TeamA"], SAML: "TeamB", "identities": through("Other")}));
        assert_eq!(groups(&other_idp, &federated()), Ok(vec!["TeamA".into()]));

        let want: Vec<String> = vec!["TeamA".into(), "TeamB".into(), "TeamC".into()];
        let mapped = claims(
            json!({"cognito:groups": ["TeamA"], SAML: "[TeamB, TeamC]", "identities": through("CorpIdP")}),
        );
        assert_eq!(groups(&mapped, &federated()), Ok(want.clone()));
        let as_string = through("CorpIdP").to_string();
        let mapped =
            claims(json!({"cognito:groups": ["TeamA"], SAML: "TeamB,TeamC", "identities": as_string}));
        assert_eq!(groups(&mapped, &federated()), Ok(want));
    }

    #[test]
    fn a_malformed_identities_claim_is_refused() {
        for identities in
            [json!(7), json!([{"userId": "u-1"}]), json!("not json"), json!({"providerName": "CorpIdP"})]
        {
            let c = claims(json!({SAML: "TeamB", "identities": identities}));
            assert_eq!(
                groups(&c, &federated()),
                Err(AuthError::InvalidClaim("identities".into())),
                "{identities}"
            );
        }
    }

    #[test]
    fn a_groups_claim_of_the_wrong_type_is_rejected() {
        let c = claims(json!({"cognito:groups": [1, 2]}));
        assert_eq!(
            groups(&c, &settings(TokenUse::Id)),
            Err(AuthError::InvalidClaim("cognito:groups".into()))
        );
        let c = claims(json!({SAML: {"a": 1}, "identities": through("CorpIdP")}));
        assert_eq!(groups(&c, &federated()), Err(AuthError::InvalidClaim(SAML.into())));
    }

    #[test]
    fn no_groups_claim_means_no_groups() {
        assert_eq!(groups(&claims(json!({})), &federated()), Ok(vec![]));
    }

    #[test]
    fn the_username_is_cognitos_and_never_the_email() {
        let cognito = UsernameClaim::Cognito;
        let full = json!({"email": "a@x", "cognito:username": "cu", "username": "u", "sub": "s"});
        assert_eq!(username(&claims(full), &cognito).as_deref(), Ok("cu"));
        let c = json!({"email": "a@x", "cognito:username": " ", "username": "u", "sub": "s"});
        assert_eq!(username(&claims(c), &cognito).as_deref(), Ok("u"));
        assert_eq!(username(&claims(json!({"email": "a@x", "sub": "s"})), &cognito).as_deref(), Ok("s"));
        let only_email = json!({"email": "a@x", "email_verified": true});
        assert_eq!(username(&claims(only_email), &cognito), Err(AuthError::MissingUsername));
        assert_eq!(username(&claims(json!({"sub": 7})), &cognito), Err(AuthError::MissingUsername));
    }

    #[test]
    fn an_email_names_the_user_only_when_verified() {
        let rule = UsernameClaim::VerifiedEmail;
        for verified in [json!(true), json!("true"), json!("True")] {
            let c = json!({"email": " a@x ", "email_verified": verified, "cognito:username": "cu"});
            assert_eq!(username(&claims(c), &rule).as_deref(), Ok("a@x"), "{verified}");
        }
        for verified in [json!(false), json!("false"), json!(1), json!(null), json!("yes")] {
            let c = json!({"email": "a@x", "email_verified": verified, "cognito:username": "cu"});
            assert_eq!(username(&claims(c), &rule), Err(AuthError::EmailNotVerified), "{verified}");
        }
        let unverified = json!({"email": "a@x", "cognito:username": "cu"});
        assert_eq!(username(&claims(unverified), &rule), Err(AuthError::EmailNotVerified));
        let no_email = json!({"email_verified": true, "cognito:username": "cu"});
        assert_eq!(username(&claims(no_email), &rule), Err(AuthError::MissingClaim("email".into())));
    }

    #[test]
    fn a_configured_username_claim_has_no_fallback() {
        let rule = UsernameClaim::Claim("upn".into());
        assert_eq!(username(&claims(json!({"upn": "a@corp", "sub": "s"})), &rule).as_deref(), Ok("a@corp"));
        for missing in [json!({"sub": "s"}), json!({"upn": " ", "sub": "s"}), json!({"upn": null})] {
            assert_eq!(
                username(&claims(missing.clone()), &rule),
                Err(AuthError::MissingClaim("upn".into())),
                "{missing}"
            );
        }
        assert_eq!(username(&claims(json!({"upn": 5})), &rule), Err(AuthError::InvalidClaim("upn".into())));
    }

    #[test]
    fn the_username_setting_reads_email_as_the_verified_email() {
        assert_eq!(UsernameClaim::from_setting(None), UsernameClaim::Cognito);
        assert_eq!(UsernameClaim::from_setting(Some("cognito:username")), UsernameClaim::Cognito);
        assert_eq!(UsernameClaim::from_setting(Some(" email ")), UsernameClaim::VerifiedEmail);
        assert_eq!(UsernameClaim::from_setting(Some("upn")), UsernameClaim::Claim("upn".into()));
    }

    #[test]
    fn an_id_token_audience_may_be_a_string_or_a_list() {
        let s = settings(TokenUse::Id);
        assert_eq!(check_client(&claims(json!({"aud": "client-1"})), &s), Ok(()));
        assert_eq!(check_client(&claims(json!({"aud": ["x", "client-1"]})), &s), Ok(()));
        assert_eq!(check_client(&claims(json!({"aud": ["x"]})), &s), Err(AuthError::WrongAudience));
        assert_eq!(check_client(&claims(json!({})), &s), Err(AuthError::MissingClaim("aud".into())));
    }

    #[test]
    fn an_access_token_is_matched_on_client_id_not_aud() {
        let s = settings(TokenUse::Access);
        assert_eq!(check_client(&claims(json!({"client_id": "client-1"})), &s), Ok(()));
        assert_eq!(
            check_client(&claims(json!({"aud": "client-1"})), &s),
            Err(AuthError::MissingClaim("client_id".into()))
        );
    }

    #[test]
    fn token_use_must_be_present_and_match() {
        let s = settings(TokenUse::Id);
        assert_eq!(check_token_use(&claims(json!({"token_use": "id"})), &s), Ok(()));
        assert_eq!(
            check_token_use(&claims(json!({"token_use": "access"})), &s),
            Err(AuthError::WrongTokenUse { expected: TokenUse::Id })
        );
        assert_eq!(check_token_use(&claims(json!({})), &s), Err(AuthError::MissingClaim("token_use".into())));
    }
}
