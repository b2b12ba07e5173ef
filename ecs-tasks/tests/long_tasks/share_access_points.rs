//! Access points against moto: a share made before them (its folders in the bucket policy)
//! keeps working and moves to its access point when re-applied; a share of the whole bucket
//! gets every object through its access point, and revoking it leaves the share's folders.
//!
//! moto stores access points and their policies but evaluates none, and no read goes through an
//! access point, so these tests read back what was written: whether S3 would let the role read
//! is a question for the unit tests of the policy documents (core's `folders_tests.rs`).

use serde_json::Value;
use sluice_cloud::{Access, AccessPoints};
use sluice_core::{
    on_both_backends,
    shares::{
        FolderAccess,
        folders::{DELEGATION_SID, access_point_name, statement_sids},
    },
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_folders::{
        FOLDERS, access_point_grants, approve_and_process, bucket_sids, objects, place, revoke,
        teamb_requests_table_and_folders,
    },
    share_support::{SharedDataset, deployed_dataset_with_tables, item_states, newest},
};

async fn a_share_from_before_access_points_keeps_working_and_moves_on_reapply(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share, _) = teamb_requests_table_and_folders(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let uri = share.share_uri.clone();
    approve_and_process(&core, &db, &alice, &uri).await;

    // What an older Sluice left: no access point, no delegation, the share's two statements in
    // the bucket policy.
    let plan = core.shares().plan(&alice, &uri).await.expect("plan");
    let one = plan.items.iter().find_map(|i| i.folder.clone()).expect("a folder's access");
    let old = FolderAccess { prefixes: vec!["curated/eu".into(), "raw".into()], ..one };
    let bucket = place(&dataset).bucket_name.clone();
    let points = AccessPoints::new(&owner, &account);
    points.delete(&access_point_name(&uri)).await.expect("no access point");
    let mut sids = statement_sids(&uri).to_vec();
    sids.push(DELEGATION_SID.to_owned());
    Access::new(&owner)
        .replace_statements(&bucket, &sids, &old.legacy_bucket_statements(&uri))
        .await
        .expect("the old statements");
    let mut legacy = statement_sids(&uri).to_vec();
    legacy.sort();
    assert_eq!(bucket_sids(&owner, &dataset).await, legacy);

    // Verify finds the folders granted as before.
    core.shares().verify(&bob, &uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let states = item_states(&core, &bob, &uri).await;
    assert!(states.iter().all(|(_, _, h)| h.as_deref() == Some("Healthy")), "{states:?}");

    // Re-applying moves them: the access point holds both folders, the old statements are gone.
    core.shares().reapply(&alice, &uri, &[]).await.expect("reapply queued");
    assert_eq!(newest(&core, &db, "share.reapply").await.status, TaskStatus::Succeeded);
    assert_eq!(access_point_grants(&owner, &account, &uri).await.0, objects(&account, &uri, &FOLDERS));
    assert_eq!(bucket_sids(&owner, &dataset).await, [DELEGATION_SID]);
    let states = item_states(&core, &bob, &uri).await;
    assert!(states.iter().all(|(_, _, h)| h.as_deref() == Some("Healthy")), "{states:?}");
    running.stop().await;
}

on_both_backends!(a_share_from_before_access_points_keeps_working_and_moves_on_reapply);

async fn the_whole_bucket_is_shared_through_the_access_point_until_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share, _) = teamb_requests_table_and_folders(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let uri = share.share_uri.clone();
    approve_and_process(&core, &db, &alice, &uri).await;

    // The bucket joins the processed share, which reopens it.
    let shares = core.shares();
    let item = shares.add_item(&bob, &uri, &dataset.dataset_uri, "S3Bucket").await.expect("the bucket");
    assert_eq!(item.item_name, place(&dataset).bucket_name);
    shares.submit(&bob, &uri).await.expect("submitted");
    approve_and_process(&core, &db, &alice, &uri).await;
    let states = item_states(&core, &bob, &uri).await;
    assert!(
        states.iter().all(|(_, s, h)| s == "Share_Succeeded" && h.as_deref() == Some("Healthy")),
        "{states:?}"
    );
    let points = AccessPoints::new(&owner, &account);
    let name = access_point_name(&uri);
    let policy = points.policy(&name).await.expect("read").expect("policy");
    let arn = format!("arn:aws:s3:{}:{account}:accesspoint/{name}", crate::support::REGION);
    assert_eq!(policy["Statement"][0]["Resource"], serde_json::json!([format!("{arn}/object/*")]));
    assert_eq!(policy["Statement"][1].get("Condition"), None::<&Value>, "every prefix is listed");

    // Revoking the bucket leaves the folders, as before.
    revoke(&core, &db, &bob, &uri, std::slice::from_ref(&item.share_item_uri)).await;
    assert_eq!(
        access_point_grants(&owner, &account, &uri).await,
        (
            objects(&account, &uri, &FOLDERS),
            vec!["curated/eu/".into(), "curated/eu/*".into(), "raw/".into(), "raw/*".into()]
        )
    );
    let states = item_states(&core, &bob, &uri).await;
    let bucket_state = states.iter().find(|(n, _, _)| *n == item.item_name).map(|(_, s, _)| s.as_str());
    assert_eq!(bucket_state, Some("Revoke_Succeeded"), "{states:?}");
    running.stop().await;
}

on_both_backends!(the_whole_bucket_is_shared_through_the_access_point_until_revoked);
