//! Building the SDK configuration every client is made from.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

/// The region the emulator helper uses when the caller does not care: moto serves any region,
/// and one fixed value keeps every client of a test looking at the same state.
pub const EMULATOR_REGION: &str = "us-east-1";

/// The configuration of a deployed process, from the environment alone: `AWS_REGION`,
/// `AWS_ENDPOINT_URL` (and the per-service `AWS_ENDPOINT_URL_<SERVICE>`), and the standard
/// credentials chain (environment, profile, SSO, web identity, ECS task role, instance
/// metadata). Nothing is resolved here; a missing region or credentials surface as an error on
/// the first call, which `ecs-tasks health` makes early.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// A configuration for a local AWS emulator (moto) at `endpoint_url`, with dummy static
/// credentials so no credentials chain is consulted (a developer's real profile must never
/// be picked up by a test).
pub async fn emulator_sdk_config(endpoint_url: &str) -> SdkConfig {
    emulator_sdk_config_in(endpoint_url, EMULATOR_REGION).await
}

/// As `emulator_sdk_config`, in a chosen region.
pub async fn emulator_sdk_config_in(endpoint_url: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint_url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "sluice-emulator"))
        .region(Region::new(region.to_owned()))
        .load()
        .await
}
