//! The requests each scenario sends: the web UI's own GraphQL documents, with variables spread
//! over what the user may read in the seeded tenant.

use serde_json::{Value, json};

use crate::seed::{self, BIG, Size};

const LIST_ORGANIZATIONS: &str = "query ListOrganizations($filter: OrganizationFilter) { listOrganizations(filter: $filter) { count page nodes { organizationUri label SamlGroupName userRoleInOrganization stats { environments groups } } } }";
const LIST_DATASETS: &str = "query ListDatasets($filter: DatasetFilter) { listDatasets(filter: $filter) { count page pages nodes { datasetUri label SamlAdminGroupName userRoleForDataset environment { label AwsAccountId region } } } }";
const GET_DATASET: &str = "query GetDataset($uri: String!, $tables: DatasetTableFilter) { getDataset(datasetUri: $uri) { datasetUri label description SamlAdminGroupName userRoleForDataset imported environment { environmentUri label AwsAccountId region } stack { status error } tables(filter: $tables) { count nodes { tableUri label name description } } locations { count nodes { locationUri label S3Prefix } } } }";
const GET_SHARE: &str = "query GetShareObject($uri: String!) { getShareObject(shareUri: $uri) { shareUri status owner requestPurpose rejectPurpose userRoleForShareObject canViewLogs permissions dataset { datasetUri datasetName SamlAdminGroupName AwsAccountId region } principal { SamlGroupName environmentName } environment { AwsAccountId region } items(filter: {isShared: true, pageSize: 50}) { count nodes { shareItemUri itemUri itemName itemType status healthStatus healthMessage } } plan { action refused items { item sharedDatabase grantsInSource { account principal database table permissions } grantsInTarget { account principal database table permissions } link { account database name } } } } }";
const INBOX: &str = "query ShareInbox($filter: ShareObjectFilter) { getShareRequestsToMe(filter: $filter) { count nodes { shareUri status created dataset { datasetName SamlAdminGroupName } principal { SamlGroupName environmentName } statistics { sharedItems pendingItems failedItems } } } }";
const SEARCH: &str = "query SearchCatalog($input: SearchCatalogInput) { searchCatalog(input: $input) { count page pages nodes { kind uri datasetUri name label snippet highlight userRoleForDataset } facets { resourceKind { value count } tags { value count } topics { value count } region { value count } environmentUri { value count } organizationUri { value count } confidentiality { value count } } } }";
const CREATE_DATASET: &str =
    "mutation CreateDataset($input: NewDatasetInput!) { createDataset(input: $input) { datasetUri } }";

/// The page size the UI's lists use.
const PAGE: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    ListOrganizations,
    GetDataset,
    ListDatasetsFirst,
    ListDatasetsDeep,
    GetShareObject,
    ShareRequestsToMe,
    SearchCatalog,
    CreateDataset,
    Mixed,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Scenario::ListOrganizations,
        Scenario::GetDataset,
        Scenario::ListDatasetsFirst,
        Scenario::ListDatasetsDeep,
        Scenario::GetShareObject,
        Scenario::ShareRequestsToMe,
        Scenario::SearchCatalog,
        Scenario::CreateDataset,
        Scenario::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::ListOrganizations => "listOrganizations",
            Scenario::GetDataset => "getDataset",
            Scenario::ListDatasetsFirst => "listDatasets (page 1)",
            Scenario::ListDatasetsDeep => "listDatasets (last page)",
            Scenario::GetShareObject => "getShareObject (50 items)",
            Scenario::ShareRequestsToMe => "getShareRequestsToMe",
            Scenario::SearchCatalog => "searchCatalog",
            Scenario::CreateDataset => "createDataset",
            Scenario::Mixed => "mixed 90% read / 10% write",
        }
    }

    pub fn parse(name: &str) -> anyhow::Result<Scenario> {
        Scenario::ALL
            .into_iter()
            .find(|s| s.name().split(' ').next() == Some(name) || s.slug() == name)
            .ok_or_else(|| anyhow::anyhow!("unknown scenario {name:?}"))
    }

    /// A file-name friendly name.
    pub fn slug(self) -> &'static str {
        match self {
            Scenario::ListOrganizations => "list-organizations",
            Scenario::GetDataset => "get-dataset",
            Scenario::ListDatasetsFirst => "list-datasets-first",
            Scenario::ListDatasetsDeep => "list-datasets-deep",
            Scenario::GetShareObject => "get-share-object",
            Scenario::ShareRequestsToMe => "share-requests-to-me",
            Scenario::SearchCatalog => "search-catalog",
            Scenario::CreateDataset => "create-dataset",
            Scenario::Mixed => "mixed",
        }
    }

    pub fn writes(self) -> bool {
        matches!(self, Scenario::CreateDataset | Scenario::Mixed)
    }
}

/// A benchmark user: a name and the seeded teams they are in.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub teams: Vec<u64>,
}

impl User {
    /// Team 1 alone, or teams 0 to n-1.
    pub fn with_groups(n: u64) -> User {
        let teams = if n == 1 { vec![1] } else { (0..n).collect() };
        User { name: format!("bench-{n}-groups"), teams }
    }

    pub fn groups(&self) -> Vec<String> {
        self.teams.iter().map(|g| seed::team(*g)).collect()
    }
}

/// The datasets `user` reads as admin or steward, by the seed's layout.
pub fn readable_datasets(size: &Size, user: &User) -> Vec<u64> {
    let Size { organizations: o, environments: e, teams: g, datasets: d, .. } = *size;
    (0..d)
        .filter(|k| {
            let admin = (k % e) % g;
            let stewards = (admin + o) % g;
            user.teams.contains(&admin) || user.teams.contains(&stewards)
        })
        .collect()
}

/// The big shares `user`'s teams requested.
fn own_big_shares(size: &Size, user: &User) -> Vec<u64> {
    (0..BIG)
        .filter(|s| user.teams.contains(&(((s % size.environments) + 1) % size.environments % size.teams)))
        .collect()
}

fn body(query: &str, variables: Value) -> String {
    json!({"query": query, "variables": variables}).to_string()
}

/// The request bodies of one scenario, one per line; the load runner picks among them at random.
pub fn bodies(scenario: Scenario, size: &Size, user: &User) -> anyhow::Result<Vec<String>> {
    let datasets = readable_datasets(size, user);
    anyhow::ensure!(!datasets.is_empty(), "{} reads no dataset in this seed", user.name);
    let spread = |n: usize| datasets.iter().step_by((datasets.len() / n).max(1)).take(n);
    Ok(match scenario {
        Scenario::ListOrganizations => {
            vec![body(LIST_ORGANIZATIONS, json!({"filter": {"page": 1, "pageSize": PAGE}}))]
        }
        Scenario::ListDatasetsFirst => {
            vec![body(LIST_DATASETS, json!({"filter": {"page": 1, "pageSize": PAGE}}))]
        }
        Scenario::ListDatasetsDeep => {
            let last = (datasets.len() as u64).div_ceil(PAGE);
            vec![body(LIST_DATASETS, json!({"filter": {"page": last, "pageSize": PAGE}}))]
        }
        Scenario::GetDataset => spread(200)
            .map(|k| {
                body(
                    GET_DATASET,
                    json!({"uri": seed::dataset_uri(*k), "tables": {"page": 1, "pageSize": PAGE}}),
                )
            })
            .collect(),
        Scenario::GetShareObject => {
            let shares = own_big_shares(size, user);
            anyhow::ensure!(!shares.is_empty(), "{} requested none of the 50-item shares", user.name);
            shares.iter().map(|s| body(GET_SHARE, json!({"uri": seed::share_uri(*s)}))).collect()
        }
        Scenario::ShareRequestsToMe => vec![body(INBOX, json!({"filter": {"page": 1, "pageSize": PAGE}}))],
        Scenario::SearchCatalog => ["orders", "customer", "sales orders", "dataset 42", "amount"]
            .iter()
            .map(|term| body(SEARCH, json!({"input": {"term": term, "page": 1, "pageSize": PAGE}})))
            .collect(),
        Scenario::CreateDataset => user
            .teams
            .iter()
            .filter(|g| **g < size.environments)
            .take(10)
            .map(|g| {
                body(
                    CREATE_DATASET,
                    json!({"input": {
                        "label": "Bench created dataset",
                        "environmentUri": seed::environment_uri(*g),
                        "SamlAdminGroupName": seed::team(*g),
                        "description": "Created by the load runner",
                        "tags": ["bench", "created"],
                    }}),
                )
            })
            .collect(),
        Scenario::Mixed => {
            // 90 reads over the read scenarios, 10 writes: the runner picks lines uniformly.
            let reads: Vec<Scenario> = Scenario::ALL.into_iter().filter(|s| !s.writes()).collect();
            let mut out = Vec::new();
            for i in 0..90 {
                let pool = bodies(reads[i % reads.len()], size, user)?;
                out.push(pool[i % pool.len()].clone());
            }
            let writes = bodies(Scenario::CreateDataset, size, user)?;
            out.extend((0..10).map(|i| writes[i % writes.len()].clone()));
            out
        }
    })
}
