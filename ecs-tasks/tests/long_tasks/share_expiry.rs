//! Access that expires, end to end against moto: the approval fixes the expiry date, and once it
//! passes `ecs-tasks expire-shares` revokes through the ordinary revoke task, which takes the
//! Lake Formation grants back.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use sluice_cloud::LakeGrants;
use sluice_core::{
    datasets::{ModifyDataset, expiry::ExpiryInput},
    on_both_backends,
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};
use sluice_entities::share_object as so;

use crate::share_support::{
    SharedDataset, deployed_dataset_with_tables, grants_of, item_states, newest, teamb_requests_every_table,
};

fn expire_shares(db: &TestDb) -> serde_json::Value {
    let out = std::process::Command::new(crate::ecs_tasks())
        .args(["expire-shares", "--warning-days", "7"])
        .envs(crate::support::child_env(db))
        .output()
        .expect("ecs-tasks runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

async fn expired_access_is_revoked_by_the_expiry_task(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["orders"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share) = teamb_requests_every_table(&fixture, &env).await;
    let SharedDataset { core, alice, running, owner, .. } = fixture;
    let shares = core.shares();
    let dataset_uri = share.dataset_uri.clone();

    // The dataset starts expiring its shares while the request waits: its approvers set the
    // period before approving.
    let monthly =
        ExpiryInput { enable: Some(true), setting: Some("Monthly".into()), min: Some(1), max: Some(3) };
    core.datasets()
        .update(&alice, &dataset_uri, ModifyDataset { expiry: monthly, ..Default::default() })
        .await
        .expect("expiring");
    let refused = shares.approve(&alice, &share.share_uri).await.expect_err("no period yet");
    assert!(refused.to_string().contains("updateShareExpirationPeriod"), "{refused}");
    shares.update_expiration_period(&alice, &share.share_uri, Some(1), false).await.expect("period");
    shares.approve(&alice, &share.share_uri).await.expect("approved");
    assert_eq!(newest(&core, &db, "share.process").await.status, TaskStatus::Succeeded);
    let processed = shares.get(&bob, &share.share_uri).await.expect("share");
    assert_eq!(processed.status, "Processed");
    assert!(processed.expiry.expiry_date.is_some_and(|d| d > chrono::Utc::now()), "{processed:?}");
    let lake = LakeGrants::new(&owner);
    assert_eq!(grants_of(&lake, &processed.principal_role_arn).await.len(), 2, "database and table");

    // Not yet expired: nothing to do (and too far off to warn).
    let early = expire_shares(&db);
    assert_eq!(early["revoked"], serde_json::json!([]), "{early}");

    // The date passes.
    so::Entity::update_many()
        .col_expr(so::Column::ExpiryDate, Expr::value(chrono::Utc::now() - chrono::Duration::minutes(5)))
        .filter(so::Column::ShareUri.eq(&share.share_uri))
        .exec(&db.db)
        .await
        .expect("expired");
    let report = expire_shares(&db);
    assert_eq!(report["revoked"], serde_json::json!([share.share_uri]), "{report}");
    assert_eq!(newest(&core, &db, "share.revoke").await.status, TaskStatus::Succeeded);
    assert_eq!(grants_of(&lake, &processed.principal_role_arn).await, vec![], "the grants are gone");
    let states = item_states(&core, &bob, &share.share_uri).await;
    assert_eq!(states[0].1, "Revoke_Succeeded", "{states:?}");
    assert_eq!(shares.get(&bob, &share.share_uri).await.expect("share").status, "Processed");
    let again = expire_shares(&db);
    assert_eq!(again["revoked"], serde_json::json!([]), "nothing is revoked twice: {again}");
    running.stop().await;
}

on_both_backends!(expired_access_is_revoked_by_the_expiry_task);
