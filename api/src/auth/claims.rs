//! Reading identity out of already-verified claims: audience, token use, user name, groups.

use serde_json::{Map, Value};

use super::{AuthError, IssuerSettings, TokenUse};

pub(crate) type Claims = Map<String, Value>;

/// data.all's SAML federation puts the IdP groups here, often as one string.
pub(crate) const SAML_GROUPS_CLAIM: &str = "custom:saml.groups";

/// Claims tried in order for the user name. Cognito id tokens carry `email` only when the pool
/// has that attribute, access tokens carry `username`, other OIDC issuers may only have `sub`.
const USERNAME_CLAIMS: [&str; 4] = ["email", "cognito:username", "username", "sub"];

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

pub(crate) fn username(claims: &Claims) -> Result<String, AuthError> {
    USERNAME_CLAIMS
        .iter()
        .filter_map(|name| claims.get(*name).and_then(Value::as_str))
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or(AuthError::MissingUsername)
}

/// The configured claim plus `custom:saml.groups`, merged. Actor sorts and de-duplicates.
pub(crate) fn groups(claims: &Claims, groups_claim: &str) -> Result<Vec<String>, AuthError> {
    let mut out = Vec::new();
    for name in [groups_claim, SAML_GROUPS_CLAIM] {
        if let Some(value) = claims.get(name) {
            out.extend(groups_from(value).ok_or_else(|| AuthError::InvalidClaim(name.to_owned()))?);
        }
    }
    Ok(out)
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

    fn claims(value: Value) -> Claims {
        match value {
            Value::Object(map) => map,
            other => panic!("test claims must be an object, got {other}"),
        }
    }

    fn settings(token_use: TokenUse) -> IssuerSettings {
        IssuerSettings {
            issuer: "https://issuer".into(),
            jwks_url: "http://unused".into(),
            client_id: "client-1".into(),
            token_use,
            groups_claim: "cognito:groups".into(),
        }
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
    fn configured_and_saml_groups_are_merged() {
        let c = claims(json!({"groups": ["TeamA"], "custom:saml.groups": "[TeamB, TeamC]"}));
        assert_eq!(groups(&c, "groups"), Ok(vec!["TeamA".into(), "TeamB".into(), "TeamC".into()]));
    }

    #[test]
    fn a_groups_claim_of_the_wrong_type_is_rejected() {
        let c = claims(json!({"cognito:groups": [1, 2]}));
        assert_eq!(groups(&c, "cognito:groups"), Err(AuthError::InvalidClaim("cognito:groups".into())));
        let c = claims(json!({"custom:saml.groups": {"a": 1}}));
        assert_eq!(groups(&c, "cognito:groups"), Err(AuthError::InvalidClaim(SAML_GROUPS_CLAIM.into())));
    }

    #[test]
    fn no_groups_claim_means_no_groups() {
        assert_eq!(groups(&claims(json!({})), "cognito:groups"), Ok(vec![]));
    }

    #[test]
    fn the_username_falls_back_from_email_to_sub() {
        let full = json!({"email": "a@x", "cognito:username": "cu", "username": "u", "sub": "s"});
        assert_eq!(username(&claims(full)).as_deref(), Ok("a@x"));
        let c = json!({"email": " ", "cognito:username": "cu", "username": "u", "sub": "s"});
        assert_eq!(username(&claims(c)).as_deref(), Ok("cu"));
        assert_eq!(username(&claims(json!({"username": "u", "sub": "s"}))).as_deref(), Ok("u"));
        assert_eq!(username(&claims(json!({"sub": "s"}))).as_deref(), Ok("s"));
        assert_eq!(username(&claims(json!({"sub": 7}))), Err(AuthError::MissingUsername));
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
