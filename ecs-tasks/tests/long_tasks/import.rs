//! Importing against moto: the pivot role finds the account's bucket, Glue database and KMS
//! alias (or says which are missing), and the imported dataset's tables sync like any other's.
//! A bucket encrypted with SSE-S3 is imported with an empty key alias, as data.all takes it.

use sluice_cloud::sdk;
use sluice_core::{
    datasets::{ImportedResources, NewDataset},
    on_both_backends,
    page::PageRequest,
    tasks::{TaskFilter, TaskStatus},
    testkit::{Backend, TestDb},
};

use crate::{
    share_support::{SharedDataset, page as first_page},
    support::{
        PIVOT, REGION, Running, deploy_pivot_role, link, linking_core, owner_session, random_account,
        wait_for,
    },
};

/// What an account owner has before importing: a bucket `bucket` in the region and a KMS key
/// aliased `alias/<alias>`, opened to Sluice's pivot role by its tag (docs/PIVOT_ROLE.md).
pub(crate) async fn owners_bucket_and_key(owner: &sdk::aws_config::SdkConfig, bucket: &str, alias: &str) {
    let in_region = sdk::s3::types::CreateBucketConfiguration::builder()
        .location_constraint(sdk::s3::types::BucketLocationConstraint::from(REGION))
        .build();
    sdk::s3::Client::new(owner)
        .create_bucket()
        .bucket(bucket)
        .create_bucket_configuration(in_region)
        .send()
        .await
        .expect("bucket");
    let kms = sdk::kms::Client::new(owner);
    let key = kms.create_key().send().await.expect("key");
    let key_id = key.key_metadata().expect("metadata").key_id().to_owned();
    kms.create_alias()
        .alias_name(format!("alias/{alias}"))
        .target_key_id(&key_id)
        .send()
        .await
        .expect("alias");
    let opened =
        sdk::kms::types::Tag::builder().tag_key("sluice:pivot-role").tag_value(PIVOT).build().expect("tag");
    kms.tag_resource().key_id(&key_id).tags(opened).send().await.expect("tagged");
}

async fn an_existing_bucket_and_database_are_imported_and_their_tables_synced(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(&db).await;
    let env = link(&core, &alice, &org_uri, &account, "Legacy").await;

    let owner = owner_session(&account).await;
    let bucket = format!("legacy-{account}");
    let database = format!("legacy_{account}");
    owners_bucket_and_key(&owner, &bucket, "legacy").await;
    let input = sdk::glue::types::DatabaseInput::builder().name(&database).build().expect("input");
    let glue = sdk::glue::Client::new(&owner);
    glue.create_database().database_input(input).send().await.expect("database");

    let new = || NewDataset {
        label: "Legacy".into(),
        environment_uri: env.environment_uri.clone(),
        saml_admin_group_name: "TeamA".into(),
        ..Default::default()
    };
    let existing = |bucket: &str| ImportedResources {
        bucket_name: bucket.into(),
        glue_database_name: database.clone(),
        kms_alias: Some("legacy".into()),
        admin_role_name: None,
    };
    let missing = core
        .datasets()
        .import(&alice, new(), existing("nobody-has-this-bucket"))
        .await
        .expect_err("no bucket");
    assert_eq!(missing.code(), "BAD_USER_INPUT");
    assert!(missing.to_string().contains("S3 bucket nobody-has-this-bucket"), "{missing}");
    assert!(!missing.to_string().contains("Glue database"), "the database exists: {missing}");

    let running = Running::start(&db).await;
    let dataset = core.datasets().import(&alice, new(), existing(&bucket)).await.expect("imported");
    assert!(dataset.imported);
    // The bucket is registered with Lake Formation through the admin team's role, as a created
    // dataset's is by its deploy.
    let page = PageRequest::new(Some(1), Some(10)).expect("page");
    let filter = TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None };
    let tasks = core.tasks().list(&alice, &filter, page).await.expect("tasks");
    let register = tasks.nodes.iter().find(|t| t.action == "dataset.register-location").expect("queued");
    assert_eq!(wait_for(&db, &register.task_uri).await.status, TaskStatus::Succeeded);
    let described = sdk::lakeformation::Client::new(&owner)
        .describe_resource()
        .resource_arn(format!("arn:aws:s3:::{bucket}"))
        .send()
        .await
        .expect("registered");
    let role = described.resource_info().and_then(|r| r.role_arn()).expect("a role");
    let admin_role = &dataset.restricted().expect("the admin team's view").admin_role_name;
    assert_eq!(role, format!("arn:aws:iam::{account}:role/{admin_role}"));

    let table = sdk::glue::types::TableInput::builder()
        .name("invoices")
        .storage_descriptor(
            sdk::glue::types::StorageDescriptor::builder()
                .columns(
                    sdk::glue::types::Column::builder().name("id").r#type("bigint").build().expect("column"),
                )
                .location(format!("s3://{bucket}/invoices/"))
                .build(),
        )
        .build()
        .expect("table");
    glue.create_table().database_name(&database).table_input(table).send().await.expect("table");
    let queued = core.datasets().queue_sync(&alice, &dataset.dataset_uri).await.expect("queued");
    assert_eq!(wait_for(&db, &queued.task_uri).await.status, TaskStatus::Succeeded);
    running.stop().await;
    let tables =
        core.datasets().list_tables(&alice, Some(&dataset.dataset_uri), None, page).await.expect("tables");
    let names: Vec<(&str, Option<&str>)> = tables
        .nodes
        .iter()
        .map(|t| (t.name.as_str(), t.details(&dataset).expect("details").location))
        .collect();
    assert_eq!(names, [("invoices", Some(format!("s3://{bucket}/invoices/").as_str()))]);
}

/// data.all creates the Glue database of an import that names none; so does the registration
/// task, through the pivot role, located at the bucket.
async fn an_import_without_a_glue_database_gets_one(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(&db).await;
    let env = link(&core, &alice, &org_uri, &account, "Fresh").await;
    let owner = owner_session(&account).await;
    let bucket = format!("fresh-{account}");
    owners_bucket_and_key(&owner, &bucket, "fresh").await;

    let running = Running::start(&db).await;
    let new = NewDataset {
        label: "Fresh".into(),
        environment_uri: env.environment_uri.clone(),
        saml_admin_group_name: "TeamA".into(),
        ..Default::default()
    };
    let resources = ImportedResources {
        bucket_name: bucket.clone(),
        glue_database_name: String::new(),
        kms_alias: Some("fresh".into()),
        admin_role_name: None,
    };
    let dataset = core.datasets().import(&alice, new, resources).await.expect("imported");
    let database = dataset.restricted().expect("the admin team's view").glue_database_name.clone();
    assert!(!database.is_empty(), "a name is chosen");
    let glue = sdk::glue::Client::new(&owner);
    let page = PageRequest::new(Some(1), Some(10)).expect("page");
    let filter = TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None };
    let tasks = core.tasks().list(&alice, &filter, page).await.expect("tasks");
    let register = tasks.nodes.iter().find(|t| t.action == "dataset.register-location").expect("queued");
    let done = wait_for(&db, &register.task_uri).await;
    running.stop().await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let response = done.response.expect("a response");
    assert_eq!(
        (response["glueDatabase"].as_str(), response["glueDatabaseCreated"].as_bool()),
        (Some(database.as_str()), Some(true))
    );
    let found = glue.get_database().name(&database).send().await.expect("the database exists");
    let location = found.database().and_then(|d| d.location_uri()).expect("a location");
    assert_eq!(location, format!("s3://{bucket}/"));
}

/// A bucket in the region whose default encryption is SSE-S3 (S3's own keys), with no KMS key
/// anywhere near it.
async fn owners_sse_s3_bucket(owner: &sdk::aws_config::SdkConfig, bucket: &str) {
    let in_region = sdk::s3::types::CreateBucketConfiguration::builder()
        .location_constraint(sdk::s3::types::BucketLocationConstraint::from(REGION))
        .build();
    let s3 = sdk::s3::Client::new(owner);
    s3.create_bucket().bucket(bucket).create_bucket_configuration(in_region).send().await.expect("bucket");
    let aes256 = sdk::s3::types::ServerSideEncryptionByDefault::builder()
        .sse_algorithm(sdk::s3::types::ServerSideEncryption::Aes256)
        .build()
        .expect("SSE-S3");
    let rule = sdk::s3::types::ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(aes256)
        .build();
    let configuration = sdk::s3::types::ServerSideEncryptionConfiguration::builder()
        .rules(rule)
        .build()
        .expect("configuration");
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(configuration)
        .send()
        .await
        .expect("SSE-S3 by default");
}

/// The algorithm of the bucket's default encryption, as S3 reports it.
pub(crate) async fn default_encryption(owner: &sdk::aws_config::SdkConfig, bucket: &str) -> String {
    let shown =
        sdk::s3::Client::new(owner).get_bucket_encryption().bucket(bucket).send().await.expect("encryption");
    let rules = shown.server_side_encryption_configuration().map(|c| c.rules()).unwrap_or_default();
    let by_default =
        rules.first().and_then(|r| r.apply_server_side_encryption_by_default()).expect("a default");
    by_default.sse_algorithm().as_str().to_owned()
}

/// TeamA's dataset imported, with `KmsKeyAlias: ""`, from an SSE-S3 bucket and a Glue database
/// holding `tables` in a linked account, its location registered and its tables synced; the
/// pipeline keeps running until [`Running::stop`].
pub(crate) async fn imported_sse_s3_dataset(db: &TestDb, tables: &[&str]) -> SharedDataset {
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(db).await;
    let env = link(&core, &alice, &org_uri, &account, "Plain").await;
    let owner = owner_session(&account).await;
    let bucket = format!("plain-{account}");
    let database = format!("plain_{account}");
    owners_sse_s3_bucket(&owner, &bucket).await;
    let glue = sdk::glue::Client::new(&owner);
    let input = sdk::glue::types::DatabaseInput::builder().name(&database).build().expect("input");
    glue.create_database().database_input(input).send().await.expect("database");
    for name in tables {
        let column = sdk::glue::types::Column::builder().name("id").r#type("bigint").build().expect("column");
        let descriptor = sdk::glue::types::StorageDescriptor::builder()
            .columns(column)
            .location(format!("s3://{bucket}/{name}/"));
        let input = sdk::glue::types::TableInput::builder()
            .name(*name)
            .storage_descriptor(descriptor.build())
            .build();
        glue.create_table()
            .database_name(&database)
            .table_input(input.expect("table"))
            .send()
            .await
            .expect("table");
    }

    let running = Running::start(db).await;
    let new = NewDataset {
        label: "Plain".into(),
        environment_uri: env.environment_uri.clone(),
        saml_admin_group_name: "TeamA".into(),
        ..Default::default()
    };
    let resources = ImportedResources {
        bucket_name: bucket.clone(),
        glue_database_name: database,
        kms_alias: Some(String::new()),
        admin_role_name: None,
    };
    let dataset = core.datasets().import(&alice, new, resources).await.expect("an SSE-S3 bucket is imported");
    let filter = TaskFilter { target_uri: Some(dataset.dataset_uri.clone()), status: None };
    let tasks = core.tasks().list(&alice, &filter, first_page()).await.expect("tasks");
    let register = tasks.nodes.iter().find(|t| t.action == "dataset.register-location").expect("queued");
    let registered = wait_for(db, &register.task_uri).await;
    assert_eq!(registered.status, TaskStatus::Succeeded, "{:?}", registered.last_error);
    let sync = core.datasets().queue_sync(&alice, &dataset.dataset_uri).await.expect("sync");
    assert_eq!(wait_for(db, &sync.task_uri).await.status, TaskStatus::Succeeded);
    let mut synced = core
        .datasets()
        .list_tables(&alice, Some(&dataset.dataset_uri), None, first_page())
        .await
        .expect("tables")
        .nodes;
    synced.sort_by_key(|t| tables.iter().position(|n| *n == t.name));
    SharedDataset { core, alice, account, dataset, running, owner, tables: synced }
}

/// data.all takes `KmsKeyAlias: ""` for a bucket encrypted with SSE-S3; so does Sluice, and
/// the dataset becomes ready (its location registered, its tables synced) with no key at all.
async fn an_sse_s3_bucket_is_imported_with_an_empty_key_alias(backend: Backend) {
    let db = TestDb::new(backend).await;
    let SharedDataset { core, alice, account, dataset, running, owner, tables } =
        imported_sse_s3_dataset(&db, &["invoices"]).await;
    running.stop().await;
    let place = dataset.restricted().expect("the admin team's view");
    assert_eq!(place.kms_alias, None, "stored as SSE-S3");
    assert_eq!(default_encryption(&owner, &place.bucket_name).await, "AES256", "the bucket is SSE-S3");
    let read = core.datasets().get(&alice, &dataset.dataset_uri).await.expect("read");
    assert_eq!(read.restricted().expect("the admin team's view").kms_alias, None);
    let described = sdk::lakeformation::Client::new(&owner)
        .describe_resource()
        .resource_arn(format!("arn:aws:s3:::{}", place.bucket_name))
        .send()
        .await
        .expect("registered");
    let role = described.resource_info().and_then(|r| r.role_arn()).expect("a role");
    assert_eq!(role, format!("arn:aws:iam::{account}:role/{}", place.admin_role_name));
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["invoices"]);
}

on_both_backends!(
    an_existing_bucket_and_database_are_imported_and_their_tables_synced,
    an_import_without_a_glue_database_gets_one,
    an_sse_s3_bucket_is_imported_with_an_empty_key_alias,
);
