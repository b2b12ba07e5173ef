//! The AWS adapter of credential vending: a team role's credentials through the account's pivot
//! role (a role chain, so at most one hour), AWS console sign-in links through the federation
//! endpoint, and S3 POST upload forms signed with the role's credentials.
//!
//! The federation endpoint is configurable (`SLUICE_CONSOLE_FEDERATION_URL`): other partitions
//! have their own, and tests serve a fake one on 127.0.0.1.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sigv4::sign::v4;
use base64::{Engine as _, engine::general_purpose::STANDARD};
use sluice_core::{
    credentials::{CredentialVendor, RoleCredentials, UploadForm},
    environments::{LinkError, PivotRole},
};

use crate::{aws_error::describe, link::assume_pivot};

/// The commercial partition's console federation endpoint.
pub const DEFAULT_FEDERATION_URL: &str = "https://signin.aws.amazon.com/federation";

/// What the console shows as the link's issuer.
const ISSUER: &str = "Sluice";

#[derive(Debug, Clone)]
pub struct RoleVendor {
    base: SdkConfig,
    federation_url: reqwest::Url,
    http: reqwest::Client,
}

impl RoleVendor {
    /// `base` is Sluice's own configuration (its credentials assume the pivot roles);
    /// `federation_url` the console federation endpoint.
    pub fn new(base: SdkConfig, federation_url: reqwest::Url) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            // The sign-in token request carries the credentials: it must never follow a
            // redirect elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { base, federation_url, http }
    }
}

#[async_trait::async_trait]
impl CredentialVendor for RoleVendor {
    async fn assume_role(
        &self,
        pivot: &PivotRole,
        role_arn: &str,
        session_name: &str,
    ) -> Result<RoleCredentials, LinkError> {
        let session = assume_pivot(&self.base, pivot).await?;
        let out = aws_sdk_sts::Client::new(&session)
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .send()
            .await
            .map_err(|e| {
                let answered = e.as_service_error().and_then(|s| s.code()).is_some();
                let message =
                    format!("STS AssumeRole of {role_arn} through the pivot role: {}", describe(&e));
                if answered { LinkError::Refused(message) } else { LinkError::Unreachable(message) }
            })?;
        let c = out.credentials.ok_or_else(|| {
            LinkError::Unreachable(format!("STS AssumeRole of {role_arn} returned no credentials"))
        })?;
        let expiration = chrono::DateTime::from_timestamp(c.expiration.secs(), c.expiration.subsec_nanos());
        Ok(RoleCredentials {
            role_arn: role_arn.to_owned(),
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: c.session_token,
            expiration,
        })
    }

    async fn console_url(
        &self,
        credentials: &RoleCredentials,
        destination: &str,
    ) -> Result<String, LinkError> {
        let session = serde_json::json!({
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key,
            "sessionToken": credentials.session_token,
        })
        .to_string();
        let mut ask = self.federation_url.clone();
        ask.query_pairs_mut().append_pair("Action", "getSigninToken").append_pair("Session", &session);
        let unreachable = |e: reqwest::Error| {
            // Without the URL: it carries the credentials.
            LinkError::Unreachable(format!("the console federation endpoint: {}", e.without_url()))
        };
        let answer = self.http.get(ask).send().await.map_err(unreachable)?;
        let status = answer.status();
        if !status.is_success() {
            return Err(LinkError::Refused(format!(
                "the console federation endpoint refused the sign-in token ({status})"
            )));
        }
        let body: serde_json::Value = answer.json().await.map_err(unreachable)?;
        let token = body["SigninToken"].as_str().ok_or_else(|| {
            LinkError::Unreachable("the console federation endpoint answered no SigninToken".into())
        })?;
        let mut login = self.federation_url.clone();
        login
            .query_pairs_mut()
            .append_pair("Action", "login")
            .append_pair("Issuer", ISSUER)
            .append_pair("Destination", destination)
            .append_pair("SigninToken", token);
        Ok(login.into())
    }

    fn upload_form(
        &self,
        credentials: &RoleCredentials,
        region: &str,
        bucket: &str,
        key: &str,
        seconds: u64,
    ) -> Result<UploadForm, LinkError> {
        let url = match self.base.endpoint_url() {
            // An emulator serves every bucket under its one address.
            Some(endpoint) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
            None => format!("https://{bucket}.s3.{region}.amazonaws.com/"),
        };
        Ok(UploadForm {
            url,
            fields: post_fields(credentials, region, bucket, key, seconds, SystemTime::now()),
        })
    }
}

/// The fields of an S3 POST upload (Signature Version 4): a policy that allows exactly `key`
/// in `bucket` until `seconds` from `now`, and its signature.
pub fn post_fields(
    credentials: &RoleCredentials,
    region: &str,
    bucket: &str,
    key: &str,
    seconds: u64,
    now: SystemTime,
) -> Vec<(String, String)> {
    let at = chrono::DateTime::<chrono::Utc>::from(now);
    let date = at.format("%Y%m%d").to_string();
    let amz_date = at.format("%Y%m%dT%H%M%SZ").to_string();
    // S3 accepts a policy up to seven days ahead.
    let seconds = i64::try_from(seconds.min(7 * 24 * 3600)).unwrap_or(900);
    let expiration = (at + chrono::Duration::seconds(seconds)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let credential = format!("{}/{date}/{region}/s3/aws4_request", credentials.access_key_id);
    let policy = serde_json::json!({
        "expiration": expiration,
        "conditions": [
            {"bucket": bucket},
            ["eq", "$key", key],
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"x-amz-credential": credential},
            {"x-amz-date": amz_date},
            {"x-amz-security-token": credentials.session_token},
        ],
    });
    let policy = STANDARD.encode(policy.to_string());
    let signing_key = v4::generate_signing_key(&credentials.secret_access_key, now, region, "s3");
    let signature = v4::calculate_signature(signing_key, policy.as_bytes());
    vec![
        ("key".into(), key.into()),
        ("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()),
        ("x-amz-credential".into(), credential),
        ("x-amz-date".into(), amz_date),
        ("x-amz-security-token".into(), credentials.session_token.clone()),
        ("policy".into(), policy),
        ("x-amz-signature".into(), signature),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_key_in_the_bucket() {
        let credentials = RoleCredentials {
            role_arn: "arn:aws:iam::111111111111:role/r".into(),
            access_key_id: "ASIAX".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: None,
        };
        let fields = post_fields(&credentials, "eu-west-1", "b", "uploads/a.csv", 900, SystemTime::now());
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).expect(name);
        let policy: serde_json::Value =
            serde_json::from_slice(&STANDARD.decode(get("policy")).expect("base64")).expect("json");
        let conditions = policy["conditions"].as_array().expect("conditions");
        assert!(conditions.contains(&serde_json::json!({"bucket": "b"})));
        assert!(conditions.contains(&serde_json::json!(["eq", "$key", "uploads/a.csv"])));
        assert!(
            get("x-amz-credential").starts_with("ASIAX/")
                && get("x-amz-credential").ends_with("/eu-west-1/s3/aws4_request")
        );
        assert_eq!(get("x-amz-signature").len(), 64);
    }
}
