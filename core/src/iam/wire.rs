//! The wire format of an IAM-signed request: a presigned `sts:GetCallerIdentity` call that a
//! client sends in place of a token, as
//!
//! ```text
//! Authorization: SluiceIAM <base64 of {"method": "POST", "url": "...", "headers": {...}, "body": "<base64>"}>
//! ```
//!
//! One definition, used by the server to read it and by the CLI to write it.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// The authorization scheme naming an IAM-signed request.
pub const SCHEME: &str = "SluiceIAM";
/// The only body accepted: the GetCallerIdentity call, nothing else.
pub const GET_CALLER_IDENTITY_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
/// The signed header naming the Sluice server a request is meant for, so a request signed for
/// one server (or for Vault) is useless against another.
pub const SERVER_ID_HEADER: &str = "X-Sluice-Server-ID";
/// A random signed header that makes two requests signed in the same second differ; optional,
/// but without it a client can sign in only once a second.
pub const NONCE_HEADER: &str = "X-Sluice-Nonce";
/// Real requests are about 2 KiB, 3 with a session token; bounding the input bounds the work an
/// anonymous caller can cause.
pub const MAX_ENCODED_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedIdentityRequest {
    /// Always `POST`.
    pub method: String,
    /// The STS endpoint the request was signed for, e.g. `https://sts.eu-west-1.amazonaws.com/`.
    pub url: String,
    /// Every header the client signed, plus `Authorization`; one value each.
    pub headers: BTreeMap<String, String>,
    /// The request body, base64.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the IAM-signed request is not base64 of the documented JSON")]
pub struct Malformed;

impl SignedIdentityRequest {
    /// The value after `SluiceIAM ` in the Authorization header.
    pub fn encode(&self) -> String {
        // Serialising a struct of strings and a map of strings cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        STANDARD.encode(json)
    }

    /// The whole Authorization header value.
    pub fn header_value(&self) -> String {
        format!("{SCHEME} {}", self.encode())
    }

    pub fn decode(encoded: &str) -> Result<Self, Malformed> {
        let encoded = encoded.trim();
        if encoded.len() > MAX_ENCODED_BYTES {
            return Err(Malformed);
        }
        let json = STANDARD.decode(encoded).map_err(|_| Malformed)?;
        serde_json::from_slice(&json).map_err(|_| Malformed)
    }

    pub fn body_bytes(&self) -> Result<Vec<u8>, Malformed> {
        STANDARD.decode(&self.body).map_err(|_| Malformed)
    }

    /// A header's value, whatever the case of its name; `None` when absent, or when the name
    /// appears twice in different cases (then nobody can say which was signed).
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Some(v.as_str()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_survives_the_round_trip() {
        let req = SignedIdentityRequest {
            method: "POST".into(),
            url: "https://sts.amazonaws.com/".into(),
            headers: [("X-Amz-Date".to_owned(), "20261125T120000Z".to_owned())].into(),
            body: STANDARD.encode(GET_CALLER_IDENTITY_BODY),
        };
        let value = req.header_value();
        let encoded = value.strip_prefix("SluiceIAM ").expect("scheme");
        assert_eq!(SignedIdentityRequest::decode(encoded), Ok(req.clone()));
        assert_eq!(req.header("x-amz-date"), Some("20261125T120000Z"));
        assert_eq!(req.body_bytes().expect("body"), GET_CALLER_IDENTITY_BODY.as_bytes());
    }

    #[test]
    fn garbage_and_oversized_input_are_malformed() {
        assert_eq!(SignedIdentityRequest::decode("not base64!"), Err(Malformed));
        assert_eq!(SignedIdentityRequest::decode(&STANDARD.encode("{}")), Err(Malformed));
        assert_eq!(SignedIdentityRequest::decode(&"A".repeat(MAX_ENCODED_BYTES + 4)), Err(Malformed));
    }

    #[test]
    fn a_header_named_twice_in_different_cases_has_no_value() {
        let mut req = SignedIdentityRequest {
            method: "POST".into(),
            url: String::new(),
            headers: BTreeMap::new(),
            body: String::new(),
        };
        req.headers.insert("X-Sluice-Server-ID".into(), "a".into());
        req.headers.insert("x-sluice-server-id".into(), "b".into());
        assert_eq!(req.header(SERVER_ID_HEADER), None);
    }
}
