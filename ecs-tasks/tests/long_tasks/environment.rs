//! A full link against moto: the pivot role exists in the target account, linking checks it
//! through STS and IAM, the deploy task runs the real `ecs-tasks deploy-stack`, the stack
//! reaches CREATE_COMPLETE with a role per team, an invitation adds a role, and deleting with
//! deleteFromAWS removes the stack. moto checks no ExternalId (the cloud crate's tests cover
//! that rule at our boundary) and runs no Lake Formation validation.

use sluice_core::{
    environments::NewEnvironment,
    on_both_backends,
    tasks::{TaskStatus, store},
    testkit::{Backend, TestDb},
};

use crate::support::{
    REGION, Running, deploy_pivot_role, link, linking_core, newest_task, random_account, role_exists,
    wait_for,
};

async fn a_linked_account_gets_its_stack_team_roles_and_clean_deletion(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(&db).await;

    // Without the pivot role in the account, nothing is linked.
    let missing = core
        .environments()
        .create(
            &alice,
            NewEnvironment {
                label: "Nowhere".into(),
                organization_uri: org_uri.clone(),
                saml_group_name: "TeamA".into(),
                aws_account_id: random_account(),
                region: REGION.into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("no pivot role there");
    assert_eq!(missing.code(), "BAD_USER_INPUT", "{missing}");

    let env = link(&core, &alice, &org_uri, &account, "Analytics").await;
    let uri = env.environment_uri.clone();

    let running = Running::start(&db).await;

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
    let delete_task = newest_task(&core, "environment.delete-stack").await;
    let deleted = wait_for(&db, &delete_task.task_uri).await;
    assert_eq!(deleted.status, TaskStatus::Succeeded, "{deleted:?}");
    assert!(!role_exists(&account, &owner_role).await, "the stack's roles are gone");

    running.stop().await;
}

on_both_backends!(a_linked_account_gets_its_stack_team_roles_and_clean_deletion);
