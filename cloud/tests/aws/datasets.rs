//! A dataset's AWS side against moto: its stack (key, bucket, admin role) deployed through the
//! pivot role's session, then what the deploy task makes next to it (the Glue database, the
//! Lake Formation location), what the table sync reads, and the checks an import makes.

use std::{collections::BTreeMap, time::Duration};

use sluice_cloud::{
    CatalogError, DatasetStackSpec, GlueCatalog, GlueColumn, LakeFormation, StackDeployer, Storage,
    StorageError, dataset_template, emulator_sdk_config,
    lake::bucket_arn,
    sdk::{glue, iam, s3},
    templates::{dataset, names::ResourceName},
};

use crate::{
    accounts::TARGET_ACCOUNT,
    fake_aws::FakeAws,
    stacks::{boundary_of, pivot_session},
    unique, unique_uri,
};

const PREFIX: &str = "sluice";

fn column(name: &str, type_: &str, comment: Option<&str>) -> glue::types::Column {
    glue::types::Column::builder()
        .name(name)
        .r#type(type_)
        .set_comment(comment.map(str::to_owned))
        .build()
        .unwrap()
}

/// A table as a producer's ETL job would make it, straight through Glue.
async fn create_table(glue: &glue::Client, database: &str, name: &str, location: &str) {
    let storage = glue::types::StorageDescriptor::builder()
        .columns(column("id", "bigint", Some("the order")))
        .columns(column("amount", "decimal(10,2)", None))
        .location(location)
        .build();
    let input = glue::types::TableInput::builder()
        .name(name)
        .description(format!("table {name}"))
        .table_type("EXTERNAL_TABLE")
        .storage_descriptor(storage)
        .partition_keys(column("day", "date", Some("partition")))
        .parameters("classification", "parquet")
        .build()
        .unwrap();
    glue.create_table().database_name(database).table_input(input).send().await.unwrap();
}

#[tokio::test]
async fn a_dataset_stack_is_deployed_and_its_database_location_and_folders_follow() {
    let (pivot, session) = pivot_session().await;
    let uri = unique_uri();
    let name = ResourceName::new(PREFIX, "Sales Orders", &uri);
    let spec = DatasetStackSpec {
        dataset_uri: uri.clone(),
        label: "Sales Orders".into(),
        account_id: TARGET_ACCOUNT.into(),
        region: pivot.region.clone(),
        pivot_role_arn: pivot.arn(),
        permissions_boundary_arn: None,
        admin_role_name: name.role(),
        bucket_name: name.bucket(None),
        kms_alias: Some(name.kms_alias()),
        glue_database_name: name.glue_database(),
    };
    let stack_name = name.stack();
    let deployer = StackDeployer::new(&session).with_poll_interval(Duration::from_millis(50));
    let tags = BTreeMap::from([("sluice:dataset".to_owned(), uri.clone())]);

    let created = deployer.deploy(&stack_name, &dataset_template(&spec), &tags, |_| {}).await.unwrap();
    assert_eq!(created.status, "CREATE_COMPLETE", "{created:?}");
    let outputs = &created.outputs;
    assert_eq!(outputs[dataset::BUCKET_OUTPUT], spec.bucket_name);
    assert!(
        outputs[dataset::KEY_ARN_OUTPUT].starts_with(&format!("arn:aws:kms:us-east-1:{TARGET_ACCOUNT}:key/"))
    );
    let key_alias = spec.key_alias().expect("a created dataset has a key");
    assert_eq!(outputs[dataset::KEY_ALIAS_OUTPUT], key_alias);
    let role_arn = &outputs[dataset::ADMIN_ROLE_ARN_OUTPUT];
    assert_eq!(role_arn, &format!("arn:aws:iam::{TARGET_ACCOUNT}:role/{}", spec.admin_role_name));
    assert_eq!(
        boundary_of(&iam::Client::new(&session), &spec.admin_role_name).await,
        Some(format!("arn:aws:iam::{TARGET_ACCOUNT}:policy/{}-boundary", pivot.role_name)),
        "the admin role is capped by the pivot role's boundary"
    );

    // The bucket and the key exist in the target account, as an import would check them.
    let storage = Storage::new(&session);
    assert!(storage.bucket_exists(&spec.bucket_name).await.unwrap());
    assert!(storage.kms_alias_exists(&key_alias).await.unwrap());
    assert!(
        storage.kms_alias_exists(key_alias.trim_start_matches("alias/")).await.unwrap(),
        "without alias/"
    );
    assert!(!storage.bucket_exists(&format!("sluice-missing-{}", unique_uri())).await.unwrap());
    assert!(!storage.kms_alias_exists(&format!("sluice-missing-{}", unique_uri())).await.unwrap());

    // The Glue database, made next to the stack: once, then found.
    let catalog = GlueCatalog::new(&session);
    let database = spec.glue_database_name.clone();
    let location = format!("s3://{}/", spec.bucket_name);
    assert!(!catalog.database_exists(&database).await.unwrap());
    assert!(catalog.ensure_database(&database, &location, "Sales Orders").await.unwrap(), "created");
    assert!(!catalog.ensure_database(&database, &location, "Sales Orders").await.unwrap(), "already there");
    assert!(catalog.database_exists(&database).await.unwrap());

    // The Lake Formation location, registered with the admin role: twice is fine.
    let lake = LakeFormation::new(&session);
    let bucket = bucket_arn("aws", &spec.bucket_name);
    assert!(lake.register_location(&bucket, role_arn).await.unwrap(), "registered");
    assert!(!lake.register_location(&bucket, role_arn).await.unwrap(), "already registered");

    // A folder is an empty object under its prefix.
    let key = storage.create_prefix(&spec.bucket_name, "raw/orders/").await.unwrap();
    assert_eq!(key, "raw/orders/");
    let head =
        s3::Client::new(&session).head_object().bucket(&spec.bucket_name).key(&key).send().await.unwrap();
    assert_eq!(head.content_length(), Some(0));
    let empty = storage.create_prefix(&spec.bucket_name, "/").await.expect_err("no empty prefix");
    assert!(matches!(empty, StorageError::Invalid { .. }), "{empty:?}");

    // Deleting: the location and the database go, and going again is fine.
    assert!(lake.deregister_location(&bucket).await.unwrap());
    assert!(!lake.deregister_location(&bucket).await.unwrap());
    assert!(catalog.delete_database(&database).await.unwrap());
    assert!(!catalog.delete_database(&database).await.unwrap());
    assert!(!catalog.database_exists(&database).await.unwrap());
    let deleted = deployer.delete(&stack_name).await.unwrap();
    assert_eq!(deleted.status, "DELETE_COMPLETE", "{deleted:?}");
    assert!(storage.bucket_exists(&spec.bucket_name).await.unwrap(), "the bucket is retained");
}

#[tokio::test]
async fn tables_are_read_back_in_pages_with_their_columns() {
    let (_, session) = pivot_session().await;
    let catalog = GlueCatalog::new(&session);
    let database = unique("sluice_tables").replace('-', "_");
    assert!(catalog.ensure_database(&database, "s3://sluice-tables/", "tables").await.unwrap());
    let glue = glue::Client::new(&session);
    for name in ["orders", "customers", "items"] {
        create_table(&glue, &database, name, &format!("s3://sluice-tables/{name}/")).await;
    }

    // moto ignores MaxResults and returns every table on the first page (the paging itself is
    // checked against a stand-in below); the loop is the sync's.
    let mut tables = Vec::new();
    let mut pages = 0;
    let mut token = None;
    loop {
        let (page, next) = catalog.tables(&database, token, 2).await.unwrap();
        pages += 1;
        tables.extend(page);
        token = next;
        if token.is_none() || pages > 10 {
            break;
        }
    }
    assert!(token.is_none(), "the listing ends");
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "items", "orders"]);

    let orders = &tables[2];
    assert_eq!(orders.description.as_deref(), Some("table orders"));
    assert_eq!(orders.location.as_deref(), Some("s3://sluice-tables/orders/"));
    assert_eq!(orders.table_type.as_deref(), Some("EXTERNAL_TABLE"));
    assert_eq!(
        orders.columns,
        [
            GlueColumn { name: "id".into(), type_: Some("bigint".into()), comment: Some("the order".into()) },
            GlueColumn { name: "amount".into(), type_: Some("decimal(10,2)".into()), comment: None },
        ]
    );
    assert_eq!(
        orders.partition_keys,
        [GlueColumn { name: "day".into(), type_: Some("date".into()), comment: Some("partition".into()) }]
    );
    assert_eq!(orders.parameters.get("classification").map(String::as_str), Some("parquet"));

    // Deleting the database takes its tables along.
    assert!(catalog.delete_database(&database).await.unwrap());
}

#[tokio::test]
async fn tables_pass_the_page_token_and_size_and_return_the_next_token() {
    // Glue's JSON protocol; the stand-in sees each body as one form key.
    let glue = FakeAws::start(|params| {
        let body = params.keys().next().cloned().unwrap_or_default();
        let answer = if body.contains(r#""NextToken":"page2""#) {
            r#"{"TableList":[{"Name":"c"}]}"#
        } else {
            r#"{"TableList":[{"Name":"a"},{"Name":"b","StorageDescriptor":{"Location":""}}],"NextToken":"page2"}"#
        };
        (200, answer.to_owned())
    })
    .await;
    let catalog = GlueCatalog::new(&emulator_sdk_config(&glue.url).await);

    let (first, next) = catalog.tables("db", None, 2).await.unwrap();
    let names: Vec<&str> = first.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(first[1].location, None, "an empty location is none");
    assert_eq!(next.as_deref(), Some("page2"));
    let (second, last) = catalog.tables("db", next, 500).await.unwrap();
    assert_eq!(second[0].name, "c");
    assert_eq!(last, None);

    let requests: Vec<String> =
        glue.requests().iter().map(|p| p.keys().next().cloned().unwrap_or_default()).collect();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].contains(r#""DatabaseName":"db""#) && requests[0].contains(r#""MaxResults":2"#),
        "{requests:?}"
    );
    assert!(!requests[0].contains("NextToken"), "{requests:?}");
    assert!(requests[1].contains(r#""NextToken":"page2""#), "{requests:?}");
    assert!(requests[1].contains(r#""MaxResults":100"#), "clamped to Glue's maximum: {requests:?}");
}

#[tokio::test]
async fn the_tables_of_a_missing_database_are_an_error_naming_it() {
    let (_, session) = pivot_session().await;
    let database = unique("sluice_missing").replace('-', "_");
    let err = GlueCatalog::new(&session).tables(&database, None, 10).await.expect_err("no database");
    let CatalogError::Aws { op, message, .. } = &err else { panic!("expected Aws, got {err:?}") };
    assert_eq!(op, &format!("Glue GetTables of {database}"));
    assert!(message.starts_with("EntityNotFoundException"), "{message}");
}

#[tokio::test]
async fn a_bucket_the_pivot_role_may_not_read_is_forbidden_not_missing() {
    // S3 answers HeadBucket with a bare status; moto never refuses one.
    let s3 = FakeAws::start(|_| (403, String::new())).await;
    let storage = Storage::new(&emulator_sdk_config(&s3.url).await);
    let err = storage.bucket_exists("someone-elses-bucket").await.expect_err("forbidden");
    assert!(
        matches!(&err, StorageError::Forbidden { bucket, .. } if bucket == "someone-elses-bucket"),
        "{err:?}"
    );
    assert!(err.to_string().contains("the pivot role may not read bucket someone-elses-bucket"), "{err}");
}
