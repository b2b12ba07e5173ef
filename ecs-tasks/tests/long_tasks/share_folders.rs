//! Sharing folders end to end against moto, in one account and across two: the share's access
//! point policy, KMS grant and (across accounts) role policy hold exactly the folders the share
//! keeps, and the bucket policy delegates to access points; drift is seen by verify and repaired
//! by reapply; revoking takes each folder out and the last revoke removes the access point. An
//! SSE-S3 import's folders are shared with no key grant and no KMS statement.
//!
//! moto facts this leans on: S3 Control stores access points and their policies, bucket
//! policies, KMS grants and inline role policies, and reads them back as sent, but evaluates
//! none of them (no request is authorized against them, nor read through an access point), and
//! CreateGrant of an existing name adds a second grant instead of returning the first, which is
//! why processing lists a key's grants before it grants. DescribeKey of a key CloudFormation
//! made answers 500, so keys are found by ListAliases.

use serde_json::Value;
use sluice_cloud::{Access, AccessPoints, sdk};
use sluice_core::{
    Actor, Core,
    access::{AwsAgreement, ReaderVia, TargetType},
    datasets::{DatasetView, NewFolder},
    on_both_backends,
    shares::{
        NewShare, Share,
        folders::{DELEGATION_SID, access_point_name, role_name},
    },
    tasks::TaskStatus,
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{SharedDataset, deployed_dataset_with_tables, item_states, newest},
    support::{deploy_pivot_role, link, owner_session, random_account},
};

pub(crate) const FOLDERS: [&str; 2] = ["raw", "curated/eu"];

/// TeamB asks, in `environment_uri`, for the dataset's table and two new folders.
pub(crate) async fn teamb_requests_table_and_folders(
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
    sluice_core::testkit::invite_to_environment(
        core,
        alice,
        environment_uri,
        "TeamB",
        &["CREATE_SHARE_OBJECT".into()],
    )
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

/// What the share's access point policy grants: the object resources and the listed prefixes,
/// sorted; empty when the access point is gone.
pub(crate) async fn access_point_grants(
    owner: &sdk::aws_config::SdkConfig,
    account: &str,
    share_uri: &str,
) -> (Vec<String>, Vec<String>) {
    let points = AccessPoints::new(owner, account);
    let name = access_point_name(share_uri);
    let Some(shown) = points.get(&name).await.expect("access point") else { return (vec![], vec![]) };
    assert_eq!(shown.name, name);
    let policy = points.policy(&name).await.expect("policy").expect("the access point's policy");
    let statements = policy["Statement"].as_array().cloned().unwrap_or_default();
    let find = |sid: &str| statements.iter().find(|s| s["Sid"] == sid);
    let objects = find("SluiceShareObjects").map(|s| strings(&s["Resource"])).unwrap_or_default();
    let listed = find("SluiceShareList")
        .map(|s| strings(&s["Condition"]["StringLike"]["s3:prefix"]))
        .unwrap_or_default();
    (objects, listed)
}

fn strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = match v {
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        Value::String(s) => vec![s.clone()],
        _ => vec![],
    };
    out.sort();
    out
}

/// The Sids of the bucket policy's statements, sorted.
pub(crate) async fn bucket_sids(owner: &sdk::aws_config::SdkConfig, dataset: &DatasetView) -> Vec<String> {
    let statements = Access::new(owner).bucket_statements(&place(dataset).bucket_name).await.expect("policy");
    let mut sids: Vec<String> =
        statements.iter().filter_map(|s| s["Sid"].as_str().map(str::to_owned)).collect();
    sids.sort();
    sids
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
        .key_arn(
            place(dataset).kms_alias.as_deref().expect("the dataset's key"),
            account,
            crate::support::REGION,
        )
        .await
        .expect("alias")
        .expect("key");
    let grants = access.key_grants(&key, &format!("sluice-share-{share_uri}")).await.expect("grants");
    grants.into_iter().map(|(_, g)| g.grantee).collect()
}

/// The access point's object resources for `prefixes`, sorted.
pub(crate) fn objects(account: &str, share_uri: &str, prefixes: &[&str]) -> Vec<String> {
    let arn = format!(
        "arn:aws:s3:{}:{account}:accesspoint/{}",
        crate::support::REGION,
        access_point_name(share_uri)
    );
    let mut out: Vec<String> = prefixes.iter().map(|p| format!("{arn}/object/{p}/*")).collect();
    out.sort();
    out
}

pub(crate) async fn approve_and_process(core: &Core, db: &TestDb, alice: &Actor, share_uri: &str) {
    core.shares().approve(alice, share_uri).await.expect("approved");
    let processed = newest(core, db, "share.process").await;
    assert_eq!(processed.status, TaskStatus::Succeeded, "{processed:?}");
}

pub(crate) async fn revoke(core: &Core, db: &TestDb, actor: &Actor, share_uri: &str, items: &[String]) {
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

    assert!(
        plan.items
            .iter()
            .filter_map(|i| i.folder.as_ref())
            .all(|f| f.access_point == access_point_name(&uri))
    );

    approve_and_process(&core, &db, &alice, &uri).await;
    let healthy = |name: &str| (name.to_owned(), "Share_Succeeded".to_owned(), Some("Healthy".to_owned()));
    let mut states = item_states(&core, &bob, &uri).await;
    states.sort();
    assert_eq!(states, [healthy("curated/eu"), healthy("customers"), healthy("raw")]);
    let role = shares.get(&bob, &uri).await.expect("share").principal_role_arn;
    let bucket = place(&dataset).bucket_name.clone();
    assert_eq!(
        access_point_grants(&owner, &account, &uri).await,
        (
            objects(&account, &uri, &FOLDERS),
            vec!["curated/eu/".into(), "curated/eu/*".into(), "raw/".into(), "raw/*".into()]
        )
    );
    let points = AccessPoints::new(&owner, &account);
    let name = access_point_name(&uri);
    assert_eq!(points.get(&name).await.expect("read").map(|p| p.bucket), Some(bucket.clone()));
    assert_eq!(bucket_sids(&owner, &dataset).await, [DELEGATION_SID], "only the delegation");
    assert_eq!(key_grantees(&owner, &account, &dataset, &uri).await, std::slice::from_ref(&role));
    // Who can read the folder: its owners, and the share, whose access AWS held when processed.
    let folder_readers = async || {
        let view = core.access().effective(&alice, &folder_uris[0], TargetType::Folder).await.expect("view");
        let shared: Vec<(AwsAgreement, String)> = view
            .readers
            .into_iter()
            .filter(|r| r.via == ReaderVia::Share)
            .map(|r| (r.aws, r.detail.unwrap_or_default()))
            .collect();
        assert_eq!(shared.len(), 1, "{shared:?}");
        shared.into_iter().next().expect("the share")
    };
    let (aws, detail) = folder_readers().await;
    assert_eq!(aws, AwsAgreement::Ok, "{detail}");

    // Drift: the access point is deleted behind Sluice's back.
    points.delete(&name).await.expect("drift");
    shares.verify(&bob, &uri, &[]).await.expect("verify queued");
    assert_eq!(newest(&core, &db, "share.verify").await.status, TaskStatus::Succeeded);
    let (aws, detail) = folder_readers().await;
    assert_eq!(aws, AwsAgreement::MissingInAws, "the effective-access view shows the drift: {detail}");
    assert!(detail.contains("re-apply the share"), "{detail}");
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
    assert_eq!(access_point_grants(&owner, &account, &uri).await.0, objects(&account, &uri, &FOLDERS));
    assert_eq!(folder_readers().await.0, AwsAgreement::Ok, "re-applied");

    // Revoke one folder: only the other stays, and so does the key grant.
    revoke(&core, &db, &bob, &uri, &[folder_uris[0].clone()]).await;
    assert_eq!(
        access_point_grants(&owner, &account, &uri).await,
        (objects(&account, &uri, &["curated/eu"]), vec!["curated/eu/".into(), "curated/eu/*".into()])
    );
    assert_eq!(key_grantees(&owner, &account, &dataset, &uri).await, std::slice::from_ref(&role));

    // Revoke the other: the access point and the key grant go; the table stays shared, and the
    // delegation stays for the bucket's other shares.
    revoke(&core, &db, &alice, &uri, &[folder_uris[1].clone()]).await;
    assert_eq!(points.get(&name).await.expect("read"), None);
    assert!(key_grantees(&owner, &account, &dataset, &uri).await.is_empty());
    assert_eq!(bucket_sids(&owner, &dataset).await, [DELEGATION_SID]);
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

/// What TeamB asked for from a second account, with that account's owner session and the name
/// of TeamB's role there.
struct ConsumerRequest {
    bob: Actor,
    share: Share,
    folder_uris: Vec<String>,
    consumer_session: sdk::aws_config::SdkConfig,
    name: String,
}

/// A second account, linked as TeamB's environment, from which TeamB asks for the table and two
/// folders. TeamB's role there exists: the environment stack's deploy may have made it (moto's
/// CloudFormation creates the team roles too), and otherwise the account's owner does.
async fn teamb_requests_from_another_account(fixture: &SharedDataset) -> ConsumerRequest {
    let consumer = random_account();
    deploy_pivot_role(&consumer).await;
    let source_env =
        fixture.core.environments().get(&fixture.alice, &fixture.dataset.environment_uri).await.expect("env");
    let target_env =
        link(&fixture.core, &fixture.alice, &source_env.organization_uri, &consumer, "Consumer").await;
    let (bob, share, folder_uris) =
        teamb_requests_table_and_folders(fixture, &target_env.environment_uri).await;
    let role = fixture.core.shares().get(&bob, &share.share_uri).await.expect("share").principal_role_arn;
    let consumer_session = owner_session(&consumer).await;
    let name = role_name(&role).expect("a role ARN").to_owned();
    let iam = sdk::iam::Client::new(&consumer_session);
    if let Err(e) = iam.create_role().role_name(&name).assume_role_policy_document("{}").send().await {
        use sdk::iam::error::ProvideErrorMetadata;
        assert_eq!(e.code(), Some("EntityAlreadyExists"), "TeamB's role: {e:?}");
    }
    ConsumerRequest { bob, share, folder_uris, consumer_session, name }
}

async fn a_folder_shared_to_another_account_gets_a_role_policy_there_until_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = deployed_dataset_with_tables(&db, &["customers"]).await;
    let ConsumerRequest { bob, share, folder_uris, consumer_session, name } =
        teamb_requests_from_another_account(&fixture).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let uri = share.share_uri.clone();

    approve_and_process(&core, &db, &alice, &uri).await;
    assert!(item_states(&core, &bob, &uri).await.iter().all(|(_, s, _)| s == "Share_Succeeded"));
    assert_eq!(access_point_grants(&owner, &account, &uri).await.0, objects(&account, &uri, &FOLDERS));
    let consumer_access = Access::new(&consumer_session);
    let policy_name = format!("sluice-share-{uri}");
    let policy =
        consumer_access.role_policy(&name, &policy_name).await.expect("read").expect("the role policy");
    let text = policy.to_string();
    let bucket = place(&dataset).bucket_name.clone();
    let through_bucket = FOLDERS.iter().map(|p| format!("arn:aws:s3:::{bucket}/{p}/*"));
    for resource in objects(&account, &uri, &FOLDERS).into_iter().chain(through_bucket) {
        assert!(text.contains(&resource), "{resource} in {text}");
    }
    assert!(text.contains("kms:Decrypt") && text.contains(":key/"), "the dataset key: {text}");

    revoke(&core, &db, &bob, &uri, &folder_uris).await;
    assert_eq!(access_point_grants(&owner, &account, &uri).await, (vec![], vec![]));
    assert_eq!(consumer_access.role_policy(&name, &policy_name).await.expect("read"), None);
    running.stop().await;
}

on_both_backends!(a_folder_shared_to_another_account_gets_a_role_policy_there_until_revoked);

/// An imported bucket encrypted with SSE-S3 has no key: sharing its folders to another account
/// grants on no key and puts no KMS statement in the consumer's role policy, and still succeeds.
async fn folders_of_an_sse_s3_import_are_shared_without_a_key_grant(backend: Backend) {
    let db = TestDb::new(backend).await;
    let fixture = crate::import::imported_sse_s3_dataset(&db, &["customers"]).await;
    assert_eq!(place(&fixture.dataset).kms_alias, None, "an SSE-S3 import");
    let ConsumerRequest { bob, share, folder_uris, consumer_session, name } =
        teamb_requests_from_another_account(&fixture).await;
    let SharedDataset { core, alice, account, dataset, running, owner, .. } = fixture;
    let uri = share.share_uri.clone();

    approve_and_process(&core, &db, &alice, &uri).await;
    let states = item_states(&core, &bob, &uri).await;
    assert!(states.iter().all(|(_, s, _)| s == "Share_Succeeded"), "{states:?}");
    assert_eq!(access_point_grants(&owner, &account, &uri).await.0, objects(&account, &uri, &FOLDERS));
    let policy_name = format!("sluice-share-{uri}");
    let consumer_access = Access::new(&consumer_session);
    let policy =
        consumer_access.role_policy(&name, &policy_name).await.expect("read").expect("the role policy");
    let text = policy.to_string();
    let bucket = place(&dataset).bucket_name.clone();
    assert!(text.contains(&format!("arn:aws:s3:::{bucket}/raw/*")), "the bucket's folders: {text}");
    assert!(!text.contains("kms:") && !text.contains("SharedKey"), "no key to use: {text}");
    // No key in the dataset's account carries a grant for the share (the environment stack's
    // own key is the only one there).
    let kms = sdk::kms::Client::new(&owner);
    let access = Access::new(&owner);
    let keys = kms.list_keys().send().await.expect("keys");
    for key in keys.keys() {
        let arn = key.key_arn().expect("an ARN");
        assert!(access.key_grants(arn, &policy_name).await.expect("grants").is_empty(), "a grant on {arn}");
    }

    revoke(&core, &db, &bob, &uri, &folder_uris).await;
    assert_eq!(access_point_grants(&owner, &account, &uri).await, (vec![], vec![]));
    assert_eq!(consumer_access.role_policy(&name, &policy_name).await.expect("read"), None);
    running.stop().await;
}

on_both_backends!(folders_of_an_sse_s3_import_are_shared_without_a_key_grant);

/// Where the dataset lives, as its admin team sees it.
pub(crate) fn place(dataset: &DatasetView) -> &sluice_core::datasets::DatasetRestricted {
    dataset.restricted().expect("the admin team's view")
}
