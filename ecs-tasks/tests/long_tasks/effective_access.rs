//! Who can read a table, compared with Lake Formation against moto: a table shared to two teams
//! and a consumption role has three readers whose grants AWS holds; a grant deleted in Lake
//! Formation shows as missing, one made by hand on the dataset's database as not granted by
//! Sluice; re-applying the share puts its grant back.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource};
use sluice_core::{
    Actor,
    access::{AwsAgreement, EffectiveAccess, ReaderVia, TargetType},
    environments::NewConsumptionPrincipal,
    on_both_backends,
    shares::{NewShare, Share},
    testkit::{Backend, TestDb},
};

use crate::share_support::{SharedDataset, deployed_dataset_with_tables, settle};

/// The share readers' principals and what AWS says of each, sorted; then the grants made
/// outside Sluice.
fn summary(view: &EffectiveAccess) -> (Vec<(String, AwsAgreement)>, Vec<String>) {
    let mut shared: Vec<(String, AwsAgreement)> = view
        .readers
        .iter()
        .filter(|r| r.via == ReaderVia::Share)
        .map(|r| (r.principal.clone(), r.aws))
        .collect();
    shared.sort_by(|a, b| a.0.cmp(&b.0));
    let outside = view
        .readers
        .iter()
        .filter(|r| r.via == ReaderVia::OutsideSluice)
        .inspect(|r| assert_eq!(r.aws, AwsAgreement::NotGrantedBySluice))
        .map(|r| r.principal.clone())
        .collect();
    (shared, outside)
}

async fn request(fixture: &SharedDataset, who: &Actor, team: &str, principal: (&str, &str)) -> Share {
    let shares = fixture.core.shares();
    let request = NewShare {
        environment_uri: fixture.dataset.environment_uri.clone(),
        group_uri: team.into(),
        principal_id: principal.1.into(),
        principal_type: principal.0.into(),
        request_purpose: Some("reports".into()),
        permissions: vec![],
        ..Default::default()
    };
    let share = shares.create(who, &fixture.dataset.dataset_uri, None, request).await.expect("share");
    shares.add_item(who, &share.share_uri, &fixture.tables[0].table_uri, "Table").await.expect("item");
    shares.submit(who, &share.share_uri).await.expect("submitted");
    shares.approve(&fixture.alice, &share.share_uri).await.expect("approved")
}

async fn a_tables_readers_are_compared_with_lake_formation(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["orders"]).await;
    let (core, alice, env) =
        (fixture.core.clone(), fixture.alice.clone(), fixture.dataset.environment_uri.clone());
    let (bob, carol) =
        (sluice_core::testkit::user("bob", &["TeamB"]), sluice_core::testkit::user("carol", &["TeamC"]));
    for (team, who) in [("TeamB", &bob), ("TeamC", &carol)] {
        let permissions = ["CREATE_SHARE_OBJECT".into(), "ADD_ENVIRONMENT_CONSUMPTION_ROLES".into()];
        sluice_core::testkit::invite_to_environment(&core, &alice, &env, team, &permissions)
            .await
            .expect("invited");
        core.admit(who).await.expect("admit");
    }
    sluice_cloud::sdk::iam::Client::new(&fixture.owner)
        .create_role()
        .role_name("etl")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .expect("the consumption role");
    let etl = core
        .environments()
        .add_consumption_principal(
            &bob,
            NewConsumptionPrincipal {
                environment_uri: env.clone(),
                group_uri: "TeamB".into(),
                name: "etl".into(),
                principal_arn: format!("arn:aws:iam::{}:role/etl", fixture.account),
                policy_management: "EXTERNALLY_MANAGED".into(),
            },
        )
        .await
        .expect("role");
    request(&fixture, &bob, "TeamB", ("Group", "TeamB")).await;
    request(&fixture, &bob, "TeamB", ("ConsumptionRole", &etl.consumption_principal_uri)).await;
    let teamc = request(&fixture, &carol, "TeamC", ("Group", "TeamC")).await;
    settle(&core, &alice).await;

    let table = &fixture.tables[0];
    let access = core.access();
    let view = || access.effective(&alice, &table.table_uri, TargetType::Table);
    let first = view().await.expect("the admin team sees the readers");
    assert!(first.aws_checked, "{:?}", first.aws_error);
    let (shared, outside) = summary(&first);
    let ok = |names: [&str; 3], states: [AwsAgreement; 3]| -> Vec<(String, AwsAgreement)> {
        names.iter().map(|n| (*n).to_owned()).zip(states).collect()
    };
    assert_eq!(shared, ok(["TeamB", "TeamC", "etl"], [AwsAgreement::Ok; 3]), "{first:#?}");
    assert_eq!(outside, Vec::<String>::new(), "{first:#?}");

    // Someone takes TeamC's table grant away in Lake Formation, and grants an unknown role the
    // database by hand.
    let lake = LakeGrants::new(&fixture.owner);
    let database_name =
        fixture.dataset.restricted().expect("the admin team's view").glue_database_name.clone();
    let teamc_role = core.shares().get(&carol, &teamc.share_uri).await.expect("share").principal_role_arn;
    let on_table = LfResource::table(&fixture.account, &database_name, &table.name);
    lake.revoke(&Grant::new(&teamc_role, on_table, &[LfPermission::Select, LfPermission::Describe]))
        .await
        .expect("revoked by hand");
    let intruder = format!("arn:aws:iam::{}:role/by-hand", fixture.account);
    let on_database = LfResource::database(&fixture.account, &database_name);
    lake.grant(&Grant::new(&intruder, on_database.clone(), &[LfPermission::Describe]))
        .await
        .expect("by hand");

    let drifted = view().await.expect("view");
    let (shared, outside) = summary(&drifted);
    assert_eq!(
        shared,
        ok(["TeamB", "TeamC", "etl"], [AwsAgreement::Ok, AwsAgreement::MissingInAws, AwsAgreement::Ok]),
        "{drifted:#?}"
    );
    assert_eq!(outside, std::slice::from_ref(&intruder), "{drifted:#?}");
    let missing = drifted.readers.iter().find(|r| r.principal == "TeamC").and_then(|r| r.detail.clone());
    assert!(missing.is_some_and(|d| d.contains("SELECT") && d.contains("re-apply")), "{drifted:#?}");

    // Re-applying TeamC's share grants it again; the grant made by hand stays until someone
    // removes it, since Sluice revokes nothing it did not grant.
    core.shares().reapply(&alice, &teamc.share_uri, &[]).await.expect("re-apply");
    settle(&core, &alice).await;
    let repaired = view().await.expect("view");
    let (shared, outside) = summary(&repaired);
    assert_eq!(shared, ok(["TeamB", "TeamC", "etl"], [AwsAgreement::Ok; 3]), "{repaired:#?}");
    assert_eq!(outside, std::slice::from_ref(&intruder));
    // The periodic run records the grant for the dataset's page and the metric, and forgets it
    // once it is gone.
    let system = core.system("test");
    let reader = sluice_cloud::PivotLinker::new(sluice_cloud::emulator_sdk_config(&crate::moto_url()).await);
    let run = system.record_drift(&reader).await.expect("drift recorded");
    assert_eq!((run.datasets, run.grants, run.unreadable.len()), (1, 1, 0), "{run:?}");
    let recorded = access.recorded_drift(&alice, &fixture.dataset.dataset_uri).await.expect("drift");
    let recorded = recorded.expect("the admin team sees it");
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].principal.as_str(), recorded[0].table.as_deref()), (intruder.as_str(), None));
    assert_eq!(system.drift_count().await.expect("count"), 1);
    assert_eq!(access.recorded_drift(&bob, &fixture.dataset.dataset_uri).await.expect("drift"), None);
    lake.revoke(&Grant::new(&intruder, on_database, &[LfPermission::Describe])).await.expect("removed");
    assert_eq!(summary(&view().await.expect("view")).1, Vec::<String>::new());
    assert_eq!(system.record_drift(&reader).await.expect("drift recorded").grants, 0);
    assert_eq!(system.drift_count().await.expect("count"), 0);

    // What TeamB's consumption role can read, and the whole dataset's view, agree.
    let reach = access
        .of_principal(
            &bob,
            sluice_core::access::PrincipalKind::ConsumptionRole,
            &etl.consumption_principal_uri,
        )
        .await
        .expect("TeamB sees its role's access");
    assert_eq!(reach.readers.len(), 1, "{reach:#?}");
    assert_eq!(reach.readers[0].item_name.as_deref(), Some(table.name.as_str()));
    let whole = access.effective(&alice, &fixture.dataset.dataset_uri, TargetType::Dataset).await;
    assert_eq!(summary(&whole.expect("dataset view")).0.len(), 3);
    fixture.running.stop().await;
}

on_both_backends!(a_tables_readers_are_compared_with_lake_formation);
