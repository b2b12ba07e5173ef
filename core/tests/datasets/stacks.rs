//! A dataset's stack: what its long tasks read, who may see and redeploy it, and what its
//! deletion carries once the dataset row is gone.

use sluice_core::{
    datasets::{DELETE_ACTION, DEPLOY_ACTION},
    on_both_backends,
    page::PageRequest,
    tasks::TaskFilter,
    testkit::Backend,
};

use super::{actor, new_dataset, setup};

async fn the_deploy_reads_the_stored_dataset_its_environment_and_pivot_role(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let stack = core.datasets().stack(&bob, &dataset.dataset_uri).await.expect("stack");
    assert_eq!((stack.status.as_str(), stack.target_type.as_str()), ("PENDING", "dataset"));

    let inputs = core
        .system("test")
        .dataset_deploy_inputs(&stack.stack_uri)
        .await
        .expect("inputs")
        .expect("a dataset");
    let d = &inputs.dataset;
    let key = |alias: &Option<String>| alias.clone().expect("a created dataset has its own key");
    let stored =
        [&d.dataset_uri, &d.bucket_name, &key(&d.kms_alias), &d.admin_role_name, &d.glue_database_name];
    let r = dataset.restricted().expect("the admin team's view");
    let created =
        [&dataset.dataset_uri, &r.bucket_name, &key(&r.kms_alias), &r.admin_role_name, &r.glue_database_name];
    assert_eq!(stored, created, "the names stored at creation");
    assert_eq!(inputs.environment.environment_uri, env);
    assert_eq!(
        (inputs.pivot.account_id.as_str(), inputs.pivot.region.as_str(), inputs.pivot.role_name.as_str()),
        ("111122223333", "eu-west-1", "sluice-pivot")
    );

    let env_stack = core.environments().stack(&actor("alice", &["TeamA"]), &env).await.expect("env stack");
    let wrong =
        core.system("test").dataset_deploy_inputs(&env_stack.stack_uri).await.expect_err("not a dataset's");
    assert_eq!(wrong.code(), "INVALID_STATE", "{wrong}");
}

async fn only_the_datasets_admins_redeploy_its_stack_and_its_readers_see_it(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dana = actor("dana", &["TeamD"]);
    let carol = actor("carol", &["TeamC"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = &dataset.dataset_uri;
    let first = core.datasets().stack(&dana, uri).await.expect("stewards see the stack");
    assert_eq!(core.datasets().stack(&carol, uri).await.expect_err("hidden").code(), "FORBIDDEN");
    let refused = core.datasets().update_stack(&dana, uri).await.expect_err("stewards only read");
    assert_eq!(refused.code(), "FORBIDDEN");

    let deployed = sluice_core::environments::stacks::DeployRecord {
        status: "CREATE_COMPLETE".into(),
        ..Default::default()
    };
    core.system("test").record_deploy(&first.stack_uri, deployed).await.expect("deployed");
    let redeploy = core.datasets().update_stack(&bob, uri).await.expect("queued");
    assert_ne!(redeploy.task_uri, first.task_uri, "the stack points at the new deploy");
    assert_eq!(redeploy.status, "PENDING", "the redeploy shows at once");
    assert_eq!(core.datasets().stack(&dana, uri).await.expect("stack").status, "PENDING");
    let page = PageRequest::new(None, None).expect("page");
    let filter = TaskFilter { target_uri: Some(uri.clone()), status: None };
    let tasks = core.tasks().list(&bob, &filter, page).await.expect("tasks");
    let deploys: Vec<_> = tasks.nodes.iter().filter(|t| t.action == DEPLOY_ACTION).collect();
    assert_eq!(deploys.len(), 2);
    assert!(
        deploys.iter().all(|t| t.target_label.as_deref() == Some(dataset.label.as_str())),
        "each task names its dataset: {deploys:?}"
    );
    let one = core.tasks().get(&dana, &deploys[0].task_uri).await.expect("its readers see the task");
    assert_eq!(one.target_label.as_deref(), Some(dataset.label.as_str()));
}

async fn deleting_with_the_stack_queues_a_deletion_that_carries_what_it_needs(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let stack = core.datasets().stack(&bob, &dataset.dataset_uri).await.expect("stack");
    core.datasets().delete(&bob, &dataset.dataset_uri, true).await.expect("deleted");

    let row = core.system("test").stack(&stack.stack_uri).await.expect("the stack row outlives the dataset");
    assert_eq!(row.status, "DELETE_REQUESTED");
    let admin = actor("root", &["DAAdministrators"]);
    let filter = TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None };
    let page = PageRequest::new(None, None).expect("page");
    let tasks = core.tasks().list(&admin, &filter, page).await.expect("tasks");
    let deletion = tasks.nodes.iter().find(|t| t.action == DELETE_ACTION).expect("a deletion task");
    assert_eq!(row.task_uri.as_deref(), Some(deletion.task_uri.as_str()));
    assert_eq!(deletion.target_type, "platform", "only platform admins see it once the dataset is gone");
    assert_eq!(deletion.target_label, None, "platform work names no target");
    let mut payload = deletion.payload.clone();
    let external_id = payload.as_object_mut().and_then(|p| p.remove("externalId"));
    assert!(
        external_id.as_ref().and_then(|id| id.as_str()).is_some_and(|id| id.len() == 32),
        "the deletion carries the ExternalId the environment's pivot role trusts: {external_id:?}"
    );
    let place = dataset.restricted().expect("the admin team's view");
    assert_eq!(
        payload,
        serde_json::json!({
            "stackUri": stack.stack_uri,
            "reason": "dataset deleted",
            "pivotRoleName": "sluice-pivot",
            "bucketName": place.bucket_name,
            "glueDatabaseName": place.glue_database_name,
        })
    );
    let inputs = core.system("test").dataset_deploy_inputs(&stack.stack_uri).await.expect("read");
    assert!(inputs.is_none(), "a deploy that runs after the deletion has nothing to deploy");
}

on_both_backends!(
    the_deploy_reads_the_stored_dataset_its_environment_and_pivot_role,
    only_the_datasets_admins_redeploy_its_stack_and_its_readers_see_it,
    deleting_with_the_stack_queues_a_deletion_that_carries_what_it_needs,
);
