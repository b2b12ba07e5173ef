//! The OpenSearch adapter (`SLUICE_OPENSEARCH_URL`): one index, `<prefix>-v<schema version>`,
//! created with explicit mappings; writes go through `_bulk` and wait for the refresh, so a
//! search after a write sees it. Basic auth or SigV4 (Amazon OpenSearch Service).

mod query;

use std::time::Duration;

use opensearch::{
    BulkParts, DeleteByQueryParts, OpenSearch, SearchParts,
    auth::Credentials,
    http::{
        StatusCode,
        request::JsonBody,
        response::Response,
        transport::{SingleNodeConnectionPool, TransportBuilder},
    },
    indices::{IndicesCreateParts, IndicesDeleteParts, IndicesExistsParts},
    params::{Conflicts, Refresh},
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sluice_core::{
    Error, Result,
    catalog::{CatalogDocument, SearchIndex, SearchRequest, SearchResults},
};

use crate::{OpenSearchAuth, OpenSearchSettings, internal};

/// Bump when the mappings or the indexed fields change: the new version's index is created
/// empty beside the old one and rebuilt from the database.
pub const SCHEMA_VERSION: u32 = 2;

/// Documents per `_search` page when listing the whole index.
const INVENTORY_PAGE: usize = 1000;

#[derive(Debug, thiserror::Error)]
#[error("OpenSearch refused {operation} ({status}): {body}")]
struct Refused {
    operation: &'static str,
    status: StatusCode,
    body: String,
}

pub struct OpenSearchIndex {
    client: OpenSearch,
    index: String,
    needs_rebuild: bool,
}

impl OpenSearchIndex {
    /// Connects, and creates the index when this schema version has none.
    pub async fn connect(settings: &OpenSearchSettings) -> Result<Self> {
        let url = opensearch::http::Url::parse(&settings.url).map_err(internal)?;
        let mut transport =
            TransportBuilder::new(SingleNodeConnectionPool::new(url)).timeout(Duration::from_secs(30));
        transport = match &settings.auth {
            OpenSearchAuth::None => transport,
            OpenSearchAuth::Basic { username, password } => {
                transport.auth(Credentials::Basic(username.clone(), password.expose_secret().to_owned()))
            }
            OpenSearchAuth::SigV4 { service } => {
                let config = sluice_cloud::sdk_config().await;
                let credentials = Credentials::try_from(&config).map_err(internal)?;
                transport.auth(credentials).service_name(service)
            }
        };
        let client = OpenSearch::new(transport.build().map_err(internal)?);
        let mut index = Self {
            client,
            index: format!("{}-v{SCHEMA_VERSION}", settings.index_prefix),
            needs_rebuild: false,
        };
        index.needs_rebuild = index.ensure().await?;
        Ok(index)
    }

    /// The index's name, with its schema version.
    pub fn index_name(&self) -> &str {
        &self.index
    }

    /// Creates the index if it is missing; true when this call created it.
    async fn ensure(&self) -> Result<bool> {
        let exists = self
            .client
            .indices()
            .exists(IndicesExistsParts::Index(&[&self.index]))
            .send()
            .await
            .map_err(internal)?;
        if exists.status_code().is_success() {
            return Ok(false);
        }
        let created = self
            .client
            .indices()
            .create(IndicesCreateParts::Index(&self.index))
            .body(query::mappings(SCHEMA_VERSION))
            .send()
            .await
            .map_err(internal)?;
        if created.status_code() == StatusCode::BAD_REQUEST {
            // Another replica created it first.
            let body = created.text().await.map_err(internal)?;
            if body.contains("resource_already_exists_exception") {
                return Ok(false);
            }
            return Err(internal(Refused {
                operation: "creating the index",
                status: StatusCode::BAD_REQUEST,
                body,
            }));
        }
        checked("creating the index", created).await?;
        tracing::info!(index = %self.index, "created the catalog's OpenSearch index");
        Ok(true)
    }

    async fn bulk(&self, lines: Vec<Value>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let body: Vec<JsonBody<Value>> = lines.into_iter().map(JsonBody::from).collect();
        let response = self
            .client
            .bulk(BulkParts::Index(&self.index))
            .refresh(Refresh::WaitFor)
            .body(body)
            .send()
            .await
            .map_err(internal)?;
        let answer = checked("a bulk write", response).await?;
        if answer["errors"].as_bool() == Some(true) {
            let failures: Vec<&Value> = answer["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item.as_object()?.values().next())
                // Deleting what is not there is what a delete wants.
                .filter(|result| result["error"].is_object() && result["status"].as_u64() != Some(404))
                .collect();
            if let Some(first) = failures.first() {
                return Err(internal(Refused {
                    operation: "a bulk write",
                    status: StatusCode::OK,
                    body: format!("{} of the items failed, first: {}", failures.len(), first["error"]),
                }));
            }
        }
        Ok(())
    }

    async fn search_raw(&self, body: Value) -> Result<Value> {
        let response = self
            .client
            .search(SearchParts::Index(&[&self.index]))
            .body(body)
            .send()
            .await
            .map_err(internal)?;
        checked("a search", response).await
    }
}

/// The response's JSON, or an error holding what OpenSearch said.
async fn checked(operation: &'static str, response: Response) -> Result<Value> {
    let status = response.status_code();
    if status.is_success() {
        return response.json::<Value>().await.map_err(internal);
    }
    let body = response.text().await.unwrap_or_default();
    Err(internal(Refused { operation, status, body }))
}

#[async_trait::async_trait]
impl SearchIndex for OpenSearchIndex {
    fn kind(&self) -> &'static str {
        "opensearch"
    }

    fn needs_rebuild(&self) -> bool {
        self.needs_rebuild
    }

    async fn upsert(&self, docs: &[CatalogDocument]) -> Result<()> {
        let mut lines = Vec::with_capacity(docs.len() * 2);
        for doc in docs {
            lines.push(json!({"index": {"_id": doc.uri}}));
            lines.push(query::source(doc)?);
        }
        self.bulk(lines).await
    }

    async fn delete(&self, uris: &[String]) -> Result<()> {
        self.bulk(uris.iter().map(|uri| json!({"delete": {"_id": uri}})).collect()).await
    }

    async fn delete_dataset(&self, dataset_uri: &str) -> Result<()> {
        let response = self
            .client
            .delete_by_query(DeleteByQueryParts::Index(&[&self.index]))
            .conflicts(Conflicts::Proceed)
            .refresh(true)
            .body(json!({"query": {"term": {"datasetUri": dataset_uri}}}))
            .send()
            .await
            .map_err(internal)?;
        checked("deleting a dataset's documents", response).await.map(|_| ())
    }

    async fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let terms = request.terms();
        let answer = self.search_raw(query::search_body(request, &terms)).await?;
        query::results(&answer, request)
    }

    async fn inventory(&self) -> Result<Vec<(String, String)>> {
        let mut out = vec![];
        let mut after: Option<Value> = None;
        loop {
            let answer = self.search_raw(query::inventory_body(INVENTORY_PAGE, after.take())).await?;
            let hits = answer["hits"]["hits"].as_array().cloned().unwrap_or_default();
            for hit in &hits {
                let (Some(uri), Some(print)) =
                    (hit["_source"]["uri"].as_str(), hit["_source"]["fingerprint"].as_str())
                else {
                    return Err(Error::Internal(
                        format!("a document without uri or fingerprint: {hit}").into(),
                    ));
                };
                out.push((uri.to_owned(), print.to_owned()));
            }
            if hits.len() < INVENTORY_PAGE {
                return Ok(out);
            }
            after = hits.last().map(|h| h["sort"].clone());
        }
    }

    async fn reset(&self) -> Result<()> {
        let response = self
            .client
            .indices()
            .delete(IndicesDeleteParts::Index(&[&self.index]))
            .send()
            .await
            .map_err(internal)?;
        if response.status_code() != StatusCode::NOT_FOUND {
            checked("deleting the index", response).await?;
        }
        self.ensure().await.map(|_| ())
    }
}
