//! A full link against moto: the pivot role exists in the target account, linking checks it
//! through STS and IAM, the deploy task runs the real `ecs-tasks deploy-stack`, the stack
//! reaches CREATE_COMPLETE with a role per team, an invitation adds a role, and deleting with
//! deleteFromAWS removes the stack. moto checks no ExternalId at AssumeRole, so linking reads the
//! pivot role's trust policy back and Sluice applies the rule itself: an account belongs to the
//! organizations whose ExternalId its pivot role requires. moto runs no Lake Formation validation.

use sluice_core::{
    Core,
    environments::NewEnvironment,
    on_both_backends,
    organizations::NewOrganization,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::support::{
    PIVOT, REGION, Running, deploy_pivot_role, external_id, link, linking_core, newest_task, owner_session,
    random_account, role_exists, trust_organizations, wait_for,
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

    sluice_core::testkit::invite_to_environment(&core, &alice, &uri, "TeamB", &[]).await.expect("invite");
    let stack = core.environments().stack(&alice, &uri).await.expect("stack");
    let updated = wait_for(&db, stack.task_uri.as_deref().expect("update task")).await;
    assert_eq!(updated.status, TaskStatus::Succeeded, "{updated:?}");
    assert!(role_exists(&account, &format!("e2e-teamb-{uri}")).await, "the invited team's role appeared");

    core.environments().delete(&alice, &uri, true).await.expect("delete");
    let deleting = sluice_core::Core::new(db.db.clone())
        .system("test")
        .task(stack.task_uri.as_deref().expect("task"))
        .await
        .expect("task");
    assert!(deleting.status.is_terminal());
    let delete_task = newest_task(&core, "environment.delete-stack").await;
    let deleted = wait_for(&db, &delete_task.task_uri).await;
    assert_eq!(deleted.status, TaskStatus::Succeeded, "{deleted:?}");
    assert!(!role_exists(&account, &owner_role).await, "the stack's roles are gone");

    running.stop().await;
}

async fn try_link(
    core: &Core,
    actor: &sluice_core::Actor,
    org_uri: &str,
    team: &str,
    account: &str,
    region: &str,
) -> sluice_core::Result<sluice_core::environments::Environment> {
    let input = NewEnvironment {
        label: format!("{team} in {region}"),
        organization_uri: org_uri.into(),
        saml_group_name: team.into(),
        aws_account_id: account.into(),
        region: region.into(),
        ..Default::default()
    };
    core.environments().create(actor, input).await
}

/// The hole this closes: with one ExternalId for the whole platform, a user of a new
/// organization linked another organization's account (in an unused region) and got a stack
/// deployed into it.
async fn an_account_belongs_to_the_organizations_its_pivot_role_trusts(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (core, alice, org_a) = linking_core(&db).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    link(&core, &alice, &org_a, &account, "Lake").await;

    let mallory = sluice_core::testkit::user("mallory", &["TeamM"]);
    core.admit(&mallory).await.expect("TeamM gets its tenant permissions");
    let org_m = core
        .organizations()
        .create(
            &mallory,
            NewOrganization {
                label: Some("Mine".into()),
                saml_group_name: Some("TeamM".into()),
                ..Default::default()
            },
        )
        .await
        .expect("a new organization")
        .organization_uri;
    let (id_a, id_m) = (external_id(&core, &alice, &org_a).await, external_id(&core, &mallory, &org_m).await);
    assert_ne!(id_a, id_m, "each organization has its own ExternalId");

    for region in [REGION, "us-west-2", "ap-southeast-2"] {
        let refused = try_link(&core, &mallory, &org_m, "TeamM", &account, region)
            .await
            .expect_err("the account trusts another organization");
        assert_eq!(refused.code(), "BAD_USER_INPUT", "{region}: {refused}");
        assert!(refused.to_string().contains("belongs to another organization"), "{region}: {refused}");
        assert!(
            !refused.to_string().contains(&id_a),
            "the other organization's ExternalId is not shown: {refused}"
        );
    }

    // A pivot role that trusts Sluice with no ExternalId would let every organization in.
    let open = random_account();
    deploy_pivot_role(&open).await;
    let open_trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", crate::support::TRUST_ACCOUNT)}, "Action": "sts:AssumeRole"}]});
    let iam = sluice_cloud::sdk::iam::Client::new(&crate::support::owner_session(&open).await);
    iam.update_assume_role_policy()
        .role_name(crate::support::PIVOT)
        .policy_document(open_trust.to_string())
        .send()
        .await
        .expect("an open trust policy");
    let refused = try_link(&core, &mallory, &org_m, "TeamM", &open, REGION).await.expect_err("no ExternalId");
    assert!(refused.to_string().contains("without an ExternalId"), "{refused}");

    // The account's owner may share it with the second organization by trusting both.
    trust_organizations(&account, &[&id_a, &id_m]).await;
    try_link(&core, &mallory, &org_m, "TeamM", &account, "us-west-2").await.expect("now trusted");
}

/// The environment's `PermissionsBoundaryPolicyArn` reaches the deploy task and the stack: the
/// team role carries it instead of the pivot role's boundary. (moto evaluates no IAM policy, so
/// what the boundary allows is not shown here.)
async fn an_environments_own_boundary_is_on_its_team_roles(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    let iam = sluice_cloud::sdk::iam::Client::new(&owner_session(&account).await);
    let document =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let own = iam
        .create_policy()
        .policy_name(format!("{PIVOT}-boundary-acme"))
        .policy_document(document)
        .send()
        .await
        .expect("the owner's boundary")
        .policy
        .and_then(|p| p.arn)
        .expect("its ARN");
    let (core, alice, org_uri) = linking_core(&db).await;
    trust_organizations(&account, &[&external_id(&core, &alice, &org_uri).await]).await;
    let input = NewEnvironment {
        label: "Bounded".into(),
        organization_uri: org_uri.clone(),
        saml_group_name: "TeamA".into(),
        aws_account_id: account.clone(),
        region: REGION.into(),
        resource_prefix: Some("e2e".into()),
        permissions_boundary_policy_arn: Some(own.clone()),
        ..Default::default()
    };
    let env = core.environments().create(&alice, input).await.expect("linked");
    assert_eq!(env.permissions_boundary_policy_arn.as_deref(), Some(own.as_str()));

    let running = Running::start(&db).await;
    let stack = core.environments().stack(&alice, &env.environment_uri).await.expect("stack");
    let deployed = wait_for(&db, stack.task_uri.as_deref().expect("deploy task")).await;
    assert_eq!(deployed.status, TaskStatus::Succeeded, "{deployed:?}");
    let role = iam
        .get_role()
        .role_name(format!("e2e-teama-{}", env.environment_uri))
        .send()
        .await
        .expect("the team role")
        .role
        .expect("role");
    let boundary = role.permissions_boundary.and_then(|b| b.permissions_boundary_arn);
    assert_eq!(boundary.as_deref(), Some(own.as_str()));
    running.stop().await;
}

on_both_backends!(
    an_environments_own_boundary_is_on_its_team_roles,
    a_linked_account_gets_its_stack_team_roles_and_clean_deletion,
    an_account_belongs_to_the_organizations_its_pivot_role_trusts,
);
