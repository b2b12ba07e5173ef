//! Share processing end to end against moto, beyond one account's happy path: a share to an
//! environment in another account (grants to that account in the dataset's, a `<db>_shared`
//! database of resource links and the role's grants in the target's, all taken back on revoke),
//! and a share whose table left Glue before approval (that item fails alone, with the reason).
//!
//! moto facts this leans on (see `cloud/tests/aws/grants.rs` and `resource_links.rs`): a grant
//! to an account id is recorded only in the granting account, so each side is read through its
//! own account owner's session; resource links are stored as sent and never resolved; and
//! ListPermissions needs a resource with a principal, so `LakeGrants::list(Some(p), None)` reads
//! every grant and keeps the principal's.

use sluice_cloud::{Grant, LakeGrants, LfPermission, LfResource, sdk};
use sluice_core::{
    on_both_backends,
    shares::ItemFilter,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{
        SharedDataset, deployed_dataset_with_tables, grants_of, item_states, newest, page, shown,
        teamb_requests_every_table,
    },
    support::{deploy_pivot_role, link, owner_session, random_account},
};

use LfPermission::{Describe, Select};

const TABLES: [&str; 3] = ["customers", "orders", "refunds"];

/// Where the link `shared.name` points, or None if there is no such table (or it is no link).
async fn link_target(glue: &sdk::glue::Client, shared: &str, name: &str) -> Option<(String, String, String)> {
    let out = glue.get_table().database_name(shared).name(name).send().await.ok()?;
    let target = out.table()?.target_table()?;
    Some((
        target.catalog_id().unwrap_or_default().to_owned(),
        target.database_name().unwrap_or_default().to_owned(),
        target.name().unwrap_or_default().to_owned(),
    ))
}

async fn a_share_to_another_account_links_its_tables_there_and_revoking_cleans_both_sides(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &TABLES).await;
    let source = fixture.account.clone();

    // A second account, linked as another environment of TeamA's, where TeamB works.
    let consumer = random_account();
    deploy_pivot_role(&consumer).await;
    let source_env =
        fixture.core.environments().get(&fixture.alice, &fixture.dataset.environment_uri).await.expect("env");
    let target_env =
        link(&fixture.core, &fixture.alice, &source_env.organization_uri, &consumer, "Consumer").await;
    let (bob, share) = teamb_requests_every_table(&fixture, &target_env.environment_uri).await;
    let SharedDataset { core, alice, dataset, running, owner, tables, .. } = fixture;
    let shares = core.shares();
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");

    let share = shares.get(&bob, &share.share_uri).await.expect("share");
    assert_eq!(share.status, "Processed");
    let healthy = |name: &str| (name.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    assert_eq!(item_states(&core, &bob, &share.share_uri).await, TABLES.map(healthy));
    let role = share.principal_role_arn.clone();
    assert!(
        role.starts_with(&format!("arn:aws:iam::{consumer}:role/")),
        "TeamB's role in the consumer: {role}"
    );

    // In the dataset's account: the grants go to the consumer account's id, not to the role.
    let glue_db = dataset.restricted().expect("the admin team's view").glue_database_name.clone();
    let source_lake = LakeGrants::new(&owner);
    let source_table = |name: &str| LfResource::table(&source, &glue_db, name);
    let to_account =
        |names: &[&str]| {
            let mut out = vec![
                Grant::new(consumer.clone(), LfResource::database(&source, &glue_db), &[Describe])
                    .with_grant_option(),
            ];
            out.extend(names.iter().map(|n| {
                Grant::new(consumer.clone(), source_table(n), &[Describe, Select]).with_grant_option()
            }));
            out
        };
    assert_eq!(shown(&grants_of(&source_lake, &consumer).await), shown(&to_account(&TABLES)));
    assert_eq!(shown(&grants_of(&source_lake, &role).await), Vec::<String>::new());

    // In the consumer account: the shared database, a link per table, and the role's grants.
    let target_session = owner_session(&consumer).await;
    let target_glue = sdk::glue::Client::new(&target_session);
    let target_lake = LakeGrants::new(&target_session);
    let shared = format!("{glue_db}_shared");
    target_glue.get_database().name(&shared).send().await.expect("the shared database in the consumer");
    for name in TABLES {
        assert_eq!(
            link_target(&target_glue, &shared, name).await,
            Some((source.clone(), glue_db.clone(), name.to_owned())),
            "the link {shared}.{name}"
        );
    }
    let to_role = |names: &[&str]| {
        let mut out = vec![Grant::new(role.clone(), LfResource::database(&consumer, &shared), &[Describe])];
        for name in names {
            out.push(Grant::new(role.clone(), LfResource::table(&consumer, &shared, *name), &[Describe]));
            out.push(Grant::new(role.clone(), source_table(name), &[Describe, Select]));
        }
        out
    };
    assert_eq!(shown(&grants_of(&target_lake, &role).await), shown(&to_role(&TABLES)));

    // Revoke one: its link and its grants on both sides go, the others stay.
    shares.revoke(&bob, &share.share_uri, &[tables[1].table_uri.clone()]).await.expect("revoking orders");
    let revoked = newest(&core, &db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
    assert_eq!(item_states(&core, &bob, &share.share_uri).await[1].1, "Revoke_Succeeded");
    assert_eq!(link_target(&target_glue, &shared, "orders").await, None);
    for name in ["customers", "refunds"] {
        assert!(link_target(&target_glue, &shared, name).await.is_some(), "{name} keeps its link");
    }
    let kept = ["customers", "refunds"];
    assert_eq!(shown(&grants_of(&source_lake, &consumer).await), shown(&to_account(&kept)));
    assert_eq!(shown(&grants_of(&target_lake, &role).await), shown(&to_role(&kept)));

    // Revoke the rest: the shared database goes, and no grant is left on either side.
    let rest = vec![tables[0].table_uri.clone(), tables[2].table_uri.clone()];
    shares.revoke(&alice, &share.share_uri, &rest).await.expect("approvers revoke too");
    let revoked = newest(&core, &db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
    assert!(target_glue.get_database().name(&shared).send().await.is_err(), "{shared} is gone");
    assert_eq!(shown(&grants_of(&source_lake, &consumer).await), Vec::<String>::new());
    assert_eq!(shown(&grants_of(&source_lake, &role).await), Vec::<String>::new());
    assert_eq!(shown(&grants_of(&target_lake, &role).await), Vec::<String>::new());
    assert_eq!(shares.get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    running.stop().await;
}

async fn a_table_dropped_from_glue_before_approval_fails_alone_with_the_reason(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &TABLES).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let glue_db = dataset.restricted().expect("the admin team's view").glue_database_name.clone();

    // The account owner drops orders after Sluice synced it, before the approval.
    sdk::glue::Client::new(&owner)
        .delete_table()
        .database_name(&glue_db)
        .name("orders")
        .send()
        .await
        .expect("orders dropped");
    let shares = core.shares();
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    let processed = newest(&core, &db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");

    assert_eq!(shares.get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    let items = shares.items(&bob, &share.share_uri, &ItemFilter::default(), page()).await.expect("items");
    let states: Vec<(&str, &str, Option<&str>)> = items
        .nodes
        .iter()
        .map(|i| (i.item_name.as_str(), i.status.as_str(), i.health_status.as_deref()))
        .collect();
    assert_eq!(
        states,
        [
            ("customers", "Share_Succeeded", Some("Healthy")),
            ("orders", "Share_Failed", Some("Unhealthy")),
            ("refunds", "Share_Succeeded", Some("Healthy")),
        ]
    );
    let message = items.nodes[1].health_message.as_deref().unwrap_or_default();
    assert!(message.contains("orders") && message.contains("no longer in Glue"), "{message}");

    let role = share.principal_role_arn.clone();
    let mut expected = vec![Grant::new(role.clone(), LfResource::database(&account, &glue_db), &[Describe])];
    for name in ["customers", "refunds"] {
        expected.push(Grant::new(
            role.clone(),
            LfResource::table(&account, &glue_db, name),
            &[Describe, Select],
        ));
    }
    assert_eq!(shown(&grants_of(&LakeGrants::new(&owner), &role).await), shown(&expected));
    running.stop().await;
}

on_both_backends!(
    a_share_to_another_account_links_its_tables_there_and_revoking_cleans_both_sides,
    a_table_dropped_from_glue_before_approval_fails_alone_with_the_reason,
);
