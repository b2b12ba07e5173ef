//! Cases on the index alone: writes, free text, filters and facets, paging, visibility.

use super::{doc, facet, found, request, strings, uris};
use crate::catalog::port::{
    ColumnDoc, DocumentKind::*, FacetField, SearchFilters, SearchIndex, SearchRequest, Visibility,
};

pub async fn documents_are_indexed_updated_and_deleted(index: &dyn SearchIndex) {
    let mut sales = doc(Dataset, "ds1", "ds1", "Sales Ledger");
    let orders = doc(Table, "tb1", "ds1", "Orders");
    let raw = doc(Folder, "fo1", "ds1", "Raw Drops");
    let other = doc(Dataset, "ds2", "ds2", "Marketing Ledger");
    index.upsert(&[sales.clone(), orders.clone(), raw.clone(), other.clone()]).await.expect("upsert");
    assert_eq!(found(index, "ledger").await, strings(&["ds1", "ds2"]));
    assert_eq!(found(index, "orders").await, strings(&["tb1"]));

    index.upsert(std::slice::from_ref(&orders)).await.expect("upsert again");
    assert_eq!(index.search(&request(None)).await.expect("all").total, 4, "an upsert replaces by URI");

    sales.label = "Revenue Book".into();
    sales.name = "revenue_book".into();
    index.upsert(&[sales]).await.expect("update");
    assert_eq!(found(index, "ledger").await, strings(&["ds2"]), "the old label no longer matches");
    assert_eq!(found(index, "revenue").await, strings(&["ds1"]));

    index.delete(&strings(&["tb1", "nosuchdoc"])).await.expect("delete");
    assert!(found(index, "orders").await.is_empty());
    index.delete(&strings(&["tb1"])).await.expect("deleting twice is harmless");

    index.delete_dataset("ds1").await.expect("delete dataset");
    assert_eq!(uris(&index.search(&request(None)).await.expect("all")), strings(&["ds2"]));
}

pub async fn free_text_matches_names_descriptions_and_columns_despite_one_typo(index: &dyn SearchIndex) {
    let mut customers = doc(Table, "t-cust", "ds1", "Customer master");
    customers.name = "customer_master".into();
    customers.description = Some("Every customer with their billing address and loyalty tier".into());
    customers.columns = vec![
        ColumnDoc { name: "customer_id".into(), type_name: Some("bigint".into()) },
        ColumnDoc { name: "lifetime_value".into(), type_name: Some("decimal(12,2)".into()) },
    ];
    let mut shipments = doc(Table, "t-ship", "ds1", "Shipments");
    shipments.description = Some("Parcels handed to carriers".into());
    shipments.columns = vec![ColumnDoc { name: "parcel_weight".into(), type_name: Some("double".into()) }];
    let mut dataset = doc(Dataset, "ds1", "ds1", "Commerce");
    dataset.tables = strings(&["customer_master", "shipments"]);
    dataset.tags = strings(&["gdpr"]);
    index.upsert(&[customers, shipments, dataset]).await.expect("upsert");

    assert_eq!(
        found(index, "master").await,
        strings(&["ds1", "t-cust"]),
        "a name's words, and a dataset's table names"
    );
    assert_eq!(found(index, "loyalty").await, strings(&["t-cust"]), "the description");
    assert_eq!(found(index, "lifetime").await, strings(&["t-cust"]), "a column name");
    assert_eq!(found(index, "weight").await, strings(&["t-ship"]));
    assert_eq!(found(index, "gdpr").await, strings(&["ds1"]), "a tag");
    assert_eq!(found(index, "LOYALTY").await, strings(&["t-cust"]), "case does not matter");
    assert_eq!(found(index, "loyalti").await, strings(&["t-cust"]), "one substitution");
    assert_eq!(found(index, "carrirs").await, strings(&["t-ship"]), "one deletion");
    assert_eq!(found(index, "parcells").await, strings(&["t-ship"]), "one insertion");
    assert!(found(index, "lyoalti").await.is_empty(), "two edits are too many");
    assert_eq!(found(index, "loyalty address").await, strings(&["t-cust"]), "every term must match");
    assert!(found(index, "loyalty parcel").await.is_empty(), "terms in different documents");
    assert!(found(index, "zeppelin").await.is_empty());

    let results = index.search(&request(Some("loyalty"))).await.expect("search");
    let hit = &results.hits[0];
    assert_eq!((hit.kind, hit.label.as_str(), hit.dataset_uri.as_str()), (Table, "Customer master", "ds1"));
    let highlight = hit.highlight.as_deref().expect("a highlight");
    assert!(highlight.to_lowercase().contains("<em>loyalty</em>"), "{highlight}");
    let typo = index.search(&request(Some("loyalti"))).await.expect("search");
    let highlight = typo.hits[0].highlight.as_deref().expect("a highlight for a typo");
    assert!(highlight.to_lowercase().contains("<em>loyalty</em>"), "{highlight}");
}

fn varied() -> Vec<crate::catalog::CatalogDocument> {
    let mut a = doc(Dataset, "a", "a", "Alpha");
    a.tags = strings(&["eu", "pii"]);
    a.topics = strings(&["Sales"]);
    a.confidentiality = "Secret".into();
    let mut a1 = doc(Table, "a1", "a", "Alpha orders");
    a1.tags = strings(&["eu"]);
    a1.confidentiality = "Secret".into();
    let mut b = doc(Dataset, "b", "b", "Beta");
    b.region = "us-east-1".into();
    b.environment_uri = "env2".into();
    b.topics = strings(&["Sales", "Finances"]);
    let mut b1 = doc(Folder, "b1", "b", "Beta drops");
    b1.region = "us-east-1".into();
    b1.environment_uri = "env2".into();
    let mut c = doc(Dataset, "c", "c", "Gamma");
    c.organization_uri = "org2".into();
    c.environment_uri = "env3".into();
    c.tags = strings(&["pii"]);
    vec![a, a1, b, b1, c]
}

fn filtered(filters: SearchFilters) -> SearchRequest {
    SearchRequest { filters, ..request(None) }
}

pub async fn filters_narrow_and_facets_count_every_match(index: &dyn SearchIndex) {
    index.upsert(&varied()).await.expect("upsert");
    let all = index.search(&request(None)).await.expect("all");
    assert_eq!(all.total, 5);
    assert_eq!(
        facet(&all, FacetField::Kind),
        vec![("dataset".into(), 3), ("folder".into(), 1), ("table".into(), 1)]
    );
    assert_eq!(facet(&all, FacetField::Tags), vec![("eu".into(), 2), ("pii".into(), 2)]);
    assert_eq!(facet(&all, FacetField::Topics), vec![("Finances".into(), 1), ("Sales".into(), 2)]);
    assert_eq!(facet(&all, FacetField::Region), vec![("eu-west-1".into(), 3), ("us-east-1".into(), 2)]);
    assert_eq!(
        facet(&all, FacetField::EnvironmentUri),
        vec![("env1".into(), 2), ("env2".into(), 2), ("env3".into(), 1)]
    );
    assert_eq!(facet(&all, FacetField::OrganizationUri), vec![("org1".into(), 4), ("org2".into(), 1)]);
    assert_eq!(
        facet(&all, FacetField::Confidentiality),
        vec![("Secret".into(), 2), ("Unclassified".into(), 3)]
    );

    let cases: Vec<(SearchFilters, Vec<&str>)> = vec![
        (SearchFilters { kinds: vec![Dataset], ..Default::default() }, vec!["a", "b", "c"]),
        (SearchFilters { kinds: vec![Table, Folder], ..Default::default() }, vec!["a1", "b1"]),
        (SearchFilters { tags: strings(&["pii"]), ..Default::default() }, vec!["a", "c"]),
        (SearchFilters { tags: strings(&["pii", "eu"]), ..Default::default() }, vec!["a", "a1", "c"]),
        (SearchFilters { topics: strings(&["Finances"]), ..Default::default() }, vec!["b"]),
        (SearchFilters { regions: strings(&["us-east-1"]), ..Default::default() }, vec!["b", "b1"]),
        (SearchFilters { environment_uris: strings(&["env3"]), ..Default::default() }, vec!["c"]),
        (
            SearchFilters { organization_uris: strings(&["org1"]), ..Default::default() },
            vec!["a", "a1", "b", "b1"],
        ),
        (SearchFilters { confidentiality: strings(&["Secret"]), ..Default::default() }, vec!["a", "a1"]),
        (
            SearchFilters {
                kinds: vec![Dataset],
                tags: strings(&["pii"]),
                regions: strings(&["eu-west-1"]),
                ..Default::default()
            },
            vec!["a", "c"],
        ),
        (SearchFilters { tags: strings(&["nosuchtag"]), ..Default::default() }, vec![]),
    ];
    for (filters, expected) in cases {
        let got = index.search(&filtered(filters.clone())).await.expect("search");
        assert_eq!(uris(&got), strings(&expected), "{filters:?}");
        assert_eq!(got.total, expected.len() as u64, "{filters:?}");
    }

    let narrowed = index
        .search(&SearchRequest {
            term: Some("alpha".into()),
            ..filtered(SearchFilters { kinds: vec![Table], ..Default::default() })
        })
        .await
        .expect("search");
    assert_eq!(uris(&narrowed), strings(&["a1"]));
    assert_eq!(
        facet(&narrowed, FacetField::Kind),
        vec![("dataset".into(), 1), ("table".into(), 1)],
        "the kind facet counts what the term matches, of every kind"
    );
    assert_eq!(facet(&narrowed, FacetField::Tags), vec![("eu".into(), 1)], "other facets count the hits");
    assert!(facet(&narrowed, FacetField::Topics).is_empty());
}

/// Disjunctive faceting: ticking a value does not hide the field's other values, so the user
/// can add or switch to them; every other filter, the term and visibility still apply.
pub async fn a_ticked_facet_keeps_counting_its_other_values(index: &dyn SearchIndex) {
    index.upsert(&varied()).await.expect("upsert");
    let tables = index.search(&filtered(SearchFilters { kinds: vec![Table], ..Default::default() })).await;
    let tables = tables.expect("search");
    assert_eq!((uris(&tables), tables.total), (strings(&["a1"]), 1), "hits obey the filter");
    assert_eq!(
        facet(&tables, FacetField::Kind),
        vec![("dataset".into(), 3), ("folder".into(), 1), ("table".into(), 1)],
        "the ticked field counts as if unticked"
    );
    assert_eq!(facet(&tables, FacetField::Tags), vec![("eu".into(), 1)], "other fields count the hits");
    assert_eq!(facet(&tables, FacetField::Region), vec![("eu-west-1".into(), 1)]);
    assert!(facet(&tables, FacetField::Topics).is_empty());

    // Two ticked fields: each is counted under the other's filter.
    let both = index
        .search(&filtered(SearchFilters {
            kinds: vec![Table, Dataset],
            regions: strings(&["eu-west-1"]),
            ..Default::default()
        }))
        .await
        .expect("search");
    assert_eq!(uris(&both), strings(&["a", "a1", "c"]));
    assert_eq!(
        facet(&both, FacetField::Kind),
        vec![("dataset".into(), 2), ("table".into(), 1)],
        "kinds in eu-west-1: b1, a folder in us-east-1, is not counted"
    );
    assert_eq!(
        facet(&both, FacetField::Region),
        vec![("eu-west-1".into(), 3), ("us-east-1".into(), 1)],
        "regions of datasets and tables"
    );
    assert_eq!(facet(&both, FacetField::Tags), vec![("eu".into(), 2), ("pii".into(), 2)]);

    // Visibility is not a facet: what the actor may not see stays uncounted.
    let visible = index
        .search(&SearchRequest {
            visibility: Visibility::Only { datasets: strings(&["a"]), items: strings(&["b1"]) },
            ..filtered(SearchFilters { kinds: vec![Folder], ..Default::default() })
        })
        .await
        .expect("search");
    assert_eq!(uris(&visible), strings(&["b1"]));
    assert_eq!(
        facet(&visible, FacetField::Kind),
        vec![("dataset".into(), 1), ("folder".into(), 1), ("table".into(), 1)]
    );
}

pub async fn pages_partition_the_results(index: &dyn SearchIndex) {
    let docs: Vec<_> = (0..25)
        .map(|i| doc(Dataset, &format!("d{i:02}"), &format!("d{i:02}"), &format!("Ledger {i:02}")))
        .collect();
    index.upsert(&docs).await.expect("upsert");
    for term in [None, Some("ledger")] {
        let mut seen: Vec<String> = vec![];
        for page in 0..3u64 {
            let got = index
                .search(&SearchRequest { offset: page * 10, limit: 10, ..request(term) })
                .await
                .expect("page");
            assert_eq!(got.total, 25, "the total is over every page");
            assert_eq!(got.hits.len(), if page < 2 { 10 } else { 5 });
            seen.extend(got.hits.iter().map(|h| h.uri.clone()));
        }
        let labels_in_order = seen.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 25, "pages neither overlap nor skip ({term:?})");
        if term.is_none() {
            let expected: Vec<String> = (0..25).map(|i| format!("d{i:02}")).collect();
            assert_eq!(labels_in_order, expected, "without a term, by label");
        }
    }
    let beyond =
        index.search(&SearchRequest { offset: 30, limit: 10, ..request(None) }).await.expect("beyond");
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, 25);
}

pub async fn restricted_visibility_applies_before_counting_and_paging(index: &dyn SearchIndex) {
    index.upsert(&varied()).await.expect("upsert");
    let only = |datasets: &[&str], items: &[&str]| SearchRequest {
        visibility: Visibility::Only { datasets: strings(datasets), items: strings(items) },
        ..request(None)
    };
    let got = index.search(&only(&["a"], &["b1"])).await.expect("search");
    assert_eq!(uris(&got), strings(&["a", "a1", "b1"]), "a's documents, and the item b1");
    assert_eq!(got.total, 3);
    assert_eq!(
        facet(&got, FacetField::Kind),
        vec![("dataset".into(), 1), ("folder".into(), 1), ("table".into(), 1)]
    );
    let paged =
        index.search(&SearchRequest { offset: 0, limit: 2, ..only(&["a"], &["b1"]) }).await.expect("page");
    assert_eq!((paged.total, paged.hits.len()), (3, 2), "the page is filled from visible documents");
    let nothing = index.search(&only(&[], &[])).await.expect("search");
    assert_eq!((nothing.total, nothing.hits.len()), (0, 0));
    let typed = index
        .search(&SearchRequest { term: Some("beta".into()), ..only(&["a"], &["b1"]) })
        .await
        .expect("search");
    assert_eq!(uris(&typed), strings(&["b1"]), "the dataset b itself stays hidden");
}

pub async fn inventory_and_reset_see_every_document(index: &dyn SearchIndex) {
    let docs = varied();
    index.upsert(&docs).await.expect("upsert");
    let mut held = index.inventory().await.expect("inventory");
    held.sort();
    let mut expected: Vec<(String, String)> = docs.iter().map(|d| (d.uri.clone(), d.fingerprint())).collect();
    expected.sort();
    assert_eq!(held, expected);
    index.reset().await.expect("reset");
    assert!(index.inventory().await.expect("inventory").is_empty());
    assert_eq!(index.search(&request(None)).await.expect("search").total, 0);
    index.upsert(&docs[..1]).await.expect("usable after a reset");
    assert_eq!(index.search(&request(None)).await.expect("search").total, 1);
}
