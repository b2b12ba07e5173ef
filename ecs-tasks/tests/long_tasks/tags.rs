//! Key-value tags against moto, end to end: an environment's and a dataset's tags go on their
//! stacks at the deploy the worker runs with the real `ecs-tasks` (moto's DescribeStacks returns
//! stack tags), a dataset's stack carries its environment's cascading tags too, and a changed
//! set reaches the stack at the redeploy `updateStack` queues. `resources` lists what the
//! deployed stacks hold (moto's ListStackResources).
//!
//! What moto cannot show: its CloudFormation copies stack tags to no resource (the roles, bucket
//! and key of a tagged stack carry none), so the resources' own tags are not asserted; and it
//! evaluates no IAM policy, so that the pivot role may not tag roles and keys with other keys
//! than `sluice:*` (docs/PIVOT_ROLE.md) does not show here.

use std::collections::BTreeMap;

use sluice_cloud::sdk;
use sluice_core::{
    Actor, Core, on_both_backends,
    tags::NewTag,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    dataset::dataset_in_a_linked_account,
    support::{Running, owner_session, wait_for},
};

fn tag(key: &str, value: &str, cascade: bool) -> Option<NewTag> {
    Some(NewTag { key: key.into(), value: value.into(), cascade })
}

/// The stack's tags in AWS.
async fn stack_tags(account: &str, stack: &str) -> BTreeMap<String, String> {
    let cfn = sdk::cloudformation::Client::new(&owner_session(account).await);
    let out = cfn.describe_stacks().stack_name(stack).send().await.expect("the stack exists");
    let stack = out.stacks().first().expect("one stack").clone();
    stack
        .tags()
        .iter()
        .map(|t| (t.key().unwrap_or_default().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect()
}

/// Waits for the stack's latest deploy task to succeed.
async fn deployed(db: &TestDb, core: &Core, alice: &Actor, target_type: &str, uri: &str) {
    let stack = if target_type == "dataset" {
        core.datasets().stack(alice, uri).await
    } else {
        core.environments().stack(alice, uri).await
    }
    .expect("stack");
    let task = wait_for(db, stack.task_uri.as_deref().expect("deploy task")).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
}

/// The tags Sluice puts on every stack of its own, left out of the comparisons.
fn users(tags: BTreeMap<String, String>) -> Vec<(String, String)> {
    tags.into_iter().filter(|(k, _)| !k.starts_with("sluice:")).collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn tags_reach_the_stacks_at_their_next_deploy_and_resources_list_what_they_hold(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, account, dataset) = dataset_in_a_linked_account(&db).await;
    let env = dataset.environment_uri.clone();
    let ds = dataset.dataset_uri.clone();
    // Set before the first deploys run: those read the tags when they start.
    core.tags()
        .update(
            &alice,
            "environment",
            &env,
            Some(vec![tag("CostCenter", "1234", true), tag("Owner", "platform", false)]),
        )
        .await
        .expect("environment tags");
    core.tags()
        .update(&alice, "dataset", &ds, Some(vec![tag("Tier", "gold", false), tag("costcenter", "9", false)]))
        .await
        .expect("dataset tags");
    let running = Running::start(&db).await;
    deployed(&db, &core, &alice, "environment", &env).await;
    deployed(&db, &core, &alice, "dataset", &ds).await;

    let env_stack = core.environments().stack(&alice, &env).await.expect("stack");
    let ds_stack = core.datasets().stack(&alice, &ds).await.expect("stack");
    let on_env = stack_tags(&account, &env_stack.name).await;
    assert_eq!(on_env.get("sluice:environment-uri"), Some(&env), "Sluice's own tags stay: {on_env:?}");
    assert_eq!(users(on_env), pairs(&[("CostCenter", "1234"), ("Owner", "platform")]));
    assert_eq!(
        users(stack_tags(&account, &ds_stack.name).await),
        pairs(&[("CostCenter", "1234"), ("Tier", "gold")]),
        "the dataset's own, and the environment's cascading tag over its own of the same key"
    );

    // What the stacks hold, as CloudFormation lists it.
    let env_resources = core
        .environments()
        .stack_resources(&alice, "environment", &env)
        .await
        .expect("read")
        .expect("deployed");
    let owner_role = env_resources
        .iter()
        .find(|r| r.resource_type == "AWS::IAM::Role")
        .unwrap_or_else(|| panic!("the owning team's role: {env_resources:?}"));
    assert_eq!(owner_role.status, "CREATE_COMPLETE", "{owner_role:?}");
    assert!(
        owner_role.physical_id.as_deref().is_some_and(|id| id.starts_with("e2e-teama-")),
        "{owner_role:?}"
    );
    let ds_resources =
        core.environments().stack_resources(&alice, "dataset", &ds).await.expect("read").expect("deployed");
    let bucket = dataset.restricted().expect("the admin team's view").bucket_name.clone();
    assert!(
        ds_resources
            .iter()
            .any(|r| r.resource_type == "AWS::S3::Bucket" && r.physical_id.as_deref() == Some(&bucket)),
        "{ds_resources:?}"
    );

    // A changed set reaches the stack at its next deploy, not before.
    core.tags()
        .update(
            &alice,
            "environment",
            &env,
            Some(vec![tag("CostCenter", "5678", true), tag("Project", "lake", false)]),
        )
        .await
        .expect("new tags");
    assert_eq!(
        users(stack_tags(&account, &env_stack.name).await),
        pairs(&[("CostCenter", "1234"), ("Owner", "platform")]),
        "changing tags deploys nothing"
    );
    core.environments().update_stack(&alice, &env).await.expect("redeploy");
    deployed(&db, &core, &alice, "environment", &env).await;
    assert_eq!(
        users(stack_tags(&account, &env_stack.name).await),
        pairs(&[("CostCenter", "5678"), ("Project", "lake")]),
        "the redeploy replaced the stack's tags"
    );
    running.stop().await;
}

on_both_backends!(tags_reach_the_stacks_at_their_next_deploy_and_resources_list_what_they_hold);
