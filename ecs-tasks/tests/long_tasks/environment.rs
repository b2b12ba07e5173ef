//! A full link against moto: the pivot role exists in the target account, linking checks it
//! through STS and IAM, the deploy task runs the real `ecs-tasks deploy-stack`, the stack
//! reaches CREATE_COMPLETE with a role per team, an invitation adds a role, and deleting with
//! deleteFromAWS removes the stack. moto checks no ExternalId (the cloud crate's tests cover
//! that rule at our boundary) and runs no Lake Formation validation.

use std::{sync::Arc, time::Duration};

use sluice_cloud::{PivotLinker, assume_pivot, emulator_sdk_config, sdk};
use sluice_core::{
    Actor, Core,
    environments::{AwsSettings, NewEnvironment, PivotRole},
    on_both_backends,
    organizations::NewOrganization,
    tasks::{TaskStatus, store},
    testkit::{Backend, TestDb},
};
use sluice_worker::{LocalLauncher, Metrics, serve::Pipeline};
use tokio_util::sync::CancellationToken;

use crate::{ecs_tasks, moto_url, settings};

const PIVOT: &str = "sluice-pivot-e2e";
const REGION: &str = "eu-west-1";

fn random_account() -> String {
    format!("{:012}", 300_000_000_000u64 + rand::random::<u32>() as u64)
}

/// A session in `account`, as the account owner's own setup (moto lets AssumeRole into any).
async fn owner_session(account: &str) -> sdk::aws_config::SdkConfig {
    let base = emulator_sdk_config(&moto_url()).await;
    let pivot = PivotRole {
        account_id: account.into(),
        region: REGION.into(),
        role_name: "owner-setup".into(),
        external_id: "x".into(),
    };
    assume_pivot(&base, &pivot).await.expect("a session in the target account")
}

async fn role_exists(account: &str, name: &str) -> bool {
    let iam = sdk::iam::Client::new(&owner_session(account).await);
    iam.get_role().role_name(name).send().await.is_ok()
}

async fn wait_for(db: &TestDb, task_uri: &str) -> sluice_core::tasks::Task {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let task = store::require(&db.db, task_uri).await.expect("task");
        if task.status.is_terminal() {
            return task;
        }
        assert!(tokio::time::Instant::now() < deadline, "task {task_uri} still {:?}", task.status);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn a_linked_account_gets_its_stack_team_roles_and_clean_deletion(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    let iam = sdk::iam::Client::new(&owner_session(&account).await);
    iam.create_role()
        .role_name(PIVOT)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .expect("the account owner deploys the pivot role");

    let core = Core::new(db.db.clone()).with_aws(AwsSettings {
        trust_account_id: "123456789012".into(),
        pivot_role_name: PIVOT.into(),
        linker: Arc::new(PivotLinker::new(emulator_sdk_config(&moto_url()).await)),
        probe: Arc::new(PivotLinker::new(emulator_sdk_config(&moto_url()).await)),
    });
    let alice = Actor::new("alice", ["TeamA".to_owned()], "DAAdministrators");
    core.admit(&alice).await.expect("TeamA gets its tenant permissions");
    let org = core
        .organizations()
        .create(
            &alice,
            NewOrganization {
                label: Some("Org".into()),
                saml_group_name: Some("TeamA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("org");

    // Without the pivot role in the account, nothing is linked.
    let missing = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "Nowhere".into(),
                organization_uri: org.organization_uri.clone(),
                saml_group_name: "TeamA".into(),
                aws_account_id: random_account(),
                region: REGION.into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("no pivot role there");
    assert_eq!(missing.code(), "BAD_USER_INPUT", "{missing}");

    let env = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "Analytics".into(),
                organization_uri: org.organization_uri.clone(),
                saml_group_name: "TeamA".into(),
                aws_account_id: account.clone(),
                region: REGION.into(),
                resource_prefix: Some("e2e".into()),
                ..Default::default()
            },
        )
        .await
        .expect("linked");
    let uri = env.environment_uri.clone();

    let child_env = vec![
        ("SLUICE_DATABASE_URL".to_owned(), db.url.clone()),
        ("AWS_ENDPOINT_URL".to_owned(), moto_url()),
        ("AWS_ACCESS_KEY_ID".to_owned(), "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), "testing".to_owned()),
        ("AWS_REGION".to_owned(), REGION.to_owned()),
    ];
    let pipeline = Pipeline {
        db: db.db.clone(),
        queue: Arc::new(sluice_core::tasks::EmbeddedQueue::new(db.db.clone())),
        launcher: Arc::new(LocalLauncher::new(ecs_tasks(), child_env)),
        settings: settings(),
        metrics: Metrics::new(),
    };
    let stop = CancellationToken::new();
    let mut running = pipeline.start(&stop, true, true);

    let stack = core.environments().stack(&alice, &uri).await.expect("stack");
    let deployed = wait_for(&db, stack.task_uri.as_deref().expect("deploy task")).await;
    assert_eq!(deployed.status, TaskStatus::Succeeded, "{deployed:?}");
    let stack = core.environments().stack(&alice, &uri).await.expect("stack");
    assert_eq!(stack.status, "CREATE_COMPLETE", "{stack:?}");
    let outputs: serde_json::Value =
        serde_json::from_str(stack.outputs.as_deref().expect("outputs")).expect("json");
    assert!(outputs["DataBucketName"].as_str().unwrap_or_default().starts_with("e2e-"), "{outputs}");
    let owner_role = format!("e2e-teama-{uri}");
    assert!(role_exists(&account, &owner_role).await, "the owning team's role exists");

    core.environments().invite_group(&alice, &uri, "TeamB", &[], None).await.expect("invite");
    let stack = core.environments().stack(&alice, &uri).await.expect("stack");
    let updated = wait_for(&db, stack.task_uri.as_deref().expect("update task")).await;
    assert_eq!(updated.status, TaskStatus::Succeeded, "{updated:?}");
    assert!(role_exists(&account, &format!("e2e-teamb-{uri}")).await, "the invited team's role appeared");

    core.environments().delete(&alice, &uri, true).await.expect("delete");
    let deleting = store::require(&db.db, stack.task_uri.as_deref().expect("task")).await.expect("task");
    assert!(deleting.status.is_terminal());
    let tasks = core
        .tasks()
        .list(
            &Actor::new("root", ["DAAdministrators".to_owned()], "DAAdministrators"),
            &Default::default(),
            sluice_core::page::PageRequest::new(None, Some(100)).expect("page"),
        )
        .await
        .expect("tasks");
    let delete_task =
        tasks.nodes.iter().find(|t| t.action == "environment.delete-stack").expect("delete task");
    let deleted = wait_for(&db, &delete_task.task_uri).await;
    assert_eq!(deleted.status, TaskStatus::Succeeded, "{deleted:?}");
    assert!(!role_exists(&account, &owner_role).await, "the stack's roles are gone");

    stop.cancel();
    while running.join_next().await.is_some() {}
}

on_both_backends!(a_linked_account_gets_its_stack_team_roles_and_clean_deletion);
