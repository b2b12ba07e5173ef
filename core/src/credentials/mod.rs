//! Credential vending: short-lived AWS credentials, console sign-in links and upload links for
//! the teams that own the data, as data.all hands them out (`generateDatasetAccessToken`,
//! `getEnvironmentAssumeRoleUrl`, `getDatasetPresignedUrl`, ...).
//!
//! This is the one place Sluice gives a person AWS power directly rather than acting for them,
//! so each vend is checked against the team that receives the role (never any team of the
//! caller's, never a platform admin who is not in it), recorded in the activity trail (the
//! role and the key id, never the secret), and the whole feature can be switched off
//! (`SLUICE_CREDENTIAL_VENDING=false`, which leaves `AwsSettings::credentials` empty).
//! docs/HARDENING.md says what an operator takes on by leaving it on.
//!
//! The AWS adapter (STS AssumeRole chained through the pivot role, the console federation
//! endpoint, S3 POST policies) is in `cloud/`.

mod key;
mod vend;

use std::fmt;

pub use key::upload_key;

use crate::environments::{LinkError, PivotRole};

/// What the refusal says when an operator turned the feature off.
pub const VENDING_OFF: &str = "credential vending is turned off on this Sluice (SLUICE_CREDENTIAL_VENDING=false); \
     ask your platform team, or use your own AWS access";

/// How long an upload link stays valid, as in data.all.
pub const UPLOAD_LINK_SECONDS: u64 = 15 * 60;

/// Temporary credentials of one IAM role. `Debug` leaves the secrets out, so a log line or a
/// panic message never carries them.
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    /// The role's ARN, which the activity trail names.
    pub role_arn: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: Option<chrono::DateTime<chrono::Utc>>,
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("role_arn", &self.role_arn)
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

impl RoleCredentials {
    /// The JSON string data.all's `generate*AccessToken` return: `AccessKey`, `SessionKey` (the
    /// secret key) and `sessionToken`, plus `Expiration`.
    pub fn to_dataall_json(&self) -> String {
        serde_json::json!({
            "AccessKey": self.access_key_id,
            "SessionKey": self.secret_access_key,
            "sessionToken": self.session_token,
            "Expiration": self.expiration.map(|e| e.to_rfc3339()),
        })
        .to_string()
    }
}

/// An S3 browser-upload (POST) form, as boto3's `generate_presigned_post` returns it: POST the
/// `fields` and then the file to `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadForm {
    pub url: String,
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    /// `{"url": …, "fields": {…}}`, data.all's `getDatasetPresignedUrl` answer.
    pub fn to_json(&self) -> String {
        let fields: serde_json::Map<String, serde_json::Value> =
            self.fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
        serde_json::json!({ "url": self.url, "fields": fields }).to_string()
    }
}

/// Hands out a role's credentials and what can be made from them.
#[async_trait::async_trait]
pub trait CredentialVendor: Send + Sync {
    /// Short-lived credentials of `role_arn`, assumed from the account's pivot role session,
    /// under `session_name` (which the account's CloudTrail shows).
    async fn assume_role(
        &self,
        pivot: &PivotRole,
        role_arn: &str,
        session_name: &str,
    ) -> Result<RoleCredentials, LinkError>;

    /// An AWS console sign-in link for `credentials` that lands on `destination`.
    async fn console_url(
        &self,
        credentials: &RoleCredentials,
        destination: &str,
    ) -> Result<String, LinkError>;

    /// A POST form, signed with `credentials`, that uploads one object to `bucket` under
    /// exactly `key`, valid for `seconds`.
    fn upload_form(
        &self,
        credentials: &RoleCredentials,
        region: &str,
        bucket: &str,
        key: &str,
        seconds: u64,
    ) -> Result<UploadForm, LinkError>;
}

/// The STS session name of a vend: the user it was vended to, so the account's CloudTrail
/// names the person as well as the role. STS allows `[\w+=,.@-]`, 2 to 64 characters.
pub fn session_name(username: &str) -> String {
    let cleaned: String = username
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) { c } else { '-' })
        .collect();
    let mut name = format!("sluice-{cleaned}");
    name.truncate(64);
    name
}

/// Vends credentials and links for datasets and environments. See [`crate::Core::credentials`].
pub struct Credentials<'a> {
    pub(crate) db: &'a sea_orm::DatabaseConnection,
    pub(crate) aws: &'a Option<std::sync::Arc<crate::environments::AwsSettings>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_name_is_what_sts_accepts() {
        assert_eq!(session_name("alice"), "sluice-alice");
        assert_eq!(session_name("a b/c"), "sluice-a-b-c");
        assert_eq!(session_name(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let c = RoleCredentials {
            role_arn: "arn:aws:iam::111111111111:role/r".into(),
            access_key_id: "ASIAKEY".into(),
            secret_access_key: "very-secret".into(),
            session_token: "token-secret".into(),
            expiration: None,
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("ASIAKEY"), "{shown}");
        assert!(!shown.contains("very-secret") && !shown.contains("token-secret"), "{shown}");
    }
}
