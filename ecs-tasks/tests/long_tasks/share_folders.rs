//! Sharing folders end to end against moto, in one account and across two: the share's bucket
//! policy statements, KMS grant and (across accounts) role policy hold exactly the folders the
//! share keeps; drift is seen by verify and repaired by reapply; revoking takes each folder out
//! and the last revoke removes everything.
//!
//! moto facts this leans on: bucket policies, KMS grants and inline role policies are stored
//! and read back as sent, but never evaluated (no request is authorized against them), and
//! CreateGrant of an existing name adds a second grant instead of returning the first, which is
//! why processing lists a key's grants before it grants. DescribeKey of a key CloudFormation
//! made answers 500, so keys are found by ListAliases.

use serde_json::Value;
use sluice_cloud::{Access, sdk};
use sluice_core::{
    Actor, Core,
    datasets::{DatasetView, NewFolder},
    on_both_backends,
    shares::{NewShare, Share, folders::role_name},
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{SharedDataset, deployed_dataset_with_tables, item_states, newest},
    support::{deploy_pivot_role, link, owner_session, random_account},
};

const FOLDERS: [&str; 2] = ["raw", "curated/eu"];

/// TeamB asks, in `environment_uri`, for the dataset's table and two new folders.
async fn teamb_requests_table_and_folders(
    fixture: &SharedDataset,
    environment_uri: &str,
) -> (Actor, Share, Vec<String>) {
    let (core, alice, dataset) = (&fixture.core, &fixture.alice, &fixture.dataset);
    let mut folder_uris = vec![];
    for prefix in FOLDERS {
        let input = NewFolder {
            label: prefix.replace('/', "-"),
            prefix: prefix.into(),
            description: None,
            tags: None,
            terms: vec![],
        };
        let folder = core.datasets().create_folder(alice, &dataset.dataset_uri, input).await.expect("folder");
        folder_uris.push(folder.location_uri);
    }
    core.environments()
        .invite_group(alice, environment_uri, "TeamB", &["CREATE_SHARE_OBJECT".into()], None)
        .await
        .expect("TeamB");
    let bob = sluice_core::testkit::user("bob", &["TeamB"]);
    core.admit(&bob).await.expect("admit");
    let request = NewShare {
        environment_uri: environment_uri.to_owned(),
        group_uri: "TeamB".into(),
        principal_id: "TeamB".into(),
        principal_type: "Group".into(),
        request_purpose: Some("raw files".into()),
        permissions: vec![],
        ..Default::default()
    };
    let shares = core.shares();
    let share = shares.create(&bob, &dataset.dataset_uri, None, request).await.expect("share");
    shares.add_item(&bob, &share.share_uri, &fixture.tables[0].table_uri, "Table").await.expect("table");
    for uri in &folder_uris {
        shares.add_item(&bob, &share.share_uri, uri, "StorageLocation").await.expect("folder");
    }
    let share = shares.submit(&bob, &share.share_uri).await.expect("submitted");
    (bob, share, folder_uris)
}

/// What the bucket policy's statements for the share grant: the object resources and the
/// listed prefixes, sorted; empty when the share has no statements.
async fn bucket_grants(
    owner: &sdk::aws_config::SdkConfig,
    dataset: &DatasetView,
    share_uri: &str,
) -> (Vec<String>, Vec<String>) {
    let statements = Access::new(owner).bucket_statements(&place(dataset).bucket_name).await.expect("policy");
    let strings = |v: &Value| -> Vec<String> {
        let mut out: Vec<String> = match v {
            Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
            Value::String(s) => vec![s.clone()],
            _ => vec![],
        };
        out.sort();
        out
    };
    let find =
        |suffix: &str| statements.iter().find(|s| s["Sid"] == format!("SluiceShare{share_uri}{suffix}"));
    let objects = find("Objects").map(|s| strings(&s["Resource"])).unwrap_or_default();
    let listed =
        find("List").map(|s| strings(&s["Condition"]["StringLike"]["s3:prefix"])).unwrap_or_default();
    (objects, listed)
}

/// The grantees of the key grants named for the share on the dataset's key.
async fn key_grantees(
    owner: &sdk::aws_config::SdkConfig,
    account: &str,
    dataset: &DatasetView,
    share_uri: &str,
) -> Vec<String> {
    let access = Access::new(owner);
    let key = access
        .key_arn(&place(dataset).kms_alias, account, crate::support::REGION)
        .await
        .expect("alias")
        .expect("key");
    let grants = access.key_grants(&key, &format!("sluice-share-{share_uri}")).await.expect("grants");
    grants.into_iter().map(|(_, g)| g.grantee).collect()
}

fn objects(bucket: &str, prefixes: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = prefixes.iter().map(|p| format!("arn:aws:s3:::{bucket}/{p}/*")).collect();
    out.sort();
    out
}

async fn approve_and_process(core: &Core, db: &TestDb, alice: &Actor, share_uri: &str) {
    core.shares().approve(alice, share_uri).await.expect("approved");
    let processed = newest(core, db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");
}

async fn revoke(core: &Core, db: &TestDb, actor: &Actor, share_uri: &str, items: &[String]) {
    core.shares().revoke(actor, share_uri, items).await.expect("revoking");
    let revoked = newest(core, db, "share.revoke").await;
    assert_eq!(revoked.status, TaskStatus::Succeeded, "{revoked:?}");
}

async fn folders_are_shared_in_one_account_and_revoked_one_by_one(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers"]).await;
    let env = fixture.dataset.environment_uri.clone();
    let (bob, share, folder_uris) = teamb_requests_table_and_folders(&fixture, &env).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let shares = core.shares();
    let uri = share.share_uri.clone();

    // The plan shows each folder's access before approval.
    let plan = shares.plan(&alice, &uri).await.expect("plan");
    let mut planned: Vec<(String, Vec<String>)> = plan
        .items
        .iter()
        .filter_map(|i| i.folder.as_ref().map(|f| (i.item.clone(), f.prefixes.clone())))
        .collect();
    planned.sort();
    assert_eq!(
        planned,
        [
            ("curated/eu".to_owned(), vec!["curated/eu".to_owned()]),
            ("raw".to_owned(), vec!["raw".to_owned()])
        ]
    );

    approve_and_process(&core, &db, &alice, &uri).await;
    let healthy = |name: &str| (name.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    let mut states = item_states(&core, &bob, &uri).await;
    states.sort();
    assert_eq!(states, [healthy("curated/eu"), healthy("customers"), healthy("raw")]);
    let role = shares.get(&bob, &uri).await.expect("share").principal_role_arn;
    let bucket = place(&dataset).bucket_name.clone();
    assert_eq!(
        bucket_grants(&owner, &dataset, &uri).await,
        (
            objects(&bucket, &FOLDERS),
            vec!["curated/eu/".into(), "curated/eu/*".into(), "raw/".into(), "raw/*".into()]
        )
    );
    assert_eq!(key_grantees(&owner, &account, &dataset, &uri).await, std::slice::from_ref(&role));

    // Drift: the bucket policy is deleted behind Sluice's back.
    sdk::s3::Client::new(&owner).delete_bucket_policy().bucket(&bucket).send().await.expect("drift");
    shares.verify(&bob, &uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let states = item_states(&core, &bob, &uri).await;
    let unhealthy: Vec<&str> = states
        .iter()
        .filter(|(_, _, h)| h.as_deref() == Some("Unhealthy"))
        .map(|(n, _, _)| n.as_str())
        .collect();
    assert_eq!(unhealthy.len(), 2, "both folders, not the table: {states:?}");
    assert!(unhealthy.contains(&"raw") && unhealthy.contains(&"curated/eu"));
    shares.reapply(&alice, &uri, &[]).await.expect("reapply queued");
    assert_eq!(newest(&core, &db, "share.reapply").await.status, TaskStatus::Succeeded);
    assert!(item_states(&core, &bob, &uri).await.iter().all(|(_, _, h)| h.as_deref() == Some("Healthy")));
    assert_eq!(bucket_grants(&owner, &dataset, &uri).await.0, objects(&bucket, &FOLDERS));

    // Revoke one folder: only the other stays, and so does the key grant.
    revoke(&core, &db, &bob, &uri, &[folder_uris[0].clone()]).await;
    assert_eq!(
        bucket_grants(&owner, &dataset, &uri).await,
        (objects(&bucket, &["curated/eu"]), vec!["curated/eu/".into(), "curated/eu/*".into()])
    );
    assert_eq!(key_grantees(&owner, &account, &dataset, &uri).await, std::slice::from_ref(&role));

    // Revoke the other: the statements and the key grant go; the table stays shared.
    revoke(&core, &db, &alice, &uri, &[folder_uris[1].clone()]).await;
    assert_eq!(bucket_grants(&owner, &dataset, &uri).await, (vec![], vec![]));
    assert!(key_grantees(&owner, &account, &dataset, &uri).await.is_empty());
    let mut states = item_states(&core, &bob, &uri).await;
    states.sort();
    let revoked = |name: &str| (name.to_owned(), "Revoke_Succeeded".to_owned());
    let short: Vec<(String, String)> = states.into_iter().map(|(n, s, _)| (n, s)).collect();
    assert_eq!(
        short,
        [revoked("curated/eu"), ("customers".into(), "Share_Succeeded".into()), revoked("raw")]
    );
    running.stop().await;
}

on_both_backends!(folders_are_shared_in_one_account_and_revoked_one_by_one);

async fn a_folder_shared_to_another_account_gets_a_role_policy_there_until_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers"]).await;
    let consumer = random_account();
    deploy_pivot_role(&consumer).await;
    let source_env =
        fixture.core.environments().get(&fixture.alice, &fixture.dataset.environment_uri).await.expect("env");
    let target_env =
        link(&fixture.core, &fixture.alice, &source_env.organization_uri, &consumer, "Consumer").await;
    let (bob, share, folder_uris) =
        teamb_requests_table_and_folders(&fixture, &target_env.environment_uri).await;
    let SharedDataset { core, alice, dataset, running, owner, .. } = fixture;
    let uri = share.share_uri.clone();
    let role = core.shares().get(&bob, &uri).await.expect("share").principal_role_arn;
    // The environment stack makes TeamB's role; here the consumer account's owner does.
    let consumer_session = owner_session(&consumer).await;
    let iam = sdk::iam::Client::new(&consumer_session);
    let name = role_name(&role).expect("a role ARN").to_owned();
    // The environment stack's deploy may have made it first (moto's CloudFormation creates
    // the team roles too); either way it exists.
    if let Err(e) = iam.create_role().role_name(&name).assume_role_policy_document("{}").send().await {
        use sdk::iam::error::ProvideErrorMetadata;
        assert_eq!(e.code(), Some("EntityAlreadyExists"), "TeamB's role: {e:?}");
    }

    approve_and_process(&core, &db, &alice, &uri).await;
    assert!(item_states(&core, &bob, &uri).await.iter().all(|(_, s, _)| s == "Share_Succeeded"));
    let bucket = place(&dataset).bucket_name.clone();
    assert_eq!(bucket_grants(&owner, &dataset, &uri).await.0, objects(&bucket, &FOLDERS));
    let consumer_access = Access::new(&consumer_session);
    let policy_name = format!("sluice-share-{uri}");
    let policy =
        consumer_access.role_policy(&name, &policy_name).await.expect("read").expect("the role policy");
    let text = policy.to_string();
    for resource in objects(&bucket, &FOLDERS) {
        assert!(text.contains(&resource), "{resource} in {text}");
    }
    assert!(text.contains("kms:Decrypt") && text.contains(":key/"), "the dataset key: {text}");

    revoke(&core, &db, &bob, &uri, &folder_uris).await;
    assert_eq!(bucket_grants(&owner, &dataset, &uri).await, (vec![], vec![]));
    assert_eq!(consumer_access.role_policy(&name, &policy_name).await.expect("read"), None);
    running.stop().await;
}

on_both_backends!(a_folder_shared_to_another_account_gets_a_role_policy_there_until_revoked);

/// Where the dataset lives, as its admin team sees it.
fn place(dataset: &DatasetView) -> &sluice_core::datasets::DatasetRestricted {
    dataset.restricted().expect("the admin team's view")
}
