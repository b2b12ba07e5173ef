//! S3 access points through S3 Control: one per share of a dataset's bucket (or its folders),
//! made, read and deleted by name, each with its own policy. Folder and bucket shares live here
//! rather than in the bucket policy, whose 20 KB would otherwise cap a bucket at a few dozen
//! shares.
//!
//! Every call is safe to repeat: making an access point that exists reads it back, and deleting
//! one (or its policy) that is gone is already done.

use aws_config::SdkConfig;
use aws_sdk_s3control::{
    config::endpoint::{EndpointFuture, Params, ResolveEndpoint},
    error::ProvideErrorMetadata,
};
use serde_json::Value;

use crate::storage::StorageError;

/// An access point as S3 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPointShown {
    pub name: String,
    pub bucket: String,
    /// The alias S3 gives it, which clients use where they would a bucket name.
    pub alias: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccessPoints {
    control: aws_sdk_s3control::Client,
    /// The account the access points are in (S3 Control names it in every call).
    account: String,
}

fn invalid(op: String, message: String) -> StorageError {
    StorageError::Invalid { op, message }
}

fn not_found(code: Option<&str>) -> bool {
    matches!(code, Some("NoSuchAccessPoint" | "NoSuchAccessPointPolicy" | "NoSuchAccessPointPolicyError"))
}

/// S3 Control's endpoint rules put the account id in front of the host
/// (`<account>.s3-control.<region>.amazonaws.com`), and do so for a configured endpoint too. A
/// plain-HTTP endpoint or an address is a local emulator, which has no such names: there the
/// account goes only in the `x-amz-account-id` header, which S3 Control always sends.
#[derive(Debug)]
struct EmulatorEndpoint {
    default: aws_sdk_s3control::config::endpoint::DefaultResolver,
}

/// Whether `endpoint` is a local emulator's: plain HTTP, or an IP address or localhost.
pub fn is_emulator_endpoint(endpoint: &str) -> bool {
    let Some((scheme, rest)) = endpoint.split_once("://") else { return false };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h).trim_matches(['[', ']']);
    scheme == "http" || host == "localhost" || host.parse::<std::net::IpAddr>().is_ok()
}

impl ResolveEndpoint for EmulatorEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let resolved = self.default.resolve_endpoint(params);
        let (Some(configured), Some(account)) = (params.endpoint(), params.account_id()) else {
            return resolved;
        };
        if !is_emulator_endpoint(configured) {
            return resolved;
        }
        let prefix = format!("://{account}.");
        EndpointFuture::new(async move {
            let endpoint = resolved.await?;
            let url = endpoint.url().replacen(&prefix, "://", 1);
            Ok(endpoint.into_builder().url(url).build())
        })
    }
}

impl AccessPoints {
    /// Access points of `account`, through `config` (the account's pivot role).
    pub fn new(config: &SdkConfig, account: &str) -> Self {
        let mut conf = aws_sdk_s3control::config::Builder::from(config)
            .endpoint_resolver(EmulatorEndpoint { default: Default::default() });
        if config.endpoint_url().is_some_and(is_emulator_endpoint) {
            conf = conf.http_client(crate::s3control_emulator::http_client());
        }
        let conf = conf.build();
        Self { control: aws_sdk_s3control::Client::from_conf(conf), account: account.to_owned() }
    }

    /// The access point `name`; None when there is none.
    pub async fn get(&self, name: &str) -> Result<Option<AccessPointShown>, StorageError> {
        match self.control.get_access_point().account_id(&self.account).name(name).send().await {
            Ok(out) => Ok(Some(AccessPointShown {
                name: out.name.unwrap_or_else(|| name.to_owned()),
                bucket: out.bucket.unwrap_or_default(),
                alias: out.alias.filter(|a| !a.is_empty()),
            })),
            Err(e) if not_found(e.code()) => Ok(None),
            Err(e) => Err(StorageError::aws(format!("S3 Control GetAccessPoint {name}"), e)),
        }
    }

    /// Makes the access point `name` on `bucket` unless it exists; one of that name on another
    /// bucket is an error, never reused.
    pub async fn ensure(&self, name: &str, bucket: &str) -> Result<AccessPointShown, StorageError> {
        if let Some(found) = self.get(name).await? {
            return self.same_bucket(found, bucket);
        }
        let created = self
            .control
            .create_access_point()
            .account_id(&self.account)
            .name(name)
            .bucket(bucket)
            .send()
            .await;
        match created {
            Ok(_) => {}
            // Another run made it meanwhile.
            Err(e) if e.code() == Some("AccessPointAlreadyOwnedByYou") => {}
            Err(e) => return Err(StorageError::aws(format!("S3 Control CreateAccessPoint {name}"), e)),
        }
        let found = self.get(name).await?.ok_or_else(|| {
            invalid(format!("S3 Control GetAccessPoint {name}"), "missing right after it was made".into())
        })?;
        self.same_bucket(found, bucket)
    }

    fn same_bucket(&self, found: AccessPointShown, bucket: &str) -> Result<AccessPointShown, StorageError> {
        if found.bucket.is_empty() || found.bucket == bucket {
            return Ok(found);
        }
        Err(invalid(
            format!("S3 Control CreateAccessPoint {}", found.name),
            format!("access point {} exists for bucket {}, not {bucket}", found.name, found.bucket),
        ))
    }

    /// The access point's policy; None when it (or its policy) is missing.
    pub async fn policy(&self, name: &str) -> Result<Option<Value>, StorageError> {
        let op = || format!("S3 Control GetAccessPointPolicy {name}");
        let policy =
            match self.control.get_access_point_policy().account_id(&self.account).name(name).send().await {
                Ok(out) => out.policy.unwrap_or_default(),
                Err(e) if not_found(e.code()) => return Ok(None),
                Err(e) => return Err(StorageError::aws(op(), e)),
            };
        if policy.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&policy).map(Some).map_err(|e| invalid(op(), e.to_string()))
    }

    pub async fn put_policy(&self, name: &str, document: &Value) -> Result<(), StorageError> {
        self.control
            .put_access_point_policy()
            .account_id(&self.account)
            .name(name)
            .policy(document.to_string())
            .send()
            .await
            .map_err(|e| StorageError::aws(format!("S3 Control PutAccessPointPolicy {name}"), e))?;
        Ok(())
    }

    /// Deletes the access point (its policy goes with it); a missing one is already done.
    pub async fn delete(&self, name: &str) -> Result<(), StorageError> {
        match self.control.delete_access_point().account_id(&self.account).name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) if not_found(e.code()) => Ok(()),
            Err(e) => Err(StorageError::aws(format!("S3 Control DeleteAccessPoint {name}"), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_emulator_endpoint;

    #[test]
    fn only_local_or_plain_http_endpoints_lose_the_account_prefix() {
        assert!(is_emulator_endpoint("http://127.0.0.1:5000"));
        assert!(is_emulator_endpoint("http://moto:5000"));
        assert!(is_emulator_endpoint("https://localhost:4566/"));
        assert!(is_emulator_endpoint("https://[::1]:4566"));
        assert!(!is_emulator_endpoint("https://control.vpce-1a2b.s3.eu-west-1.vpce.amazonaws.com"));
        assert!(!is_emulator_endpoint("not a url"));
    }
}
