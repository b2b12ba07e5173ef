//! The import check against moto: what the pivot role finds in the account, and what it does
//! not. moto never refuses a read, so refusals are tested at the storage level (datasets.rs).

use sluice_cloud::{
    PivotLinker,
    sdk::{glue, iam, kms, s3},
};
use sluice_core::environments::{AwsResource, ResourceProbe};

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
