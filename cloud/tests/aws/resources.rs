//! The account-resources port against moto: what the pivot role finds for an import, and the
//! folder prefixes it puts. moto never refuses a read, so refusals are tested at the storage level.

use sluice_cloud::{
    PivotLinker,
    sdk::{glue, iam, kms, s3},
};
use sluice_core::environments::{AccountResources, AwsResource, LinkError};

use crate::{config, stacks::pivot_session, unique};

#[tokio::test]
async fn the_probe_reports_exactly_the_resources_the_account_lacks() {
    let (pivot, session) = pivot_session().await;
    let bucket = unique("sluice-probe");
    let database = unique("sluice_probe").replace('-', "_");
    let alias = format!("alias/{}", unique("sluice-probe"));
    let role = unique("sluice-probe-admin");
    s3::Client::new(&session).create_bucket().bucket(&bucket).send().await.expect("bucket");
    let input = glue::types::DatabaseInput::builder().name(&database).build().expect("input");
    glue::Client::new(&session).create_database().database_input(input).send().await.expect("database");
    let kms = kms::Client::new(&session);
    let key = kms.create_key().send().await.expect("key");
    let key_id = key.key_metadata().expect("metadata").key_id().to_owned();
    kms.create_alias().alias_name(&alias).target_key_id(key_id).send().await.expect("alias");
    iam::Client::new(&session)
        .create_role()
        .role_name(&role)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .expect("role");

    let probe = PivotLinker::new(config().await);
    let present = [
        AwsResource::Bucket(bucket.clone()),
        AwsResource::GlueDatabase(database.clone()),
        AwsResource::KmsAlias(alias.clone()),
        AwsResource::Role(role.clone()),
    ];
    assert_eq!(probe.missing(&pivot, &present).await.expect("probe"), vec![]);

    let absent = [
        AwsResource::Bucket(format!("{bucket}-gone")),
        AwsResource::GlueDatabase(format!("{database}_gone")),
        AwsResource::KmsAlias(format!("{alias}-gone")),
        AwsResource::Role(format!("{role}-gone")),
    ];
    let mixed: Vec<_> = present.iter().cloned().chain(absent.iter().cloned()).collect();
    assert_eq!(probe.missing(&pivot, &mixed).await.expect("probe"), absent.to_vec());
}

#[tokio::test]
async fn folders_are_put_in_the_bucket_and_a_missing_bucket_says_to_wait() {
    let (pivot, session) = pivot_session().await;
    let bucket = unique("sluice-folders");
    let s3 = s3::Client::new(&session);
    s3.create_bucket().bucket(&bucket).send().await.expect("bucket");
    let resources = PivotLinker::new(config().await);
    resources.create_prefix(&pivot, &bucket, "raw/orders").await.expect("created");
    resources.create_prefix(&pivot, &bucket, "raw/orders").await.expect("again, harmlessly");
    let listed = s3.list_objects_v2().bucket(&bucket).send().await.expect("list");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["raw/orders/"]);

    let err = resources.create_prefix(&pivot, &format!("{bucket}-gone"), "raw").await.expect_err("no bucket");
    assert!(
        matches!(&err, LinkError::Refused(m) if m.contains("does not exist (yet)")),
        "a bucket still to be deployed is the user's to wait for: {err:?}"
    );
}
