//! How lists are paged (docs/ARCHITECTURE.md, "List queries"): a page is read from whichever
//! end of the order is nearer, the datasets list counts in the grant index, and lists counted
//! up to a cap say when their count is a lower bound. Every page must still be exact.

use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, Set};
use sluice_core::{
    datasets::{DatasetFilter, DatasetSort, NewDataset, SortOrder},
    on_both_backends,
    page::{self, COUNT_CAP, PageRequest},
    testkit::{Backend, TestDb},
};
use sluice_entities::permission;

use super::{actor, new_dataset, setup};

fn request(page: u64, size: u64) -> PageRequest {
    PageRequest::new(Some(i32::try_from(page).expect("small")), Some(i32::try_from(size).expect("small")))
        .expect("valid")
}

/// Every page of the list, in order, by page size: what each page holds and the counts it gave.
async fn walk(
    core: &sluice_core::Core,
    who: &sluice_core::Actor,
    filter: &DatasetFilter,
    size: u64,
) -> (Vec<String>, Vec<u64>) {
    let (mut uris, mut counts) = (vec![], vec![]);
    for n in 1..=5 {
        let found = core.datasets().list(who, filter, request(n, size)).await.expect("list");
        assert!(found.count_exact, "the datasets list is always counted exactly");
        counts.push(found.count);
        uris.extend(found.nodes.iter().map(|d| d.entry().dataset_uri.clone()));
    }
    (uris, counts)
}

async fn every_page_is_exact_from_either_end_and_the_count_follows_deletes(backend: Backend) {
    let (_db, core, env) = setup(backend).await;
    let bob = actor("bob", &["TeamB"]);
    // In the admin team and the stewards of every dataset: two grants of GET_DATASET each.
    let both = actor("olga", &["TeamB", "TeamD"]);
    let mut made = vec![];
    // Repeated labels: the URI breaks ties, in both directions of a walk.
    for label in ["Orders", "Accounts", "Orders", "Zebra", "Accounts", "Middle", "Orders"] {
        let input = NewDataset { label: label.into(), ..new_dataset(&env, "TeamB") };
        let dataset = core.datasets().create(&bob, input).await.expect("created");
        made.push((dataset.label.clone(), dataset.dataset_uri.clone()));
    }
    made.sort();
    let expected: Vec<String> = made.iter().map(|(_, uri)| uri.clone()).collect();

    let all = DatasetFilter::default();
    for size in [2, 3] {
        let (uris, counts) = walk(&core, &both, &all, size).await;
        assert_eq!(uris, expected, "pages of {size} in label order, each dataset once");
        assert_eq!(counts, vec![7; 5], "pages past the end keep the count");
    }
    let descending =
        DatasetFilter { sort: vec![(DatasetSort::Label, SortOrder::Desc)], ..Default::default() };
    let (uris, _) = walk(&core, &both, &descending, 2).await;
    let mut by_label_desc = made.clone();
    // Label descending, then label and URI ascending among equal labels.
    by_label_desc.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(uris, by_label_desc.into_iter().map(|(_, uri)| uri).collect::<Vec<_>>());

    core.datasets().delete(&bob, &expected[3], false).await.expect("deleted");
    let (uris, counts) = walk(&core, &both, &all, 3).await;
    assert_eq!(counts, vec![6; 5], "a deleted dataset's grants go with it");
    assert_eq!(uris.len(), 6);
    assert!(!uris.contains(&expected[3]));
}

/// `count` of [`page::fetch_capped`] is exact up to the cap and a lower bound above it, while
/// every page holds exactly its rows.
async fn a_capped_count_is_exact_below_the_cap_and_a_lower_bound_above(backend: Backend) {
    let db = TestDb::new(backend).await;
    let rows = COUNT_CAP + 50;
    let names: Vec<String> = (0..rows).map(|i| format!("ZZ_LISTING_{i:04}")).collect();
    permission::Entity::insert_many(names.iter().map(|name| permission::ActiveModel {
        name: Set(name.clone()),
        kind: Set("RESOURCE".into()),
        description: Set("listing test".into()),
    }))
    .exec(&db.db)
    .await
    .expect("inserted");
    let order = [(permission::Column::Name, Order::Asc)];
    let ours = || permission::Entity::find().filter(permission::Column::Name.starts_with("ZZ_LISTING_"));

    let below = || ours().filter(permission::Column::Name.lt("ZZ_LISTING_0150"));
    let last = page::fetch_capped(&db.db, below(), &order, request(15, 10)).await.expect("page");
    assert!(last.count_exact);
    assert_eq!(last.count, 150);
    let held: Vec<&str> = last.nodes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(held, names[140..150].iter().map(String::as_str).collect::<Vec<_>>(), "walked from the end");

    let mut seen = vec![];
    for n in 1.. {
        let found = page::fetch_capped(&db.db, ours(), &order, request(n, 100)).await.expect("page");
        assert!(!found.count_exact, "more rows than the cap: the count is a lower bound");
        assert!(found.count > COUNT_CAP && found.count >= seen.len() as u64 + found.nodes.len() as u64);
        seen.extend(found.nodes.iter().map(|p| p.name.clone()));
        if !found.has_next() {
            assert_eq!(found.count, rows, "the last page knows where the list ends");
            break;
        }
    }
    assert_eq!(seen, names, "every row once, in order");
}

on_both_backends!(
    every_page_is_exact_from_either_end_and_the_count_follows_deletes,
    a_capped_count_is_exact_below_the_cap_and_a_lower_bound_above,
);
