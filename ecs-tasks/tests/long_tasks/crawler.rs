//! `startGlueCrawler` against moto: the first start makes the dataset's crawler through the
//! pivot role (on the prefix asked for, into the dataset's Glue database, as its admin role) and
//! starts it, and the dataset then names it. moto has no UpdateCrawler, so re-pointing an
//! existing crawler at another prefix is not exercised here (see `sluice_cloud::crawlers`).

use sluice_cloud::sdk;
use sluice_core::{
    datasets::{CRAWL_ACTION, ImportedResources, NewDataset},
    on_both_backends,
    page::PageRequest,
    tasks::{TaskFilter, TaskStatus},
    testkit::{Backend, TestDb},
};

use crate::{
    import::owners_bucket_and_key,
    support::{Running, deploy_pivot_role, link, linking_core, owner_session, random_account, wait_for},
};

async fn the_first_start_makes_the_crawler_and_starts_it(backend: Backend) {
    let db = TestDb::new(backend).await;
    let account = random_account();
    deploy_pivot_role(&account).await;
    let (core, alice, org_uri) = linking_core(&db).await;
    let env = link(&core, &alice, &org_uri, &account, "Crawled").await;
    let owner = owner_session(&account).await;
    let bucket = format!("crawled-{account}");
    let database = format!("crawled_{account}");
    owners_bucket_and_key(&owner, &bucket, "crawled").await;
    let glue = sdk::glue::Client::new(&owner);
    let input = sdk::glue::types::DatabaseInput::builder().name(&database).build().expect("input");
    glue.create_database().database_input(input).send().await.expect("database");

    let running = Running::start(&db).await;
    let dataset = core
        .datasets()
        .import(
            &alice,
            NewDataset {
                label: "Crawled".into(),
                environment_uri: env.environment_uri.clone(),
                saml_admin_group_name: "TeamA".into(),
                ..Default::default()
            },
            ImportedResources {
                bucket_name: bucket.clone(),
                glue_database_name: database.clone(),
                kms_alias: Some("crawled".into()),
                admin_role_name: None,
            },
        )
        .await
        .expect("imported");
    let uri = dataset.dataset_uri.clone();

    let queued = core.datasets().start_crawler(&alice, &uri, Some("raw/orders")).await.expect("queued");
    let done = wait_for(&db, &queued.task_uri).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let response = done.response.expect("a response");
    assert_eq!(response["crawlerWas"], "CREATED", "{response}");
    assert_eq!(response["status"], "STARTED", "{response}");

    let crawler = glue.get_crawler().name(&queued.name).send().await.expect("made in the account");
    let crawler = crawler.crawler().expect("crawler");
    let admin_role = &dataset.restricted().expect("the admin team's view").admin_role_name;
    assert_eq!(crawler.role(), Some(format!("arn:aws:iam::{account}:role/{admin_role}").as_str()));
    assert_eq!(crawler.database_name(), Some(database.as_str()));
    let paths: Vec<_> =
        crawler.targets().expect("targets").s3_targets().iter().filter_map(|t| t.path()).collect();
    assert_eq!(paths, [format!("s3://{bucket}/raw/orders/")]);
    assert!(crawler.last_crawl().is_some(), "it was started");

    let seen = core.datasets().get(&alice, &uri).await.expect("get");
    assert_eq!(seen.restricted().expect("full").glue_crawler_name.as_deref(), Some(queued.name.as_str()));

    // Again on the same prefix: the crawler is left as it is and started (or found running).
    let again = core.datasets().start_crawler(&alice, &uri, Some("raw/orders")).await.expect("queued");
    let done = wait_for(&db, &again.task_uri).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let response = done.response.expect("a response");
    assert_eq!(response["crawlerWas"], "UNCHANGED", "{response}");
    running.stop().await;

    let page = PageRequest::new(Some(1), Some(20)).expect("page");
    let filter = TaskFilter { target_uri: Some(uri), status: None };
    let tasks = core.tasks().list(&alice, &filter, page).await.expect("tasks");
    assert_eq!(tasks.nodes.iter().filter(|t| t.action == CRAWL_ACTION).count(), 2);
}

on_both_backends!(the_first_start_makes_the_crawler_and_starts_it);
