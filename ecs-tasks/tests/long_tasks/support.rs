//! What the end-to-end tests against moto share: an account with its pivot role, a core that
//! links accounts through moto, an organization, and the pipeline that runs the real
//! `ecs-tasks` binary for every task it takes.

use std::{sync::Arc, time::Duration};

use sluice_cloud::{PivotLinker, assume_pivot, emulator_sdk_config, sdk};
use sluice_core::{
    Actor, Core,
    environments::{AwsSettings, Environment, NewEnvironment, PivotRole},
    organizations::NewOrganization,
    page::PageRequest,
    tasks::Task,
    testkit::TestDb,
};
use sluice_worker::{LocalLauncher, Metrics, serve::Pipeline};
use tokio_util::sync::CancellationToken;

use crate::{ecs_tasks, moto_url, settings};

pub const PIVOT: &str = "sluice-pivot-e2e";
pub const REGION: &str = "eu-west-1";

/// moto keeps each account's state apart, so a random one isolates a test.
/// The account Sluice runs in, as pivot roles trust it.
pub const TRUST_ACCOUNT: &str = "123456789012";

pub fn random_account() -> String {
    format!("{:012}", 300_000_000_000u64 + rand::random::<u32>() as u64)
}

/// A session in `account`, as the account owner's own setup (moto lets AssumeRole into any).
pub async fn owner_session(account: &str) -> sdk::aws_config::SdkConfig {
    let base = emulator_sdk_config(&moto_url()).await;
    let pivot = PivotRole {
        account_id: account.into(),
        region: REGION.into(),
        role_name: "owner-setup".into(),
        external_id: "x".into(),
    };
    assume_pivot(&base, &pivot).await.expect("a session in the target account")
}

pub async fn role_exists(account: &str, name: &str) -> bool {
    let iam = sdk::iam::Client::new(&owner_session(account).await);
    iam.get_role().role_name(name).send().await.is_ok()
}

/// The account owner deploys the pivot role, so linking finds it, with every key open to stack
/// tags (`StackTagKeys` `*`).
pub async fn deploy_pivot_role(account: &str) {
    let iam = sdk::iam::Client::new(&owner_session(account).await);
    let open = sdk::iam::types::Tag::builder()
        .key(sluice_core::environments::link::STACK_TAG_PREFIX_TAG)
        .value("")
        .build()
        .expect("a tag");
    iam.create_role()
        .role_name(PIVOT)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .tags(open)
        .send()
        .await
        .expect("the account owner deploys the pivot role");
}

pub async fn wait_for(db: &TestDb, task_uri: &str) -> Task {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let task = sluice_core::Core::new(db.db.clone()).system("test").task(task_uri).await.expect("task");
        if task.status.is_terminal() {
            return task;
        }
        assert!(tokio::time::Instant::now() < deadline, "task {task_uri} still {:?}", task.status);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn admin() -> Actor {
    sluice_core::testkit::user("root", &["DAAdministrators"])
}

/// The newest task with `action`, as a platform admin sees it (deletion tasks target the
/// platform, as their target is gone).
pub async fn newest_task(core: &Core, action: &str) -> Task {
    let page = PageRequest::new(None, Some(100)).expect("page");
    let tasks = core.tasks().list(&admin(), &Default::default(), page).await.expect("tasks");
    tasks.nodes.into_iter().find(|t| t.action == action).unwrap_or_else(|| panic!("no {action} task"))
}

/// A core that links accounts through moto, alice (TeamA) admitted, and TeamA's organization.
pub async fn linking_core(db: &TestDb) -> (Core, Actor, String) {
    let core = Core::new(db.db.clone()).with_aws(AwsSettings {
        trust_account_id: TRUST_ACCOUNT.into(),
        pivot_role_name: PIVOT.into(),
        linker: Arc::new(PivotLinker::new(emulator_sdk_config(&moto_url()).await)),
        resources: Arc::new(PivotLinker::new(emulator_sdk_config(&moto_url()).await)),
        grants: Arc::new(PivotLinker::new(emulator_sdk_config(&moto_url()).await)),
        credentials: None,
    });
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
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
    (core, alice, org.organization_uri)
}

/// The pivot role's trust policy as the organization's pivot-role template writes it: Sluice's
/// account may assume it with `external_ids` only.
pub fn trust_policy(external_ids: &[&str]) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{TRUST_ACCOUNT}:root")},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": external_ids}},
    }]})
    .to_string()
}

/// The account owner points the pivot role's trust at the organizations whose ExternalIds are
/// given, as deploying their pivot-role templates does.
pub async fn trust_organizations(account: &str, external_ids: &[&str]) {
    let iam = sdk::iam::Client::new(&owner_session(account).await);
    iam.update_assume_role_policy()
        .role_name(PIVOT)
        .policy_document(trust_policy(external_ids))
        .send()
        .await
        .expect("the account owner trusts the organization");
}

/// The organization's ExternalId, from its onboarding details.
pub async fn external_id(core: &Core, actor: &Actor, org_uri: &str) -> String {
    core.environments().onboarding(actor, org_uri).await.expect("onboarding").external_id
}

/// Links `account` as TeamA's environment `label`, whose resource names start with `e2e`; its
/// pivot role is first made to trust the organization.
pub async fn link(core: &Core, alice: &Actor, org_uri: &str, account: &str, label: &str) -> Environment {
    trust_organizations(account, &[&external_id(core, alice, org_uri).await]).await;
    let input = NewEnvironment {
        label: label.into(),
        organization_uri: org_uri.into(),
        saml_group_name: "TeamA".into(),
        aws_account_id: account.into(),
        region: REGION.into(),
        resource_prefix: Some("e2e".into()),
        ..Default::default()
    };
    core.environments().create(alice, input).await.expect("linked")
}

/// The environment `ecs-tasks` runs in: the test's database, and moto as AWS.
pub fn child_env(db: &TestDb) -> Vec<(String, String)> {
    child_env_for(&db.url)
}

fn child_env_for(url: &str) -> Vec<(String, String)> {
    vec![
        ("SLUICE_DATABASE_URL".to_owned(), url.to_owned()),
        ("AWS_ENDPOINT_URL".to_owned(), moto_url()),
        ("AWS_ACCESS_KEY_ID".to_owned(), "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), "testing".to_owned()),
        ("AWS_REGION".to_owned(), REGION.to_owned()),
    ]
}

/// The dispatcher, the worker with the standard handlers, and the tracker, launching the real
/// `ecs-tasks` as child processes, until the returned pipeline is stopped.
pub struct Running {
    stop: CancellationToken,
    tasks: tokio::task::JoinSet<()>,
}

impl Running {
    pub async fn start(db: &TestDb) -> Self {
        Self::start_on(db.db.clone(), &db.url).await
    }

    /// The pipeline on a database given by its connection and URL (for a child process).
    pub async fn start_on(db: sea_orm::DatabaseConnection, url: &str) -> Self {
        let pipeline = Pipeline {
            queue: Arc::new(sluice_core::Core::new(db.clone()).embedded_queue()),
            core: sluice_core::Core::new(db),
            launcher: Arc::new(LocalLauncher::new(ecs_tasks(), child_env_for(url))),
            settings: settings(),
            metrics: Metrics::new(),
            // Share processing runs in the worker itself, so it too must talk to moto.
            aws: Some(emulator_sdk_config(&moto_url()).await),
            search: Arc::new(sluice_search::TantivyIndex::in_memory().expect("search index")),
        };
        let stop = CancellationToken::new();
        let tasks = pipeline.start(&stop, true, true);
        Self { stop, tasks }
    }

    pub async fn stop(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
    }
}
