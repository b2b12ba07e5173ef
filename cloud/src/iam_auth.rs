//! Signing Sluice IAM requests: a presigned `sts:GetCallerIdentity` call, which a client sends
//! in place of a token (`Authorization: SluiceIAM …`). The server forwards it to STS to learn
//! who signed it. Used by the command-line client and by tests; the server never signs.

use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_credential_types::{Credentials, provider::ProvideCredentials};
use aws_sigv4::http_request::{PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sluice_core::iam::wire::{
    GET_CALLER_IDENTITY_BODY, NONCE_HEADER, SERVER_ID_HEADER, SignedIdentityRequest,
};

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

#[derive(Debug, thiserror::Error)]
pub enum IamSignError {
    #[error("no AWS credentials: {0}")]
    NoCredentials(String),
    #[error("the STS endpoint {0:?} is not an http(s) URL")]
    BadEndpoint(String),
    #[error("signing failed: {0}")]
    Signing(String),
}

/// The credentials of the standard chain (environment, profile, SSO, web identity, container
/// or instance role) that `config` was loaded with.
pub async fn credentials(config: &SdkConfig) -> Result<Credentials, IamSignError> {
    let provider = config
        .credentials_provider()
        .ok_or_else(|| IamSignError::NoCredentials("no credentials provider is configured".into()))?;
    provider.provide_credentials().await.map_err(|e| IamSignError::NoCredentials(e.to_string()))
}

/// Signs a GetCallerIdentity request for `sts_endpoint` (as the server publishes it at
/// `/auth/iam`), carrying the server's id, at `time`.
pub fn sign_get_caller_identity(
    credentials: &Credentials,
    sts_endpoint: &str,
    region: &str,
    server_id: &str,
    time: SystemTime,
) -> Result<SignedIdentityRequest, IamSignError> {
    let (url, host) = endpoint_parts(sts_endpoint)?;
    let identity: Identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    // The body's hash as a signed header lets the server compare body and signature itself.
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| IamSignError::Signing(e.to_string()))?
        .into();
    // Two requests signed in the same second would otherwise be identical, and the second
    // refused as a replay.
    let nonce = format!("{:032x}", rand::random::<u128>());
    let unsigned = [
        ("host", host.as_str()),
        ("content-type", CONTENT_TYPE),
        ("x-sluice-nonce", nonce.as_str()),
        ("x-sluice-server-id", server_id),
    ];
    let signable = SignableRequest::new(
        "POST",
        url.as_str(),
        unsigned.iter().copied(),
        SignableBody::Bytes(GET_CALLER_IDENTITY_BODY.as_bytes()),
    )
    .map_err(|e| IamSignError::Signing(e.to_string()))?;
    let (instructions, _signature) =
        sign(signable, &params).map_err(|e| IamSignError::Signing(e.to_string()))?.into_parts();
    let mut headers: std::collections::BTreeMap<String, String> = [
        ("Host".to_owned(), host),
        ("Content-Type".to_owned(), CONTENT_TYPE.to_owned()),
        (SERVER_ID_HEADER.to_owned(), server_id.to_owned()),
        (NONCE_HEADER.to_owned(), nonce.clone()),
    ]
    .into();
    for (name, value) in instructions.headers() {
        headers.insert(name.to_owned(), value.to_owned());
    }
    Ok(SignedIdentityRequest {
        method: "POST".into(),
        url,
        headers,
        body: STANDARD.encode(GET_CALLER_IDENTITY_BODY),
    })
}

/// The endpoint as a URL with a `/` path, and its `Host` header as SigV4 signs it: the port only
/// when it is not the scheme's default.
fn endpoint_parts(endpoint: &str) -> Result<(String, String), IamSignError> {
    let bad = || IamSignError::BadEndpoint(endpoint.to_owned());
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme, "http" | "https") {
        return Err(bad());
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(bad());
    }
    let host = match authority.rsplit_once(':') {
        Some((h, "443")) if scheme == "https" => h,
        Some((h, "80")) if scheme == "http" => h,
        _ => authority,
    };
    Ok((format!("{scheme}://{authority}/"), host.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_header_drops_only_default_ports() {
        assert_eq!(
            endpoint_parts("https://sts.eu-west-1.amazonaws.com").expect("valid"),
            ("https://sts.eu-west-1.amazonaws.com/".to_owned(), "sts.eu-west-1.amazonaws.com".to_owned())
        );
        assert_eq!(endpoint_parts("http://127.0.0.1:5000/").expect("valid").1, "127.0.0.1:5000");
        assert_eq!(endpoint_parts("https://sts.amazonaws.com:443").expect("valid").1, "sts.amazonaws.com");
        assert!(endpoint_parts("sts.amazonaws.com").is_err());
    }

    #[test]
    fn a_signed_request_signs_the_server_id_and_the_body_hash() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("session".into()), None, "test");
        let req = sign_get_caller_identity(
            &creds,
            "http://127.0.0.1:5000",
            "us-east-1",
            "sluice-test",
            SystemTime::now(),
        )
        .expect("signed");
        let auth = req.header("authorization").expect("authorization");
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
        for signed in ["host", "x-amz-content-sha256", "x-amz-date", "x-sluice-server-id"] {
            assert!(auth.contains(signed), "{signed} is not signed: {auth}");
        }
        assert_eq!(req.header("x-sluice-server-id"), Some("sluice-test"));
        assert_eq!(req.header("x-amz-security-token"), Some("session"));
        assert_eq!(req.body_bytes().expect("body"), GET_CALLER_IDENTITY_BODY.as_bytes());
        let twin = sign_get_caller_identity(
            &creds,
            "http://127.0.0.1:5000",
            "us-east-1",
            "sluice-test",
            SystemTime::now(),
        )
        .expect("signed");
        assert_ne!(req.header("authorization"), twin.header("authorization"), "a nonce tells them apart");
    }
}
