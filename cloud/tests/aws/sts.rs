use sluice_cloud::sdk::sts;

use crate::config;

#[tokio::test]
async fn caller_identity_is_motos_default_user() {
    let client = sts::Client::new(&config().await);
    let arn = sluice_cloud::caller_identity(&client).await.expect("caller identity");
    assert_eq!(arn, "arn:aws:sts::123456789012:user/moto");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_an_error_that_says_so() {
    // Port 9 (discard) is closed on test machines; nothing answers there.
    let config = sluice_cloud::emulator_sdk_config("http://127.0.0.1:9").await;
    let err = sluice_cloud::caller_identity(&sts::Client::new(&config)).await.expect_err("unreachable");
    let text = format!("{err:#}");
    assert!(text.contains("STS GetCallerIdentity failed"), "{text}");
    assert!(text.contains("dispatch failure") || text.contains("connect"), "{text}");
}
