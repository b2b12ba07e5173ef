//! Sessions in other accounts. moto gives credentials from AssumeRole into any account id, and
//! calls made with them see that account's own state, which is how cross-account tests work
//! (moto checks neither the role nor its trust policy).

use aws_credential_types::{Credentials, provider::SharedCredentialsProvider};
use sluice_cloud::sdk::{aws_config::SdkConfig, sts};

use crate::config;

/// The account environments are linked in. Tests in it use names of their own.
pub const TARGET_ACCOUNT: &str = "111122223333";

/// A session in `account_id`, as a test's own setup (not through the code under test).
pub async fn account_config(account_id: &str) -> SdkConfig {
    let base = config().await;
    let out = sts::Client::new(&base)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account_id}:role/test-setup"))
        .role_session_name("test-setup")
        .send()
        .await
        .expect("AssumeRole into the test account");
    let c = out.credentials.expect("credentials");
    let credentials =
        Credentials::new(c.access_key_id, c.secret_access_key, Some(c.session_token), None, "test");
    base.to_builder().credentials_provider(SharedCredentialsProvider::new(credentials)).build()
}

/// The access key of a session, which is what moto tells accounts apart by.
pub async fn access_key(config: &SdkConfig) -> String {
    use aws_credential_types::provider::ProvideCredentials;
    let provider = config.credentials_provider().expect("credentials provider");
    provider.provide_credentials().await.expect("credentials").access_key_id().to_owned()
}
