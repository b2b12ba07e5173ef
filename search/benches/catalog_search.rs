//! `cargo bench -p sluice-search` (or `make bench`): what searchCatalog asks of the Tantivy
//! index, over 100k documents (`SLUICE_BENCH_DOCS` to change), reporting p50 and p99 per query
//! shape. A report, not a test: nothing here fails on a slow machine.

use std::time::{Duration, Instant};

use sluice_core::catalog::{
    CatalogDocument, ColumnDoc, DocumentKind, SearchFilters, SearchIndex, SearchRequest, Visibility,
};
use sluice_search::TantivyIndex;

const WORDS: [&str; 24] = [
    "orders",
    "customers",
    "invoices",
    "shipments",
    "payments",
    "returns",
    "inventory",
    "suppliers",
    "ledger",
    "campaigns",
    "sessions",
    "clicks",
    "tickets",
    "refunds",
    "products",
    "prices",
    "stores",
    "regions",
    "accounts",
    "contracts",
    "leads",
    "events",
    "devices",
    "sensors",
];
const TAGS: [&str; 8] = ["eu", "us", "pii", "gold", "silver", "raw", "curated", "finance"];
const TOPICS: [&str; 6] = ["Sales", "Finances", "Products", "Customers", "Operations", "Misc"];

fn pick<'a>(items: &[&'a str], seed: u64) -> &'a str {
    items[(seed % items.len() as u64) as usize]
}

/// 1 dataset in 20 documents, tables with columns otherwise; 50 environments in 5 organizations.
fn document(i: u64) -> CatalogDocument {
    let dataset = i / 20 * 20;
    let kind = if i == dataset { DocumentKind::Dataset } else { DocumentKind::Table };
    let (a, b) = (pick(&WORDS, i.wrapping_mul(7)), pick(&WORDS, i.wrapping_mul(13) / 3));
    CatalogDocument {
        kind,
        uri: format!("u{i:08}"),
        dataset_uri: format!("u{dataset:08}"),
        name: format!("{a}_{b}_{i}"),
        label: format!("{a} {b} {i}"),
        description: Some(format!(
            "Daily {a} joined with {b}, loaded from the {} system",
            pick(&WORDS, i / 3)
        )),
        tags: vec![pick(&TAGS, i).to_owned(), pick(&TAGS, i / 5).to_owned()],
        topics: vec![pick(&TOPICS, dataset).to_owned()],
        confidentiality: pick(&["Unclassified", "Official", "Secret"], dataset).to_owned(),
        region: pick(&["eu-west-1", "us-east-1", "ap-south-1"], dataset / 20).to_owned(),
        environment_uri: format!("env{}", dataset / 20 % 50),
        organization_uri: format!("org{}", dataset / 20 % 5),
        owner_team: format!("Team{}", dataset % 40),
        stewards: None,
        columns: if kind == DocumentKind::Table {
            (0..12)
                .map(|c| ColumnDoc {
                    name: format!("{}_{c}", pick(&WORDS, i + c)),
                    type_name: Some("string".into()),
                })
                .collect()
        } else {
            vec![]
        },
        tables: vec![],
        folders: vec![],
        terms: vec![],
        up_votes: 0,
    }
}

fn request(term: Option<&str>, filters: SearchFilters, visibility: Visibility, page: u64) -> SearchRequest {
    SearchRequest {
        term: term.map(str::to_owned),
        filters,
        visibility,
        offset: page * 10,
        limit: 10,
        sort: Default::default(),
    }
}

/// Builds round `r`'s request of one query shape.
type MakeRequest = Box<dyn Fn(u64) -> SearchRequest>;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

#[tokio::main]
async fn main() {
    let n: u64 = std::env::var("SLUICE_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rounds: usize = std::env::var("SLUICE_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let index = TantivyIndex::open(dir.path()).expect("open");
    let started = Instant::now();
    let docs: Vec<CatalogDocument> = (0..n).map(document).collect();
    for batch in docs.chunks(10_000) {
        index.upsert(batch).await.expect("index");
    }
    println!("indexed {n} documents in {:.1?}", started.elapsed());

    let restricted = Visibility::Only {
        datasets: (0..n).step_by(20).filter(|d| d % 7 == 0).map(|d| format!("u{d:08}")).collect(),
        items: (0..200).map(|i| format!("u{:08}", i * 37)).collect(),
    };
    let shapes: Vec<(&str, MakeRequest)> = vec![
        ("browse, no term", Box::new(|r| request(None, SearchFilters::default(), Visibility::All, r % 5))),
        (
            "one word",
            Box::new(|r| request(Some(pick(&WORDS, r)), SearchFilters::default(), Visibility::All, 0)),
        ),
        (
            "two words with a typo",
            Box::new(|r| {
                request(
                    Some(&format!("{} custmers", pick(&WORDS, r))),
                    SearchFilters::default(),
                    Visibility::All,
                    0,
                )
            }),
        ),
        (
            "word + filters",
            Box::new(|r| {
                let filters = SearchFilters {
                    kinds: vec![DocumentKind::Table],
                    tags: vec![pick(&TAGS, r).to_owned()],
                    regions: vec!["eu-west-1".into()],
                    ..Default::default()
                };
                request(Some(pick(&WORDS, r + 3)), filters, Visibility::All, 0)
            }),
        ),
        (
            "word, restricted",
            Box::new(move |r| {
                request(Some(pick(&WORDS, r)), SearchFilters::default(), restricted.clone(), 0)
            }),
        ),
        (
            "word, page 20",
            Box::new(|r| request(Some(pick(&WORDS, r)), SearchFilters::default(), Visibility::All, 19)),
        ),
    ];
    println!("{:<24} {:>10} {:>10} {:>10}", "query (searchCatalog)", "p50", "p99", "max");
    for (name, make) in &shapes {
        for r in 0..10 {
            index.search(&make(r)).await.expect("warm up");
        }
        let mut times = Vec::with_capacity(rounds);
        for r in 0..rounds as u64 {
            let req = make(r);
            let t = Instant::now();
            let results = index.search(&req).await.expect("search");
            times.push(t.elapsed());
            std::hint::black_box(results);
        }
        times.sort();
        println!(
            "{name:<24} {:>10.2?} {:>10.2?} {:>10.2?}",
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times[times.len() - 1]
        );
    }
}
