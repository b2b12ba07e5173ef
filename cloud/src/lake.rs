//! Lake Formation data locations: registering a dataset's bucket so Lake Formation vends
//! credentials for its tables. Data-lake administrators are [`StackDeployer`]'s concern
//! ([`StackDeployer::ensure_data_lake_admin`]).
//!
//! [`StackDeployer`]: crate::stacks::StackDeployer
//! [`StackDeployer::ensure_data_lake_admin`]: crate::stacks::StackDeployer::ensure_data_lake_admin

use aws_config::SdkConfig;

use crate::catalog::CatalogError;

/// Lake Formation in one account and region: build it from the pivot role's configuration
/// ([`assume_pivot`](crate::link::assume_pivot)).
#[derive(Debug, Clone)]
pub struct LakeFormation {
    client: aws_sdk_lakeformation::Client,
}

impl LakeFormation {
    pub fn new(config: &SdkConfig) -> Self {
        Self { client: aws_sdk_lakeformation::Client::new(config) }
    }

    /// Registers `resource_arn` (a bucket's ARN, `arn:aws:s3:::<bucket>`, or a prefix of it)
    /// with Lake Formation, which will assume `role_arn` to reach it (the dataset admin role,
    /// which trusts `lakeformation.amazonaws.com`; the caller needs `iam:PassRole` on it).
    /// Returns whether it was registered now; a location already registered is left as it is
    /// (its role is not compared).
    pub async fn register_location(&self, resource_arn: &str, role_arn: &str) -> Result<bool, CatalogError> {
        let sent = self
            .client
            .register_resource()
            .resource_arn(resource_arn)
            .role_arn(role_arn)
            .use_service_linked_role(false)
            .send()
            .await;
        match sent {
            Ok(_) => {
                tracing::info!(
                    resource = resource_arn,
                    role = role_arn,
                    "registered the Lake Formation location"
                );
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(format!("Lake Formation RegisterResource of {resource_arn}"), e)),
        }
    }

    /// Deregisters the location. Returns whether it was registered.
    pub async fn deregister_location(&self, resource_arn: &str) -> Result<bool, CatalogError> {
        match self.client.deregister_resource().resource_arn(resource_arn).send().await {
            Ok(_) => {
                tracing::info!(resource = resource_arn, "deregistered the Lake Formation location");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(false),
            Err(e) => {
                Err(CatalogError::aws(format!("Lake Formation DeregisterResource of {resource_arn}"), e))
            }
        }
    }
}

/// The ARN Lake Formation registers a bucket by: `arn:<partition>:s3:::<bucket>`.
pub fn bucket_arn(partition: &str, bucket: &str) -> String {
    format!("arn:{partition}:s3:::{bucket}")
}
