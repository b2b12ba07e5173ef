//! Concurrent decisions on several shares of one dataset, with the worker processing them as
//! they come: every share ends in a consistent state, and Lake Formation holds exactly the
//! grants the items' states say, for every principal.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    environments::NewConsumptionPrincipal,
    on_both_backends,
    shares::{ItemStatus, NewShare},
    testkit::{Backend, TestDb},
};

use crate::share_support::{deployed_dataset_with_tables, grants_of, item_states, settle, shown};

async fn concurrent_decisions_leave_grants_that_match_every_share(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers", "orders"]).await;
    let (core, alice) = (fixture.core.clone(), fixture.alice.clone());
    let env = fixture.dataset.environment_uri.clone();
    sluice_core::testkit::invite_to_environment(
        &core,
        &alice,
        &env,
        "TeamB",
        &["CREATE_SHARE_OBJECT".into(), "ADD_ENVIRONMENT_CONSUMPTION_ROLES".into()],
    )
    .await
    .expect("TeamB");
    let bob = sluice_core::testkit::user("bob", &["TeamB"]);
    core.admit(&bob).await.expect("admit");
    let mut principals = vec![("Group".to_owned(), "TeamB".to_owned())];
    let iam = sluice_cloud::sdk::iam::Client::new(&fixture.owner);
    for i in 0..2 {
        // A consumption role must exist in the account before it is added.
        iam.create_role()
            .role_name(format!("etl{i}"))
            .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
            .send()
            .await
            .expect("the consumption role");
        let role = core
            .environments()
            .add_consumption_principal(
                &bob,
                NewConsumptionPrincipal {
                    environment_uri: env.clone(),
                    group_uri: "TeamB".into(),
                    name: format!("etl{i}"),
                    principal_arn: format!("arn:aws:iam::{}:role/etl{i}", fixture.account),
                    policy_management: "EXTERNALLY_MANAGED".into(),
                },
            )
            .await
            .expect("role");
        principals.push(("ConsumptionRole".into(), role.consumption_principal_uri));
    }
    let mut shares = vec![];
    for (kind, id) in &principals {
        let request = NewShare {
            environment_uri: env.clone(),
            group_uri: "TeamB".into(),
            principal_id: id.clone(),
            principal_type: kind.clone(),
            request_purpose: None,
            permissions: vec![],
            ..Default::default()
        };
        let share =
            core.shares().create(&bob, &fixture.dataset.dataset_uri, None, request).await.expect("share");
        for table in &fixture.tables {
            core.shares().add_item(&bob, &share.share_uri, &table.table_uri, "Table").await.expect("item");
        }
        core.shares().submit(&bob, &share.share_uri).await.expect("submitted");
        shares.push(share);
    }

    // Fifty approve, revoke and approve calls race each other and the worker.
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (core, alice, bob, uri) =
            (core.clone(), alice.clone(), bob.clone(), shares[i % 3].share_uri.clone());
        let orders = fixture.tables[1].table_uri.clone();
        racers.spawn(async move {
            match (i / 3) % 3 {
                0 => core.shares().approve(&alice, &uri).await.map(drop),
                1 => core.shares().revoke(&bob, &uri, &[orders]).await.map(drop),
                _ => core.shares().approve(&alice, &uri).await.map(drop),
            }
        });
    }
    while let Some(outcome) = racers.join_next().await {
        if let Err(e) = outcome.expect("joined") {
            assert!(matches!(e.code(), "CONFLICT" | "INVALID_STATE"), "only state refusals: {e}");
        }
    }
    settle(&core, &alice).await;

    let lake = LakeGrants::new(&fixture.owner);
    let database = LfResource::database(
        &fixture.account,
        &fixture.dataset.restricted().expect("the admin team's view").glue_database_name,
    );
    for share in &shares {
        let share = core.shares().get(&bob, &share.share_uri).await.expect("share");
        let states = item_states(&core, &bob, &share.share_uri).await;
        let mut expected = vec![];
        for (name, status, _) in &states {
            let status = ItemStatus::parse(status).expect("known");
            assert!(
                !matches!(status, ItemStatus::ShareInProgress | ItemStatus::RevokeInProgress),
                "nothing is left in progress: {states:?}"
            );
            if status.is_shared() {
                let table = LfResource::table(
                    &fixture.account,
                    &fixture.dataset.restricted().expect("the admin team's view").glue_database_name,
                    name.clone(),
                );
                expected.push(Grant::new(
                    share.principal_role_arn.clone(),
                    table,
                    &[LfPermission::Describe, LfPermission::Select],
                ));
            }
        }
        if !expected.is_empty() {
            expected.push(Grant::new(
                share.principal_role_arn.clone(),
                database.clone(),
                &[LfPermission::Describe],
            ));
        }
        let granted = grants_of(&lake, &share.principal_role_arn).await;
        assert_eq!(
            shown(&granted),
            shown(&expected),
            "share {} ({}): {states:?}",
            share.share_uri,
            share.status
        );
    }
    fixture.running.stop().await;
}

on_both_backends!(concurrent_decisions_leave_grants_that_match_every_share);
