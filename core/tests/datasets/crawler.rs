//! `startGlueCrawler` at the domain level: only the dataset's admin team (CRAWL_DATASET) starts
//! its crawler, the start is a task with an activity row, the prefix stays inside the bucket,
//! and datasets from before the release get the permission through the upgrade.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sluice_core::{
    datasets::CRAWL_ACTION, on_both_backends, page::PageRequest, tasks::TaskFilter, testkit::Backend,
};
use sluice_entities::{activity, resource_policy_permission as rpp};

use super::{actor, new_dataset, setup};

async fn only_the_admin_team_starts_the_crawler_and_the_start_is_a_task(backend: Backend) {
    let (db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    let uri = dataset.dataset_uri.clone();

    // TeamD (the stewards) never signed in here, so it holds no tenant permission either: data.all
    // asks for MANAGE_DATASETS first.
    for (who, why, missing) in [
        (actor("dana", &["TeamD"]), "stewards don't crawl", "MANAGE_DATASETS"),
        (actor("carol", &["TeamC"]), "another team of the environment", "CRAWL_DATASET"),
        (actor("alice", &["TeamA"]), "the environment's owners don't own the dataset", "CRAWL_DATASET"),
    ] {
        let refused = core.datasets().start_crawler(&who, &uri, None).await.expect_err(why);
        assert_eq!(refused.code(), "FORBIDDEN", "{why}: {refused}");
        assert!(refused.to_string().contains(missing), "{why}: {refused}");
    }
    // The rule on the prefix comes after the check: an outsider learns nothing from it.
    let outsider = core.datasets().start_crawler(&actor("carol", &["TeamC"]), &uri, Some("..")).await;
    assert_eq!(outsider.expect_err("refused").code(), "FORBIDDEN");
    let bad = core.datasets().start_crawler(&bob, &uri, Some("raw/../../other")).await.expect_err("outside");
    assert_eq!(bad.code(), "BAD_USER_INPUT", "{bad}");

    let queued =
        core.datasets().start_crawler(&bob, &uri, Some("/raw/2026/")).await.expect("the admin team's");
    assert_eq!(queued.name, format!("sluice-{uri}-crawler"));
    assert_eq!(queued.status, "PENDING");
    let bucket = &dataset.restricted().expect("full view").bucket_name;
    assert_eq!(queued.location, format!("s3://{bucket}/raw/2026/"));

    let page = PageRequest::new(None, None).expect("page");
    let filter = TaskFilter { target_uri: Some(uri.clone()), status: None };
    let tasks = core.tasks().list(&bob, &filter, page).await.expect("tasks");
    let task = tasks.nodes.iter().find(|t| t.action == CRAWL_ACTION).expect("queued");
    assert_eq!(task.task_uri, queued.task_uri);
    assert_eq!(task.payload["prefix"], "raw/2026/", "{:?}", task.payload);

    let rows = activity::Entity::find()
        .filter(activity::Column::Action.eq("startGlueCrawler"))
        .filter(activity::Column::TargetUri.eq(uri.as_str()))
        .all(&db.db)
        .await
        .expect("activity");
    assert!(
        rows.iter().any(|r| r.actor == "bob" && r.summary.contains(&queued.task_uri)),
        "the start is in the trail: {rows:?}"
    );
    assert!(rows.iter().any(|r| r.actor == "carol"), "refusals are in the trail too: {rows:?}");

    // What the task reads, and the name the dataset answers once the task made the crawler.
    let system = core.system("test");
    let inputs = system.crawl_inputs(&uri, Some("raw/2026/")).await.expect("read").expect("exists");
    assert_eq!(inputs.crawler_name, queued.name);
    assert_eq!(inputs.location, queued.location);
    assert_eq!(
        inputs.role_arn,
        format!("arn:aws:iam::111122223333:role/{}", dataset.restricted().expect("full").admin_role_name)
    );
    assert_eq!(
        core.datasets().get(&bob, &uri).await.expect("get").restricted().expect("full").glue_crawler_name,
        None
    );
    system.record_crawler(&uri, &queued.name).await.expect("recorded");
    system.record_crawler(&uri, "another-name").await.expect("the first name stays");
    let seen = core.datasets().get(&bob, &uri).await.expect("get");
    assert_eq!(seen.restricted().expect("full").glue_crawler_name.as_deref(), Some(queued.name.as_str()));
}

on_both_backends!(only_the_admin_team_starts_the_crawler_and_the_start_is_a_task);

async fn datasets_from_before_get_crawl_dataset_through_the_upgrade(backend: Backend) {
    let (db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    let dataset = core.datasets().create(&bob, new_dataset(&env, "TeamB")).await.expect("created");
    // As an installation from before: no rows of the new permission.
    rpp::Entity::delete_many()
        .filter(rpp::Column::Permission.eq("CRAWL_DATASET"))
        .exec(&db.db)
        .await
        .expect("delete");
    let refused = core.datasets().start_crawler(&bob, &dataset.dataset_uri, None).await.expect_err("none");
    assert_eq!(refused.code(), "FORBIDDEN");

    sluice_core::testkit::db::rerun_migration(&db.db, "m20261213_000034_crawl_dataset").await;

    core.datasets().start_crawler(&bob, &dataset.dataset_uri, None).await.expect("the admin team's again");
    let holders = rpp::Entity::find()
        .filter(rpp::Column::Permission.eq("CRAWL_DATASET"))
        .all(&db.db)
        .await
        .expect("rows");
    assert_eq!(holders.len(), 1, "the admin team's alone, not the stewards': {holders:?}");
    assert_eq!(holders[0].principal_id, "TeamB");
}

on_both_backends!(datasets_from_before_get_crawl_dataset_through_the_upgrade);
