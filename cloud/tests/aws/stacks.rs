//! Deploying the environment stack into a linked account through the pivot role's session,
//! against moto's CloudFormation (which really creates the buckets, key and roles).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use sluice_cloud::{
    EnvironmentStackSpec, PivotRoleParams, StackDeployer, TeamRole, assume_pivot, environment_template,
    pivot_role_template,
    sdk::{aws_config::SdkConfig, iam, lakeformation},
    team_role_output_key,
    templates::{environment, names::ResourceName, pivot_role::BOUNDARY_ARN_OUTPUT},
};
use sluice_core::environments::PivotRole;

use crate::{
    accounts::{TARGET_ACCOUNT, access_key, account_config},
    config, moto_url, unique, unique_uri,
};

const PREFIX: &str = "sluice";

/// The pivot role's session in the target account, as the deploy task gets it. moto does not
/// check that the role exists for AssumeRole, so no role needs deploying first.
pub async fn pivot_session() -> (PivotRole, SdkConfig) {
    let pivot = PivotRole {
        account_id: TARGET_ACCOUNT.into(),
        region: "us-east-1".into(),
        role_name: "sluicePivotRole".into(),
        external_id: "ext".into(),
    };
    let session = assume_pivot(&config().await, &pivot).await.expect("assume the pivot role");
    (pivot, session)
}

fn team(group: &str, uri: &str) -> TeamRole {
    TeamRole {
        group_uri: group.into(),
        role_name: ResourceName::new(PREFIX, group, uri).role(),
        imported_role_arn: None,
        permissions: vec!["RUN_ATHENA_QUERY".into()],
    }
}

/// A request to moto's S3 as the session's account: moto tells accounts apart by the access
/// key in the Authorization header and does not check the signature. Saves building
/// aws-sdk-s3 for two checks.
async fn s3_get(session: &SdkConfig, path_and_query: &str) -> (u16, String) {
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
        access_key(session).await
    );
    let response = reqwest::Client::new()
        .get(format!("{}/{path_and_query}", moto_url()))
        .header("Authorization", authorization)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The ARN of the role's permissions boundary, as IAM answers it.
pub async fn boundary_of(iam: &iam::Client, name: &str) -> Option<String> {
    let role = iam.get_role().role_name(name).send().await.unwrap().role.unwrap();
    role.permissions_boundary.and_then(|b| b.permissions_boundary_arn)
}

async fn role_exists(iam: &iam::Client, name: &str) -> bool {
    match iam.get_role().role_name(name).send().await {
        Ok(_) => true,
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_entity_exception()) => false,
        Err(e) => panic!("GetRole {name}: {e:?}"),
    }
}

#[tokio::test]
async fn an_environment_stack_is_created_updated_with_a_team_and_deleted() {
    let (pivot, session) = pivot_session().await;
    let uri = unique_uri();
    let mut spec = EnvironmentStackSpec {
        environment_uri: uri.clone(),
        label: "Sales".into(),
        resource_prefix: PREFIX.into(),
        account_id: TARGET_ACCOUNT.into(),
        region: pivot.region.clone(),
        pivot_role_arn: pivot.arn(),
        permissions_boundary_arn: None,
        teams: vec![
            team("DataTeam", &uri),
            TeamRole {
                group_uri: "ops-team".into(),
                role_name: "unused".into(),
                imported_role_arn: Some(format!("arn:aws:iam::{TARGET_ACCOUNT}:role/OpsOwnRole")),
                permissions: vec![],
            },
        ],
    };
    let deployer = StackDeployer::new(&session).with_poll_interval(Duration::from_millis(50));
    let stack = ResourceName::new(PREFIX, &spec.label, &uri).stack();
    let tags = BTreeMap::from([("sluice:environment".to_owned(), uri.clone())]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        move |event: &sluice_cloud::StackEvent| seen.lock().unwrap().push(event.clone())
    };

    // Create.
    let created = deployer.deploy(&stack, &environment_template(&spec), &tags, &progress).await.unwrap();
    assert_eq!(created.status, "CREATE_COMPLETE", "{created:?}");
    assert!(created.succeeded());
    assert_eq!(created.reason, None);
    let outputs = &created.outputs;
    assert_eq!(outputs[environment::DATA_BUCKET_OUTPUT], spec.data_bucket_name());
    assert_eq!(outputs[environment::LOGS_BUCKET_OUTPUT], spec.logs_bucket_name());
    assert!(
        outputs[environment::KEY_ARN_OUTPUT]
            .starts_with(&format!("arn:aws:kms:us-east-1:{TARGET_ACCOUNT}:key/"))
    );
    assert_eq!(outputs[environment::KEY_ALIAS_OUTPUT], spec.key_alias());
    assert_eq!(
        outputs[&team_role_output_key("DataTeam")],
        format!("arn:aws:iam::{TARGET_ACCOUNT}:role/{}", spec.teams[0].role_name)
    );
    assert_eq!(
        outputs[&team_role_output_key("ops-team")],
        format!("arn:aws:iam::{TARGET_ACCOUNT}:role/OpsOwnRole")
    );
    assert!(!created.events.is_empty());
    assert_eq!(created.events[0].status, "CREATE_COMPLETE", "newest first: {:?}", created.events);
    assert!(!seen.lock().unwrap().is_empty(), "progress was reported");

    // The resources exist in the target account.
    for bucket in [spec.data_bucket_name(), spec.logs_bucket_name()] {
        let (status, body) = s3_get(&session, &format!("{bucket}?versioning")).await;
        assert_eq!(status, 200, "bucket {bucket}: {body}");
    }
    let (status, encryption) = s3_get(&session, &format!("{}?encryption", spec.data_bucket_name())).await;
    assert_eq!(status, 200, "{encryption}");
    assert!(
        encryption.contains("aws:kms") && encryption.contains(&outputs[environment::KEY_ARN_OUTPUT]),
        "{encryption}"
    );
    let iam = iam::Client::new(&session);
    assert!(role_exists(&iam, &spec.teams[0].role_name).await);
    assert_eq!(
        boundary_of(&iam, &spec.teams[0].role_name).await.as_deref(),
        Some(format!("arn:aws:iam::{TARGET_ACCOUNT}:policy/sluicePivotRole-boundary").as_str())
    );

    // Update: a third team gets its role.
    spec.teams.push(team("Analysts", &uri));
    let updated = deployer.deploy(&stack, &environment_template(&spec), &tags, |_| {}).await.unwrap();
    assert_eq!(updated.status, "UPDATE_COMPLETE", "{updated:?}");
    assert!(role_exists(&iam, &spec.teams[2].role_name).await);
    assert_eq!(
        updated.outputs[&team_role_output_key("Analysts")],
        format!("arn:aws:iam::{TARGET_ACCOUNT}:role/{}", spec.teams[2].role_name)
    );

    // Delete: the roles go; the retained buckets stay.
    let deleted = deployer.delete(&stack).await.unwrap();
    assert_eq!(deleted.status, "DELETE_COMPLETE", "{deleted:?}");
    assert!(deleted.outputs.is_empty(), "a deleted stack has no outputs: {deleted:?}");
    assert!(!role_exists(&iam, &spec.teams[0].role_name).await);
    assert!(!role_exists(&iam, &spec.teams[2].role_name).await);
    assert_eq!(s3_get(&session, &format!("{}?versioning", spec.data_bucket_name())).await.0, 200, "retained");

    let again = deployer.delete(&stack).await.unwrap();
    assert_eq!(again.status, "DELETE_COMPLETE", "deleting a deleted stack is done: {again:?}");
}

#[tokio::test]
async fn an_environment_deployed_through_a_deployed_pivot_role_puts_its_boundary_on_every_team_role() {
    // The account owner deploys the pivot-role template: the role and its boundary.
    let role_name = unique("pivot");
    let owner = StackDeployer::new(&account_config(TARGET_ACCOUNT).await)
        .with_poll_interval(Duration::from_millis(50));
    let pivot_stack = ResourceName::new(PREFIX, "pivot", &unique_uri()).stack();
    let template = pivot_role_template(&PivotRoleParams {
        trust_account_id: "123456789012".into(),
        external_id: "ext".into(),
        role_name: role_name.clone(),
        resource_prefix: PREFIX.into(),
        stack_tag_keys: sluice_core::tags::OpenTagKeys::Nothing,
    });
    let onboarded = owner.deploy(&pivot_stack, &template, &BTreeMap::new(), |_| {}).await.unwrap();
    assert_eq!(onboarded.status, "CREATE_COMPLETE", "{onboarded:?}");
    let boundary_arn = onboarded.outputs[BOUNDARY_ARN_OUTPUT].clone();
    assert_eq!(boundary_arn, format!("arn:aws:iam::{TARGET_ACCOUNT}:policy/{role_name}-boundary"));
    let owner_iam = iam::Client::new(&account_config(TARGET_ACCOUNT).await);
    let policy = owner_iam.get_policy().policy_arn(&boundary_arn).send().await.unwrap().policy.unwrap();
    assert_eq!(policy.attachment_count, Some(0), "a boundary, attached to nothing as a policy");

    // Sluice deploys an environment through that role; its team roles carry that boundary.
    let pivot = PivotRole {
        account_id: TARGET_ACCOUNT.into(),
        region: "us-east-1".into(),
        role_name: role_name.clone(),
        external_id: "ext".into(),
    };
    let session = assume_pivot(&config().await, &pivot).await.unwrap();
    let uri = unique_uri();
    let spec = EnvironmentStackSpec {
        environment_uri: uri.clone(),
        label: "Bounded".into(),
        resource_prefix: PREFIX.into(),
        account_id: TARGET_ACCOUNT.into(),
        region: pivot.region.clone(),
        pivot_role_arn: pivot.arn(),
        permissions_boundary_arn: None,
        teams: vec![team("DataTeam", &uri), team("Readers", &uri)],
    };
    let deployer = StackDeployer::new(&session).with_poll_interval(Duration::from_millis(50));
    let stack = ResourceName::new(PREFIX, &spec.label, &uri).stack();
    let created =
        deployer.deploy(&stack, &environment_template(&spec), &BTreeMap::new(), |_| {}).await.unwrap();
    assert_eq!(created.status, "CREATE_COMPLETE", "{created:?}");
    let iam = iam::Client::new(&session);
    for team in &spec.teams {
        assert_eq!(
            boundary_of(&iam, &team.role_name).await,
            Some(boundary_arn.clone()),
            "{}",
            team.role_name
        );
    }

    assert_eq!(deployer.delete(&stack).await.unwrap().status, "DELETE_COMPLETE");
    assert_eq!(owner.delete(&pivot_stack).await.unwrap().status, "DELETE_COMPLETE");
}

#[tokio::test]
async fn an_environments_own_boundary_goes_on_every_team_role_instead_of_the_pivot_roles() {
    let role_name = unique("pivot");
    let owner_iam = iam::Client::new(&account_config(TARGET_ACCOUNT).await);
    // The account owner's boundary, named after the pivot role's so the pivot role may use it.
    let document =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let own = owner_iam
        .create_policy()
        .policy_name(format!("{role_name}-boundary-acme"))
        .policy_document(document)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let pivot = PivotRole {
        account_id: TARGET_ACCOUNT.into(),
        region: "us-east-1".into(),
        role_name: role_name.clone(),
        external_id: "ext".into(),
    };
    let session = assume_pivot(&config().await, &pivot).await.unwrap();
    let uri = unique_uri();
    let spec = EnvironmentStackSpec {
        environment_uri: uri.clone(),
        label: "OwnBoundary".into(),
        resource_prefix: PREFIX.into(),
        account_id: TARGET_ACCOUNT.into(),
        region: pivot.region.clone(),
        pivot_role_arn: pivot.arn(),
        permissions_boundary_arn: Some(own.clone()),
        teams: vec![team("DataTeam", &uri), team("Readers", &uri)],
    };
    let deployer = StackDeployer::new(&session).with_poll_interval(Duration::from_millis(50));
    let stack = ResourceName::new(PREFIX, &spec.label, &uri).stack();
    let created =
        deployer.deploy(&stack, &environment_template(&spec), &BTreeMap::new(), |_| {}).await.unwrap();
    assert_eq!(created.status, "CREATE_COMPLETE", "{created:?}");
    let iam = iam::Client::new(&session);
    for team in &spec.teams {
        assert_eq!(boundary_of(&iam, &team.role_name).await, Some(own.clone()), "{}", team.role_name);
    }
    assert_eq!(deployer.delete(&stack).await.unwrap().status, "DELETE_COMPLETE");
}

#[tokio::test]
async fn ensure_data_lake_admin_adds_the_admin_once_and_keeps_the_others() {
    // An account of its own: data-lake settings are one per account and region.
    let session = account_config("210987654321").await;
    let lakeformation = lakeformation::Client::new(&session);
    let existing = lakeformation::types::DataLakePrincipal::builder()
        .data_lake_principal_identifier("arn:aws:iam::210987654321:role/ExistingAdmin")
        .build();
    lakeformation
        .put_data_lake_settings()
        .data_lake_settings(
            lakeformation::types::DataLakeSettings::builder().data_lake_admins(existing).build(),
        )
        .send()
        .await
        .unwrap();
    let deployer = StackDeployer::new(&session);
    let pivot_arn = "arn:aws:iam::210987654321:role/sluicePivotRole";

    assert!(deployer.ensure_data_lake_admin(pivot_arn).await.unwrap(), "added");
    assert!(!deployer.ensure_data_lake_admin(pivot_arn).await.unwrap(), "already there");

    let settings = lakeformation.get_data_lake_settings().send().await.unwrap().data_lake_settings.unwrap();
    let admins: Vec<&str> =
        settings.data_lake_admins().iter().filter_map(|a| a.data_lake_principal_identifier()).collect();
    assert_eq!(admins, ["arn:aws:iam::210987654321:role/ExistingAdmin", pivot_arn]);
}
