//! A dataset's AWS side against moto, end to end: creating a dataset queues its deploy, the
//! worker runs the real `ecs-tasks deploy-dataset-stack`, and the account then holds the stack's
//! bucket, key alias and admin role, the Glue database at the bucket, and the bucket's Lake
//! Formation registration (moto models RegisterResource, DescribeResource and ListResources,
//! without validating the role). A renamed dataset redeploys onto the same resources, and
//! deleting it with its stack removes the location, the database, the stack and the stack row,
//! keeping the bucket. A bucket name taken by another account fails the deploy, and the stack
//! row says so and what to do.

use sluice_cloud::{lake::bucket_arn, sdk};
use sluice_core::{
    Actor, Core,
    datasets::{DELETE_ACTION, DatasetView, ModifyDataset, NewDataset},
    on_both_backends,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    ecs_tasks,
    support::{
        PIVOT, Running, child_env, deploy_pivot_role, link, linking_core, newest_task, owner_session,
        random_account, role_exists, wait_for,
    },
};

/// A linked account with TeamA's environment in it, and a dataset of TeamA's; nothing deployed
/// yet, as no pipeline runs.
pub(crate) async fn dataset_in_a_linked_account(db: &TestDb) -> (Core, Actor, String, DatasetView) {
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(db).await;
    let env = link(&core, &alice, &org_uri, &account, "Lake").await;
    let dataset = core
        .datasets()
        .create(
            &alice,
            NewDataset {
                label: "Sales Orders".into(),
                environment_uri: env.environment_uri,
                saml_admin_group_name: "TeamA".into(),
                ..Default::default()
            },
        )
        .await
        .expect("dataset");
    (core, alice, account, dataset)
}

/// The Glue database's location, or None if there is no such database.
async fn glue_location(session: &sdk::aws_config::SdkConfig, database: &str) -> Option<String> {
    let out = sdk::glue::Client::new(session).get_database().name(database).send().await.ok()?;
    out.database().and_then(|d| d.location_uri()).map(str::to_owned)
}

/// The role Lake Formation reaches a registered location through, or None if it is not
/// registered.
async fn lake_formation_role(session: &sdk::aws_config::SdkConfig, bucket: &str) -> Option<String> {
    let lake = sdk::lakeformation::Client::new(session);
    let out = lake.describe_resource().resource_arn(bucket_arn("aws", bucket)).send().await.ok()?;
    out.resource_info().and_then(|r| r.role_arn()).map(str::to_owned)
}

async fn a_dataset_gets_its_stack_database_and_location_and_deletion_removes_them(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, account, dataset) = dataset_in_a_linked_account(&db).await;
    let place = dataset.restricted().expect("the admin team's view").clone();
    let uri = dataset.dataset_uri.clone();
    let running = Running::start(&db).await;

    let stack = core.datasets().stack(&alice, &uri).await.expect("stack");
    let deployed = wait_for(&db, stack.task_uri.as_deref().expect("deploy task")).await;
    assert_eq!(deployed.status, TaskStatus::Succeeded, "{deployed:?}");
    let stack = core.datasets().stack(&alice, &uri).await.expect("stack");
    assert_eq!((stack.status.as_str(), stack.error.as_deref()), ("CREATE_COMPLETE", None), "{stack:?}");
    let outputs: serde_json::Value =
        serde_json::from_str(stack.outputs.as_deref().expect("outputs")).expect("json");
    let admin_role_arn = format!("arn:aws:iam::{account}:role/{}", place.admin_role_name);
    assert_eq!(outputs["BucketName"], place.bucket_name.as_str(), "{outputs}");
    assert_eq!(outputs["AdminRoleArn"], admin_role_arn.as_str(), "{outputs}");

    // Everything is in the environment's account, named as the dataset row says.
    let session = owner_session(&account).await;
    let s3 = sdk::s3::Client::new(&session);
    s3.head_bucket().bucket(&place.bucket_name).send().await.expect("the bucket exists");
    let aliases = sdk::kms::Client::new(&session).list_aliases().send().await.expect("aliases");
    let key_alias = place.kms_alias.as_deref().expect("a created dataset has its own key");
    assert!(
        aliases.aliases().iter().any(|a| a.alias_name() == Some(key_alias) && a.target_key_id().is_some()),
        "no alias {key_alias} on a key: {aliases:?}"
    );
    assert!(role_exists(&account, &place.admin_role_name).await, "the admin role exists");
    let location = format!("s3://{}/", place.bucket_name);
    assert_eq!(glue_location(&session, &place.glue_database_name).await, Some(location.clone()));
    assert_eq!(lake_formation_role(&session, &place.bucket_name).await, Some(admin_role_arn.clone()));

    // Renamed, it keeps its resources: the redeploy finds the database and location in place.
    let rename = ModifyDataset { label: Some("Orders (renamed)".into()), ..Default::default() };
    core.datasets().update(&alice, &uri, rename).await.expect("renamed");
    let redeploy = core.datasets().update_stack(&alice, &uri).await.expect("redeploy");
    let redeployed = wait_for(&db, redeploy.task_uri.as_deref().expect("redeploy task")).await;
    assert_eq!(redeployed.status, TaskStatus::Succeeded, "{redeployed:?}");
    let response = redeployed.response.expect("response");
    assert_eq!(response["outputs"]["BucketName"], place.bucket_name.as_str(), "{response}");
    assert_eq!(response["made"]["glueDatabase"]["created"], false, "{response}");
    assert_eq!(response["made"]["lakeFormationLocation"]["registered"], false, "{response}");
    assert_eq!(glue_location(&session, &place.glue_database_name).await, Some(location));

    core.datasets().delete(&alice, &uri, true).await.expect("deleted");
    let delete_task = newest_task(&core, DELETE_ACTION).await;
    let deleted = wait_for(&db, &delete_task.task_uri).await;
    assert_eq!(deleted.status, TaskStatus::Succeeded, "{deleted:?}");
    running.stop().await;
    assert_eq!(lake_formation_role(&session, &place.bucket_name).await, None, "deregistered");
    assert_eq!(glue_location(&session, &place.glue_database_name).await, None, "the database is gone");
    assert!(!role_exists(&account, &place.admin_role_name).await, "the stack's role is gone");
    let cfn = sdk::cloudformation::Client::new(&session);
    let left = cfn.describe_stacks().stack_name(&stack.name).send().await.ok();
    let status = left.as_ref().and_then(|o| o.stacks().first()).and_then(|s| s.stack_status());
    assert!(status.is_none_or(|s| s.as_str() == "DELETE_COMPLETE"), "the stack is left as {status:?}");
    let row = sluice_core::Core::new(db.db.clone())
        .system("test")
        .stack(&stack.stack_uri)
        .await
        .expect_err("the stack row is forgotten");
    assert_eq!(row.code(), "NOT_FOUND");
    s3.head_bucket().bucket(&place.bucket_name).send().await.expect("the bucket and its data are retained");

    // Running the deletion again is harmless: it finds the stack already forgotten.
    let again = tokio::process::Command::new(ecs_tasks())
        .args(["delete-dataset-stack", "--stack-uri", &stack.stack_uri, "--pivot-role-name", PIVOT])
        .args(["--bucket-name", &place.bucket_name, "--glue-database-name", &place.glue_database_name])
        .envs(child_env(&db))
        .output()
        .await
        .expect("ecs-tasks runs");
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{stdout}{}", String::from_utf8_lossy(&again.stderr));
    assert!(stdout.contains("DELETE_COMPLETE"), "{stdout}");
}

async fn a_deploy_that_fails_leaves_its_error_and_what_to_do_on_the_stack(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, account, dataset) = dataset_in_a_linked_account(&db).await;
    let place = dataset.restricted().expect("the admin team's view").clone();
    // Bucket names are global: another account already has the dataset bucket's.
    let squatter = sdk::s3::Client::new(&owner_session(&random_account()).await);
    let here = sdk::s3::types::CreateBucketConfiguration::builder()
        .location_constraint(sdk::s3::types::BucketLocationConstraint::EuWest1)
        .build();
    squatter
        .create_bucket()
        .bucket(&place.bucket_name)
        .create_bucket_configuration(here)
        .send()
        .await
        .expect("another account takes the name");
    let running = Running::start(&db).await;

    let stack = core.datasets().stack(&alice, &dataset.dataset_uri).await.expect("stack");
    let failed = wait_for(&db, stack.task_uri.as_deref().expect("deploy task")).await;
    running.stop().await;
    assert_eq!(failed.status, TaskStatus::Failed, "{failed:?}");
    let error = failed.last_error.expect("error");
    assert!(
        error.contains(&place.bucket_name) && error.ends_with("redeploy the dataset's stack (updateStack)"),
        "{error}"
    );
    let stack = core.datasets().stack(&alice, &dataset.dataset_uri).await.expect("stack");
    assert_eq!(stack.status, "DEPLOY_FAILED", "{stack:?}");
    assert_eq!(stack.error.as_deref(), Some(error.as_str()), "the stack row holds the same message");
    let session = owner_session(&account).await;
    assert_eq!(glue_location(&session, &place.glue_database_name).await, None, "nothing made beside it");
}

on_both_backends!(
    a_dataset_gets_its_stack_database_and_location_and_deletion_removes_them,
    a_deploy_that_fails_leaves_its_error_and_what_to_do_on_the_stack,
);
