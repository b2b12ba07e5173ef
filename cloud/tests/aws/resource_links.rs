//! A cross-account share's Glue side against moto: in the consumer account, through its own
//! pivot-role session, a `<db>_shared` database holding resource links to the source account's
//! tables; then the Lake Formation grants on both sides, and the clean-up of a revoke.
//!
//! What moto 5.2.1 models, measured on these machines (2026-11-24):
//! - CreateTable with a `TargetTable` makes a resource link, and GetTable returns its
//!   `TargetTable` (CatalogId, DatabaseName, Name) as sent, with the link's own account as its
//!   `CatalogId`. A second CreateTable of the name answers `AlreadyExistsException`.
//! - Links are not resolved: a link to a table that does not exist, or in an account that never
//!   granted anything, is accepted. Real Glue needs the source's Lake Formation grant to the
//!   consumer account first, which is why the test grants before it links.
//! - Glue's `CatalogId` argument is ignored: GetTable of the source table with the source's
//!   CatalogId, through the consumer's session, answers EntityNotFoundException.
//! - DeleteDatabase deletes a database that still holds tables, with them (as Glue does), which
//!   is why `delete_database_if_empty` counts first.
//! - DeleteTable of a missing table or in a missing database answers EntityNotFoundException.
//! - GetTables ignores MaxResults and never pages.

use sluice_cloud::{
    CatalogError, GlueCatalog, Grant, LakeGrants, LfPermission, LfResource, LinkTarget, assume_pivot,
    sdk::{aws_config::SdkConfig, glue},
};
use sluice_core::environments::PivotRole;

use crate::{accounts::TARGET_ACCOUNT, config, stacks::pivot_session, unique};

use LfPermission::{Describe, Select};

/// The account a dataset is shared to, apart from the source's `TARGET_ACCOUNT`.
const CONSUMER_ACCOUNT: &str = "444455556666";

/// The consumer account's pivot-role session, as share processing gets it.
async fn consumer_session() -> SdkConfig {
    let pivot = PivotRole {
        account_id: CONSUMER_ACCOUNT.into(),
        region: "us-east-1".into(),
        role_name: "sluicePivotRole".into(),
        external_id: "ext".into(),
    };
    assume_pivot(&config().await, &pivot).await.expect("assume the consumer's pivot role")
}

/// A table as a producer's ETL job would make it, straight through Glue.
async fn create_table(session: &SdkConfig, database: &str, name: &str) {
    let input = glue::types::TableInput::builder()
        .name(name)
        .table_type("EXTERNAL_TABLE")
        .storage_descriptor(
            glue::types::StorageDescriptor::builder().location(format!("s3://x/{name}/")).build(),
        )
        .build()
        .unwrap();
    glue::Client::new(session)
        .create_table()
        .database_name(database)
        .table_input(input)
        .send()
        .await
        .unwrap();
}

/// A source database with two tables, named for this test alone.
async fn source_database(source: &SdkConfig) -> String {
    let database = unique("sluice_src").replace('-', "_");
    GlueCatalog::new(source).ensure_database(&database, "s3://x/", "source").await.unwrap();
    for table in ["orders", "customers"] {
        create_table(source, &database, table).await;
    }
    database
}

fn target(database: &str, table: &str) -> LinkTarget {
    LinkTarget { catalog_id: TARGET_ACCOUNT.into(), database: database.into(), name: table.into() }
}

#[tokio::test]
async fn a_cross_account_share_links_grants_and_cleans_up() {
    let (_, source) = pivot_session().await;
    let consumer = consumer_session().await;
    let database = source_database(&source).await;
    let shared = format!("{database}_shared");
    let requester = format!("arn:aws:iam::{CONSUMER_ACCOUNT}:role/{}", unique("requester"));

    // The source account grants the table and its database to the consumer account.
    let source_grants = LakeGrants::new(&source);
    let to_account = [
        Grant::new(
            CONSUMER_ACCOUNT,
            LfResource::table(TARGET_ACCOUNT, &database, "orders"),
            &[Describe, Select],
        ),
        Grant::new(CONSUMER_ACCOUNT, LfResource::database(TARGET_ACCOUNT, &database), &[Describe]),
    ];
    assert!(source_grants.batch_grant(&to_account).await.iter().all(Result::is_ok));

    // The consumer account links the table, twice as a re-run would.
    let catalog = GlueCatalog::new(&consumer);
    assert!(catalog.ensure_shared_database(&shared, "shared from the source").await.unwrap(), "created");
    assert!(!catalog.ensure_shared_database(&shared, "shared from the source").await.unwrap(), "already");
    let orders = target(&database, "orders");
    assert!(catalog.ensure_resource_link(&shared, "orders", &orders).await.unwrap(), "linked");
    assert!(!catalog.ensure_resource_link(&shared, "orders", &orders).await.unwrap(), "already linked");
    let link =
        glue::Client::new(&consumer).get_table().database_name(&shared).name("orders").send().await.unwrap();
    let link_target = link.table().and_then(|t| t.target_table()).expect("a resource link");
    assert_eq!(
        (link_target.catalog_id(), link_target.database_name(), link_target.name()),
        (Some(TARGET_ACCOUNT), Some(database.as_str()), Some("orders"))
    );
    assert_eq!(catalog.table_count(&shared).await.unwrap(), 1);

    // ... and grants its requester the database, the link, and SELECT on the link's target.
    let consumer_grants = LakeGrants::new(&consumer);
    let to_requester = [
        Grant::new(&requester, LfResource::database(CONSUMER_ACCOUNT, &shared), &[Describe]),
        Grant::new(&requester, LfResource::table(CONSUMER_ACCOUNT, &shared, "orders"), &[Describe]),
        Grant::new(&requester, LfResource::table(TARGET_ACCOUNT, &database, "orders"), &[Describe, Select]),
    ];
    assert!(consumer_grants.batch_grant(&to_requester).await.iter().all(Result::is_ok));
    assert_eq!(consumer_grants.missing(&to_requester).await.unwrap(), []);
    assert_eq!(source_grants.missing(&to_account).await.unwrap(), []);

    // A second table's link: the database now holds two, so it is not deleted yet.
    let customers = target(&database, "customers");
    assert!(catalog.ensure_resource_link(&shared, "customers", &customers).await.unwrap());
    assert!(!catalog.delete_database_if_empty(&shared).await.unwrap(), "links remain");
    assert!(catalog.database_exists(&shared).await.unwrap());

    // Revoke, in reverse: grants, then links, then the emptied database. Each step twice.
    for _ in 0..2 {
        assert!(consumer_grants.batch_revoke(&to_requester).await.iter().all(Result::is_ok));
    }
    assert_eq!(consumer_grants.missing(&to_requester).await.unwrap(), to_requester);
    assert!(catalog.delete_table_if_exists(&shared, "orders").await.unwrap());
    assert!(!catalog.delete_table_if_exists(&shared, "orders").await.unwrap());
    assert!(!catalog.delete_database_if_empty(&shared).await.unwrap(), "the customers link remains");
    assert!(catalog.delete_table_if_exists(&shared, "customers").await.unwrap());
    assert!(catalog.delete_database_if_empty(&shared).await.unwrap(), "empty now");
    assert!(!catalog.delete_database_if_empty(&shared).await.unwrap(), "already gone");
    assert!(!catalog.database_exists(&shared).await.unwrap());
    assert_eq!(catalog.table_count(&shared).await.unwrap(), 0, "a missing database holds no tables");
    assert!(!catalog.delete_table_if_exists(&shared, "orders").await.unwrap(), "no database, no table");
    for grant in &to_account {
        source_grants.revoke(grant).await.unwrap();
    }
    assert_eq!(source_grants.missing(&to_account).await.unwrap(), to_account);
    // The source's tables are untouched.
    assert_eq!(GlueCatalog::new(&source).table_count(&database).await.unwrap(), 2);
}

#[tokio::test]
async fn a_table_in_the_way_of_a_link_is_a_conflict_and_is_kept() {
    let (_, source) = pivot_session().await;
    let consumer = consumer_session().await;
    let database = source_database(&source).await;
    let shared = format!("{database}_shared");
    let catalog = GlueCatalog::new(&consumer);
    catalog.ensure_shared_database(&shared, "shared").await.unwrap();
    create_table(&consumer, &shared, "orders").await;
    catalog.ensure_resource_link(&shared, "customers", &target(&database, "customers")).await.unwrap();

    let err =
        catalog.ensure_resource_link(&shared, "orders", &target(&database, "orders")).await.unwrap_err();
    let CatalogError::Conflict { message, .. } = &err else { panic!("expected Conflict, got {err:?}") };
    assert_eq!(message, &format!("{shared}.orders already exists and is not a resource link"));

    let err =
        catalog.ensure_resource_link(&shared, "customers", &target(&database, "orders")).await.unwrap_err();
    let CatalogError::Conflict { message, .. } = &err else { panic!("expected Conflict, got {err:?}") };
    assert_eq!(
        message,
        &format!(
            "{shared}.customers already exists as a resource link to {TARGET_ACCOUNT}:{database}.customers"
        )
    );

    // Neither was replaced, and the database still holding them is not deleted.
    let (tables, _) = catalog.tables(&shared, None, 10).await.unwrap();
    assert_eq!(tables.len(), 2);
    assert!(tables.iter().any(|t| t.name == "orders" && t.location.as_deref() == Some("s3://x/orders/")));
    assert!(!catalog.delete_database_if_empty(&shared).await.unwrap());
    assert_eq!(catalog.table_count(&shared).await.unwrap(), 2);
    assert!(catalog.delete_database(&shared).await.unwrap());
}

#[tokio::test]
async fn a_link_into_a_missing_database_is_an_error_naming_it() {
    let catalog = GlueCatalog::new(&consumer_session().await);
    let missing = unique("sluice_missing").replace('-', "_");
    let err = catalog.ensure_resource_link(&missing, "orders", &target("src", "orders")).await.unwrap_err();
    let CatalogError::Aws { op, message, .. } = &err else { panic!("expected Aws, got {err:?}") };
    assert_eq!(
        op,
        &format!("Glue CreateTable of the resource link {missing}.orders to {TARGET_ACCOUNT}:src.orders")
    );
    assert!(message.starts_with("EntityNotFoundException"), "{message}");
}
