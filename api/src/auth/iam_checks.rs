//! What Sluice itself checks of an IAM-signed request before it lets STS check the signature:
//! that it can only be a GetCallerIdentity call to our STS endpoint, signed for this server,
//! recently. Pure functions of the request, the settings and the clock.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sluice_core::iam::wire::{GET_CALLER_IDENTITY_BODY, SERVER_ID_HEADER, SignedIdentityRequest};

use super::iam::{IamAuthError, IamSettings};

/// How old a signature may be, as STS's own presigned-request window.
pub const MAX_AGE: TimeDelta = TimeDelta::minutes(15);
/// How far in the future a signature's date may be, for clients with a fast clock.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(5);
/// A signed GetCallerIdentity has about eight headers; more is not a real client.
const MAX_HEADERS: usize = 32;

/// The parts of a request that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The SigV4 signature, hex: the replay key.
    pub signature: String,
    pub signed_at: DateTime<Utc>,
    pub body: Vec<u8>,
    /// What is forwarded to STS: `Authorization` and the signed headers but `Host` (the
    /// endpoint's own is sent), checked to be valid HTTP. Nothing unsigned is passed on.
    pub forward_headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
}

pub fn check(
    req: &SignedIdentityRequest,
    settings: &IamSettings,
    now: DateTime<Utc>,
) -> Result<Checked, IamAuthError> {
    if !req.method.eq_ignore_ascii_case("POST") {
        return Err(IamAuthError::NotGetCallerIdentity);
    }
    check_url(&req.url, settings)?;
    let body = req.body_bytes().map_err(|_| IamAuthError::Malformed)?;
    if body != GET_CALLER_IDENTITY_BODY.as_bytes() {
        return Err(IamAuthError::NotGetCallerIdentity);
    }
    if req.headers.len() > MAX_HEADERS {
        return Err(IamAuthError::Malformed);
    }
    let auth = req.header("authorization").ok_or(IamAuthError::Malformed)?;
    let sig = parse_authorization(auth)?;
    for required in ["host", "x-amz-date", "x-sluice-server-id"] {
        if !sig.signed_headers.iter().any(|h| h == required) {
            return Err(IamAuthError::UnsignedHeader(required));
        }
    }
    // Every signed header must be present, or STS would be checking a different request.
    for signed in &sig.signed_headers {
        if signed != "host" && req.header(signed).is_none() {
            return Err(IamAuthError::Malformed);
        }
    }
    if let Some(host) = req.header("host")
        && host != authority(settings)
    {
        return Err(IamAuthError::WrongHost);
    }
    if req.header(SERVER_ID_HEADER) != Some(settings.server_id.as_str()) {
        return Err(IamAuthError::WrongServerId);
    }
    let date = req.header("x-amz-date").ok_or(IamAuthError::Malformed)?;
    let signed_at =
        NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").map_err(|_| IamAuthError::Malformed)?.and_utc();
    if !sig.scope_date.is_empty() && !date.starts_with(&sig.scope_date) {
        return Err(IamAuthError::Malformed);
    }
    if now - signed_at > MAX_AGE {
        return Err(IamAuthError::Expired);
    }
    if signed_at - now > MAX_SKEW {
        return Err(IamAuthError::NotYetValid);
    }
    // moto does not verify signatures, and STS only sees the body we forward; comparing the
    // signed hash with the body is the part of tamper detection that is ours.
    if let Some(declared) = req.header("x-amz-content-sha256")
        && !declared.eq_ignore_ascii_case(&hex::encode(Sha256::digest(&body)))
    {
        return Err(IamAuthError::BodyMismatch);
    }
    let mut forward_headers = Vec::with_capacity(sig.signed_headers.len());
    for (name, value) in &req.headers {
        let lower = name.to_ascii_lowercase();
        // Host and Content-Length are set by the HTTP client from the endpoint and the body,
        // which are exactly what was checked.
        let ours = lower == "host" || lower == "content-length";
        if ours || !(lower == "authorization" || sig.signed_headers.contains(&lower)) {
            continue;
        }
        let name =
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| IamAuthError::Malformed)?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| IamAuthError::Malformed)?;
        forward_headers.push((name, value));
    }
    Ok(Checked { signature: sig.signature, signed_at, body, forward_headers })
}

fn check_url(url: &str, settings: &IamSettings) -> Result<(), IamAuthError> {
    let url = reqwest::Url::parse(url).map_err(|_| IamAuthError::WrongHost)?;
    let ours = &settings.sts_endpoint;
    let same_place = url.scheme() == ours.scheme()
        && url.host_str().map(str::to_ascii_lowercase) == ours.host_str().map(str::to_ascii_lowercase)
        && url.port_or_known_default() == ours.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none();
    if !same_place {
        return Err(IamAuthError::WrongHost);
    }
    // The action lives in the body; a query string could carry a second one.
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(IamAuthError::NotGetCallerIdentity);
    }
    Ok(())
}

/// `host[:port]` as a client signs it: the port only when it is not the scheme's default.
pub fn authority(settings: &IamSettings) -> String {
    let url = &settings.sts_endpoint;
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

struct SigV4 {
    signed_headers: Vec<String>,
    signature: String,
    /// `YYYYMMDD` from the credential scope.
    scope_date: String,
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/sts/aws4_request,
/// SignedHeaders=host;x-amz-date;..., Signature=<64 hex>`.
fn parse_authorization(value: &str) -> Result<SigV4, IamAuthError> {
    let rest = value.trim().strip_prefix("AWS4-HMAC-SHA256 ").ok_or(IamAuthError::Malformed)?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(IamAuthError::Malformed),
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(IamAuthError::Malformed);
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [_key, date, _region, service, "aws4_request"] = scope.as_slice() else {
        return Err(IamAuthError::Malformed);
    };
    if *service != "sts" {
        return Err(IamAuthError::NotGetCallerIdentity);
    }
    if signature.len() != 64 || !signature.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(IamAuthError::Malformed);
    }
    Ok(SigV4 {
        signed_headers: signed.split(';').map(|h| h.trim().to_ascii_lowercase()).collect(),
        signature: signature.to_ascii_lowercase(),
        scope_date: (*date).to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    const SIG: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn settings() -> IamSettings {
        IamSettings {
            sts_endpoint: reqwest::Url::parse("https://sts.eu-west-1.amazonaws.com").expect("url"),
            region: "eu-west-1".into(),
            server_id: "https://sluice.example.com".into(),
        }
    }

    fn now() -> DateTime<Utc> {
        NaiveDateTime::parse_from_str("20261125T120000Z", "%Y%m%dT%H%M%SZ").expect("date").and_utc()
    }

    fn request() -> SignedIdentityRequest {
        let headers: BTreeMap<String, String> = [
            (
                "Authorization",
                format!("AWS4-HMAC-SHA256 Credential=AKIA/20261125/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-sluice-server-id, Signature={SIG}"),
            ),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8".into()),
            ("Host", "sts.eu-west-1.amazonaws.com".into()),
            ("X-Amz-Date", "20261125T115500Z".into()),
            ("X-Amz-Content-Sha256", hex::encode(Sha256::digest(GET_CALLER_IDENTITY_BODY))),
            ("X-Sluice-Server-ID", "https://sluice.example.com".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        SignedIdentityRequest {
            method: "POST".into(),
            url: "https://sts.eu-west-1.amazonaws.com/".into(),
            headers,
            body: STANDARD.encode(GET_CALLER_IDENTITY_BODY),
        }
    }

    fn with(f: impl FnOnce(&mut SignedIdentityRequest)) -> Result<Checked, IamAuthError> {
        let mut req = request();
        f(&mut req);
        check(&req, &settings(), now())
    }

    #[test]
    fn a_well_formed_request_passes_and_yields_its_signature() {
        let checked = check(&request(), &settings(), now()).expect("valid");
        assert_eq!(checked.signature, SIG);
        assert_eq!(checked.body, GET_CALLER_IDENTITY_BODY.as_bytes());
    }

    #[test]
    fn another_host_or_a_path_or_query_is_refused() {
        assert_eq!(with(|r| r.url = "https://evil.example.com/".into()), Err(IamAuthError::WrongHost));
        assert_eq!(
            with(|r| r.url = "http://sts.eu-west-1.amazonaws.com/".into()),
            Err(IamAuthError::WrongHost)
        );
        assert_eq!(with(|r| r.url = "https://sts.amazonaws.com/".into()), Err(IamAuthError::WrongHost));
        assert_eq!(
            with(|r| r.url = "https://sts.eu-west-1.amazonaws.com/?Action=AssumeRole".into()),
            Err(IamAuthError::NotGetCallerIdentity)
        );
        assert_eq!(
            with(|r| {
                r.headers.insert("Host".into(), "evil.example.com".into());
            }),
            Err(IamAuthError::WrongHost)
        );
    }

    #[test]
    fn any_other_body_or_method_is_refused() {
        let assume = STANDARD.encode("Action=AssumeRole&Version=2011-06-15&RoleArn=x");
        assert_eq!(with(|r| r.body = assume), Err(IamAuthError::NotGetCallerIdentity));
        assert_eq!(with(|r| r.method = "GET".into()), Err(IamAuthError::NotGetCallerIdentity));
    }

    #[test]
    fn a_body_that_differs_from_its_signed_hash_is_refused() {
        let other = hex::encode(Sha256::digest(b"Action=GetCallerIdentity&Version=2011-06-15&x=1"));
        assert_eq!(
            with(|r| {
                r.headers.insert("X-Amz-Content-Sha256".into(), other);
            }),
            Err(IamAuthError::BodyMismatch)
        );
    }

    #[test]
    fn the_server_id_must_be_ours_and_signed() {
        assert_eq!(
            with(|r| {
                r.headers.insert("X-Sluice-Server-ID".into(), "https://other".into());
            }),
            Err(IamAuthError::WrongServerId)
        );
        let unsigned = format!(
            "AWS4-HMAC-SHA256 Credential=AKIA/20261125/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature={SIG}"
        );
        assert_eq!(
            with(|r| {
                r.headers.insert("Authorization".into(), unsigned);
            }),
            Err(IamAuthError::UnsignedHeader("x-sluice-server-id"))
        );
    }

    #[test]
    fn old_and_future_signatures_are_refused() {
        let at = |d: &'static str| {
            move |r: &mut SignedIdentityRequest| {
                r.headers.insert("X-Amz-Date".into(), d.into());
            }
        };
        assert_eq!(with(at("20261125T114400Z")), Err(IamAuthError::Expired));
        assert!(with(at("20261125T114600Z")).is_ok());
        assert_eq!(with(at("20261125T120600Z")), Err(IamAuthError::NotYetValid));
        assert_eq!(with(at("20261124T120000Z")), Err(IamAuthError::Malformed), "scope date differs");
    }

    #[test]
    fn a_signature_for_another_service_is_refused() {
        let s3 = format!(
            "AWS4-HMAC-SHA256 Credential=AKIA/20261125/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-date;x-sluice-server-id, Signature={SIG}"
        );
        assert_eq!(
            with(|r| {
                r.headers.insert("Authorization".into(), s3);
            }),
            Err(IamAuthError::NotGetCallerIdentity)
        );
    }

    #[test]
    fn only_the_authorization_and_signed_headers_are_forwarded() {
        let checked = with(|r| {
            r.headers.insert("Transfer-Encoding".into(), "chunked".into());
        })
        .expect("valid");
        let mut names: Vec<&str> = checked.forward_headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["authorization", "content-type", "x-amz-content-sha256", "x-amz-date", "x-sluice-server-id"]
        );
        assert_eq!(
            with(|r| {
                r.headers.insert("X-Sluice-Server-ID".into(), "https://sluice.example.com\n".into());
            }),
            Err(IamAuthError::WrongServerId)
        );
        assert_eq!(
            with(|r| {
                r.headers.insert("Content-Type".into(), "text/plain\u{7f}".into());
            }),
            Err(IamAuthError::Malformed)
        );
    }

    #[test]
    fn authority_names_the_port_only_when_needed() {
        assert_eq!(authority(&settings()), "sts.eu-west-1.amazonaws.com");
        let mut local = settings();
        local.sts_endpoint = reqwest::Url::parse("http://127.0.0.1:5000").expect("url");
        assert_eq!(authority(&local), "127.0.0.1:5000");
    }
}
