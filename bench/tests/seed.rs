//! The bulk seed, read back through the domain services: if it wrote a row the services would
//! not (a bad JSON list, a missing policy, an item of another dataset), these reads fail.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, Statement};
use sluice_bench::seed::{self, Size};
use sluice_core::{
    Actor, Core,
    datasets::DatasetFilter,
    organizations::OrganizationFilter,
    page::PageRequest,
    shares::{ItemFilter, ShareFilter},
    testkit::TestDb,
};

const TINY: Size =
    Size { name: "tiny", organizations: 2, environments: 4, datasets: 20, tables: 700, teams: 8, shares: 30 };

fn actor(groups: &[u64]) -> Actor {
    Actor::authenticated(
        sluice_core::testkit::TEST_ISSUER,
        "bench-reader",
        groups.iter().map(|g| seed::team(*g)),
        "DAAdministrators",
    )
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// Datasets a team administers or stewards, by the layout the seed documents.
fn datasets_of(team: u64) -> BTreeSet<String> {
    let Size { organizations: o, environments: e, teams: g, datasets: d, .. } = TINY;
    (0..d).filter(|k| (k % e) % g == team || ((k % e) % g + o) % g == team).map(seed::dataset_uri).collect()
}

fn all() -> PageRequest {
    PageRequest::new(Some(1), Some(100)).expect("page")
}

#[tokio::test]
async fn seeded_tenant_reads_back_through_the_services() {
    let test = TestDb::postgres().await;
    seed::seed(&test.db, &TINY, |_| {}).await.expect("seed");
    let db = &test.db;

    for (table, expected) in [
        ("organization", TINY.organizations),
        ("environment", TINY.environments),
        ("dataset", TINY.datasets),
        ("dataset_table", TINY.tables),
        ("dataset_table_column", TINY.tables * seed::COLUMNS.len() as u64),
        ("share_object", TINY.shares),
        ("share_item", TINY.share_items()),
        ("stack", TINY.environments + TINY.datasets),
    ] {
        assert_eq!(count(db, &format!("SELECT count(*) FROM {table}")).await, expected as i64, "{table}");
    }
    // Every share item is a table of the shared dataset, and every resource has a policy.
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM share_item i JOIN share_object s ON s.share_uri = i.share_uri \
             JOIN dataset_table t ON t.table_uri = i.item_uri \
             WHERE t.dataset_uri = s.dataset_uri AND t.name = i.item_name"
        )
        .await,
        TINY.share_items() as i64
    );
    for (table, key) in [
        ("organization", "organization_uri"),
        ("environment", "environment_uri"),
        ("dataset", "dataset_uri"),
        ("share_object", "share_uri"),
    ] {
        let orphans = count(
            db,
            &format!(
                "SELECT count(*) FROM {table} x WHERE NOT EXISTS (SELECT 1 FROM resource_policy p \
                 JOIN resource_policy_permission pp ON pp.sid = p.sid WHERE p.resource_uri = x.{key})"
            ),
        )
        .await;
        assert_eq!(orphans, 0, "{table} rows without a policy");
    }

    let core = Core::new(db.clone());
    let one = actor(&[1]);
    let orgs = core.organizations().list(&one, &OrganizationFilter::default(), all()).await.expect("orgs");
    assert_eq!(
        orgs.nodes.iter().map(|o| o.organization_uri.clone()).collect::<Vec<_>>(),
        [seed::organization_uri(1)]
    );

    let listed = core.datasets().list(&one, &DatasetFilter::default(), all()).await.expect("datasets");
    let listed: BTreeSet<String> = listed.nodes.into_iter().map(|d| d.entry().dataset_uri.clone()).collect();
    assert_eq!(listed, datasets_of(1));
    for uri in &listed {
        let dataset = core.datasets().get(&one, uri).await.expect("dataset reads back");
        assert!(dataset.entry().tags.contains(&"bench".to_owned()), "{:?}", dataset.entry().tags);
    }
    let environment =
        core.environments().get(&one, &seed::environment_uri(1)).await.expect("own environment");
    assert_eq!(environment.saml_group_name, seed::team(1));

    // Share 0 asks for 50 tables of dataset 0 from environment 1, for its team.
    let requester = actor(&[1]);
    let share = core.shares().get(&requester, &seed::share_uri(0)).await.expect("share 0");
    assert_eq!(share.dataset_uri, seed::dataset_uri(0));
    let items = core
        .shares()
        .items(&requester, &share.share_uri, &ItemFilter::default(), all())
        .await
        .expect("items");
    assert_eq!(items.count, seed::BIG_SHARE_ITEMS);
    let plan = core.shares().plan(&requester, &share.share_uri).await.expect("plan");
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert_eq!(plan.items.len() as u64, seed::BIG_SHARE_ITEMS);

    // The inbox of the team administering dataset 0 (team 0) holds every share of its datasets.
    let approver = actor(&[0]);
    let inbox = core.shares().inbox(&approver, &ShareFilter::default(), all()).await.expect("inbox");
    let theirs = datasets_of(0);
    assert!(inbox.count > 0);
    assert!(
        inbox.nodes.iter().all(|s| theirs.contains(&s.dataset_uri)),
        "inbox holds other datasets' shares"
    );
    let expected = (0..TINY.shares)
        .filter(|s| {
            let k = if *s < seed::BIG { *s } else { s % TINY.datasets };
            theirs.contains(&seed::dataset_uri(k))
        })
        .count();
    assert_eq!(inbox.count, expected as u64);

    // An outsider's team sees nothing.
    let outsider = sluice_core::testkit::user("outsider", &["nobody"]);
    assert_eq!(
        core.datasets().list(&outsider, &DatasetFilter::default(), all()).await.expect("list").count,
        0
    );
}
