//! The account-resources port against moto: what the pivot role finds for an import, and the
//! folder prefixes it puts. moto never refuses a read, so refusals are tested at the storage level.
//! moto ignores HeadBucket's `ExpectedBucketOwner`; the bucket's owner is also read from
//! ListBuckets, which moto answers per account, so another account's bucket is caught here too.

use sluice_cloud::{
    PivotLinker,
    sdk::{cloudformation, glue, iam, kms, s3},
    templates::PIVOT_ROLE_TAG,
};
use sluice_core::environments::{AccountResources, AwsResource, ImportProblem, LinkError};

use crate::{accounts::account_config, config, stacks::pivot_session, unique};

/// A KMS key with `alias`, tagged for the pivot role `opened_to` when given.
async fn key(kms: &kms::Client, alias: &str, opened_to: Option<&str>) {
    let key = kms.create_key().send().await.expect("key");
    let key_id = key.key_metadata().expect("metadata").key_id().to_owned();
    kms.create_alias().alias_name(alias).target_key_id(&key_id).send().await.expect("alias");
    if let Some(role) = opened_to {
        let tag = kms::types::Tag::builder().tag_key(PIVOT_ROLE_TAG).tag_value(role).build().expect("tag");
        kms.tag_resource().key_id(&key_id).tags(tag).send().await.expect("tagged");
    }
}

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
    key(&kms, &alias, Some(&pivot.role_name)).await;
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
    assert_eq!(probe.check(&pivot, &present).await.expect("probe"), vec![]);

    let absent = [
        AwsResource::Bucket(format!("{bucket}-gone")),
        AwsResource::GlueDatabase(format!("{database}_gone")),
        AwsResource::KmsAlias(format!("{alias}-gone")),
        AwsResource::Role(format!("{role}-gone")),
    ];
    let mixed: Vec<_> = present.iter().cloned().chain(absent.iter().cloned()).collect();
    let missing: Vec<_> = absent.iter().map(|r| (r.clone(), ImportProblem::Missing)).collect();
    assert_eq!(probe.check(&pivot, &mixed).await.expect("probe"), missing);
}

/// The hole this closes: a new organization's user imported another organization's bucket as a
/// dataset of their own. A bucket is importable only from the account that owns it, in the
/// environment's region, and a key only once its owner has opened it to the pivot role.
#[tokio::test]
async fn another_accounts_bucket_another_region_and_a_closed_key_are_refused() {
    let (pivot, session) = pivot_session().await;
    let foreign = unique("sluice-foreign");
    s3::Client::new(&account_config("444455556666").await)
        .create_bucket()
        .bucket(&foreign)
        .send()
        .await
        .expect("another account's bucket");
    let elsewhere = unique("sluice-elsewhere");
    let constraint = s3::types::CreateBucketConfiguration::builder()
        .location_constraint(s3::types::BucketLocationConstraint::EuWest1)
        .build();
    s3::Client::new(&session)
        .create_bucket()
        .bucket(&elsewhere)
        .create_bucket_configuration(constraint)
        .send()
        .await
        .expect("a bucket in another region");
    let closed = format!("alias/{}", unique("sluice-closed"));
    let kms = kms::Client::new(&session);
    key(&kms, &closed, None).await;
    let other_role = format!("alias/{}", unique("sluice-other-role"));
    key(&kms, &other_role, Some("someone-elses-pivot")).await;

    let wanted = [
        AwsResource::Bucket(foreign),
        AwsResource::Bucket(elsewhere),
        AwsResource::KmsAlias(closed),
        AwsResource::KmsAlias(other_role),
    ];
    let problems = PivotLinker::new(config().await).check(&pivot, &wanted).await.expect("probe");
    let found: Vec<_> = problems.into_iter().map(|(_, problem)| problem).collect();
    assert_eq!(
        found,
        [
            ImportProblem::InAnotherAccount,
            ImportProblem::InAnotherRegion("eu-west-1".into()),
            ImportProblem::KeyNotOpened,
            ImportProblem::KeyNotOpened,
        ]
    );
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

#[tokio::test]
async fn a_stacks_resources_are_listed_by_name_or_id_and_a_missing_stack_has_none() {
    let (pivot, session) = pivot_session().await;
    let name = unique("sluice-listed");
    let bucket = unique("sluice-listed-bucket");
    let template = serde_json::json!({"Resources": {
        "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}},
        "Team": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": name,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
        }},
    }});
    let cfn = cloudformation::Client::new(&session);
    let created = cfn
        .create_stack()
        .stack_name(&name)
        .template_body(template.to_string())
        .capabilities(cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .expect("stack");
    let probe = PivotLinker::new(config().await);

    let mut listed = probe.stack_resources(&pivot, &name).await.expect("listed").expect("the stack exists");
    listed.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
    let seen: Vec<(&str, Option<&str>, &str, &str)> = listed
        .iter()
        .map(|r| {
            (r.logical_id.as_str(), r.physical_id.as_deref(), r.resource_type.as_str(), r.status.as_str())
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Data", Some(bucket.as_str()), "AWS::S3::Bucket", "CREATE_COMPLETE"),
            ("Team", Some(name.as_str()), "AWS::IAM::Role", "CREATE_COMPLETE"),
        ]
    );
    let by_id = probe.stack_resources(&pivot, created.stack_id().expect("id")).await.expect("listed");
    assert_eq!(by_id.map(|r| r.len()), Some(2), "by id as by name");

    let missing = probe.stack_resources(&pivot, &format!("{name}-gone")).await;
    assert!(matches!(missing, Ok(None)), "{missing:?}");
}
