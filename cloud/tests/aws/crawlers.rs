//! A dataset's Glue crawler against moto, through the pivot role's session: made once, left as
//! it is when asked again, started, and started again without error. moto has no
//! UpdateCrawler, so re-pointing an existing crawler is not exercised here.

use sluice_cloud::{
    CrawlerSpec, GlueCatalog, GlueCrawlers,
    crawlers::{Ensured, Started},
    sdk::glue,
};

use crate::{accounts::TARGET_ACCOUNT, stacks::pivot_session, unique, unique_uri};

#[tokio::test]
async fn a_crawler_is_made_once_and_started() {
    let (_pivot, session) = pivot_session().await;
    let uri = unique_uri();
    let database = unique("crawled_db").replace('-', "_");
    GlueCatalog::new(&session).ensure_database(&database, "s3://b/", "crawled").await.expect("database");
    let spec = CrawlerSpec {
        name: format!("sluice-{uri}-crawler"),
        role_arn: format!("arn:aws:iam::{TARGET_ACCOUNT}:role/sluice-sales-{uri}"),
        database_name: database.clone(),
        location: format!("s3://sluice-sales-{uri}/raw/"),
        description: "Sluice dataset Sales".into(),
    };
    let crawlers = GlueCrawlers::new(&session);
    assert_eq!(crawlers.get(&spec.name).await.expect("read"), None, "none before the first start");

    assert_eq!(crawlers.ensure(&spec).await.expect("made"), Ensured::Created);
    assert_eq!(crawlers.ensure(&spec).await.expect("again"), Ensured::Unchanged, "safe to repeat");
    let made = crawlers.get(&spec.name).await.expect("read").expect("exists");
    assert_eq!(made.role.as_deref(), Some(spec.role_arn.as_str()));
    assert_eq!(made.database_name.as_deref(), Some(database.as_str()));
    assert_eq!(made.s3_paths, std::slice::from_ref(&spec.location));
    assert_eq!(made.last_crawl, None, "not started yet");

    assert_eq!(crawlers.start(&spec.name).await.expect("started"), Started::Started);
    let started = crawlers.get(&spec.name).await.expect("read").expect("exists");
    assert!(started.last_crawl.is_some(), "a crawl began: {started:?}");
    // A second start succeeds either way: moto moves a crawl from RUNNING to COMPLETED as it is
    // read, so this one may find the first running (as a retried task may) or finished.
    let again = crawlers.start(&spec.name).await.expect("a second start is no error");
    assert!(matches!(again, Started::Started | Started::AlreadyRunning));

    // The crawler is in the pivot role's account, under the name Sluice gave it.
    let listed = glue::Client::new(&session).list_crawlers().send().await.expect("list");
    assert!(listed.crawler_names().contains(&spec.name), "{listed:?}");
}
