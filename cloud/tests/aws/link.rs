//! Linking an account through its pivot role.
//!
//! moto does not enforce ExternalId or trust policies: AssumeRole succeeds for any role name,
//! ExternalId or none. So the positive path and the missing-role path run against moto (the
//! linker reads the role back with iam:GetRole, which moto does check), while the ExternalId
//! path is tested at our boundary: a local stand-in for STS records that the AssumeRole carries
//! the ExternalId, and answers AccessDenied as STS does when the ExternalId or trust is wrong.

use std::{collections::BTreeMap, time::Duration};

use sluice_cloud::{
    PivotLinker, PivotRoleParams, StackDeployer, emulator_sdk_config, link::SESSION_NAME,
    pivot_role_template, templates::names::ResourceName,
};
use sluice_core::{
    environments::{AccountLinker, LinkError, PivotRole, trust::require_external_id},
    tags::OpenTagKeys,
};

use crate::{
    accounts::{TARGET_ACCOUNT, account_config},
    config,
    fake_aws::{FakeAws, query_error},
    unique, unique_uri,
};

fn pivot(role_name: &str) -> PivotRole {
    PivotRole {
        account_id: TARGET_ACCOUNT.into(),
        region: "eu-west-1".into(),
        role_name: role_name.into(),
        external_id: "ext-0123_abc".into(),
    }
}

#[tokio::test]
async fn an_account_with_the_pivot_role_deployed_links() {
    // The account owner deploys the rendered pivot-role template in the target account.
    let role_name = unique("pivot");
    let template = pivot_role_template(&PivotRoleParams {
        trust_account_id: "123456789012".into(),
        external_id: "ext-0123_abc".into(),
        role_name: role_name.clone(),
        resource_prefix: "sluice".into(),
        stack_tag_keys: OpenTagKeys::Prefix("cost-".into()),
    });
    let owner = StackDeployer::new(&account_config(TARGET_ACCOUNT).await)
        .with_poll_interval(Duration::from_millis(50));
    let stack = ResourceName::new("sluice", "pivot", &unique_uri()).stack();
    let outcome = owner.deploy(&stack, &template, &BTreeMap::new(), |_| {}).await.unwrap();
    assert_eq!(outcome.status, "CREATE_COMPLETE", "{outcome:?}");
    assert_eq!(outcome.outputs["PivotRoleArn"], format!("arn:aws:iam::{TARGET_ACCOUNT}:role/{role_name}"));

    let trust = PivotLinker::new(config().await).verify(&pivot(&role_name)).await.expect("linked");
    // The template's trust policy, read back through IAM, requires this organization's
    // ExternalId and no other: the rule core applies, since moto's STS checks none.
    require_external_id(&trust.trust_policy, "123456789012", "ext-0123_abc").expect("this organization's");
    let other = require_external_id(&trust.trust_policy, "123456789012", "another-organization");
    assert!(
        other.is_err_and(|why| why.contains("another organization")),
        "another organization's is refused"
    );
    // What the owner opened to stack tags comes back on the role's tag.
    assert_eq!(trust.stack_tag_prefix.as_deref(), Some("cost-"));
    assert_eq!(
        OpenTagKeys::from_role_tag(trust.stack_tag_prefix.as_deref()),
        OpenTagKeys::Prefix("cost-".into())
    );
}

#[tokio::test]
async fn a_pivot_role_that_does_not_exist_is_refused_by_name() {
    let role_name = unique("missing-pivot");
    let err = PivotLinker::new(config().await).verify(&pivot(&role_name)).await.expect_err("no such role");
    let LinkError::Refused(message) = err else { panic!("expected Refused, got {err:?}") };
    assert_eq!(
        message,
        format!(
            "no role {role_name} in account {TARGET_ACCOUNT}: deploy the pivot-role template there first"
        )
    );
}

#[tokio::test]
async fn an_sts_access_denied_is_refused_with_the_reason_and_the_external_id_was_sent() {
    let sts = FakeAws::start(|_| {
        (
            403,
            query_error(
                "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/sluice/x is not authorized to perform: sts:AssumeRole",
            ),
        )
    })
    .await;
    let linker = PivotLinker::new(emulator_sdk_config(&sts.url).await);

    let err = linker.verify(&pivot("sluicePivotRole")).await.expect_err("denied");

    let LinkError::Refused(message) = err else { panic!("expected Refused, got {err:?}") };
    assert_eq!(
        message,
        format!(
            "could not assume arn:aws:iam::{TARGET_ACCOUNT}:role/sluicePivotRole with the ExternalId shown in \
             onboarding: check the role's trust policy and ExternalId (User: \
             arn:aws:sts::123456789012:assumed-role/sluice/x is not authorized to perform: sts:AssumeRole)"
        )
    );
    let requests = sts.requests();
    assert_eq!(requests.len(), 1, "an AccessDenied is not retried: {requests:?}");
    let request = &requests[0];
    assert_eq!(request["Action"], "AssumeRole");
    assert_eq!(request["RoleArn"], format!("arn:aws:iam::{TARGET_ACCOUNT}:role/sluicePivotRole"));
    assert_eq!(request["ExternalId"], "ext-0123_abc");
    assert_eq!(request["RoleSessionName"], SESSION_NAME);
}

#[tokio::test]
async fn throttling_is_unreachable_not_refused() {
    let sts = FakeAws::start(|_| (400, query_error("Throttling", "Rate exceeded"))).await;
    let err = PivotLinker::new(emulator_sdk_config(&sts.url).await)
        .verify(&pivot("r"))
        .await
        .expect_err("throttled");
    assert!(matches!(err, LinkError::Unreachable(_)), "{err:?}");
    assert!(err.to_string().contains("Rate exceeded"), "{err}");
}

#[tokio::test]
async fn an_unreachable_sts_is_unreachable() {
    // Port 9 (discard) is closed on test machines; nothing answers there.
    let linker = PivotLinker::new(emulator_sdk_config("http://127.0.0.1:9").await);
    let err = linker.verify(&pivot("r")).await.expect_err("unreachable");
    assert!(matches!(err, LinkError::Unreachable(_)), "{err:?}");
}
