//! A dataset's Glue crawler (data.all's `startGlueCrawler`): made through the pivot role the
//! first time a crawl is asked for, pointed at the location asked for, then started.
//!
//! moto's CloudFormation drops `AWS::Glue::*` resources, so the crawler is made through Glue's
//! API, as the dataset's database is ([`GlueCatalog::ensure_database`]). moto 5.2 implements
//! CreateCrawler, GetCrawler and StartCrawler but not UpdateCrawler, which is only needed when
//! an existing crawler must be re-pointed (another prefix, role or database).
//!
//! [`GlueCatalog::ensure_database`]: crate::GlueCatalog::ensure_database

use aws_config::SdkConfig;
use aws_sdk_glue::types::{CrawlerTargets, S3Target};

use crate::catalog::CatalogError;

/// What a dataset's crawler is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlerSpec {
    pub name: String,
    /// The role the crawler runs as (the dataset's admin role); the pivot role passes it to
    /// Glue.
    pub role_arn: String,
    pub database_name: String,
    /// The one S3 target, `s3://<bucket>/<prefix>`.
    pub location: String,
    pub description: String,
}

/// What [`GlueCrawlers::ensure`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensured {
    Created,
    /// It existed with another role, database or target, and now has the spec's.
    Updated,
    Unchanged,
}

/// What [`GlueCrawlers::start`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    Started,
    /// It was running already (a retried task finds the crawl its first attempt started).
    AlreadyRunning,
}

/// A crawler's state as Glue reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlerState {
    /// READY, RUNNING or STOPPING.
    pub state: Option<String>,
    /// The last crawl's status: SUCCEEDED, CANCELLED or FAILED (RUNNING in moto).
    pub last_crawl: Option<String>,
    pub role: Option<String>,
    pub database_name: Option<String>,
    pub s3_paths: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct GlueCrawlers {
    glue: aws_sdk_glue::Client,
}

impl GlueCrawlers {
    pub fn new(config: &SdkConfig) -> Self {
        Self { glue: aws_sdk_glue::Client::new(config) }
    }

    /// The crawler, or `None` when there is none of that name.
    pub async fn get(&self, name: &str) -> Result<Option<CrawlerState>, CatalogError> {
        match self.glue.get_crawler().name(name).send().await {
            Ok(out) => Ok(out.crawler().map(|c| CrawlerState {
                state: c.state().map(|s| s.as_str().to_owned()),
                last_crawl: c.last_crawl().and_then(|l| l.status()).map(|s| s.as_str().to_owned()),
                role: c.role().map(str::to_owned),
                database_name: c.database_name().map(str::to_owned),
                s3_paths: c
                    .targets()
                    .map(|t| t.s3_targets().iter().filter_map(|s| s.path().map(str::to_owned)).collect())
                    .unwrap_or_default(),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_entity_not_found_exception()) => Ok(None),
            Err(e) => Err(CatalogError::aws(format!("Glue GetCrawler of {name}"), e)),
        }
    }

    /// Makes the crawler as `spec` says, or changes an existing one to say so. Safe to repeat.
    pub async fn ensure(&self, spec: &CrawlerSpec) -> Result<Ensured, CatalogError> {
        // Twice at most: a crawler made by a racing task between the read and the create is
        // read again and compared.
        for _ in 0..2 {
            match self.get(&spec.name).await? {
                None => {
                    if self.create(spec).await? {
                        return Ok(Ensured::Created);
                    }
                }
                Some(existing) if matches(&existing, spec) => return Ok(Ensured::Unchanged),
                Some(_) => {
                    self.update(spec).await?;
                    return Ok(Ensured::Updated);
                }
            }
        }
        Err(CatalogError::Conflict {
            op: format!("Glue CreateCrawler of {}", spec.name),
            message: "the crawler exists and can't be read; try again".into(),
        })
    }

    /// Starts a crawl.
    pub async fn start(&self, name: &str) -> Result<Started, CatalogError> {
        match self.glue.start_crawler().name(name).send().await {
            Ok(_) => {
                tracing::info!(crawler = name, "started the Glue crawler");
                Ok(Started::Started)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_crawler_running_exception()) => {
                Ok(Started::AlreadyRunning)
            }
            Err(e) => Err(CatalogError::aws(format!("Glue StartCrawler of {name}"), e)),
        }
    }

    /// Whether it was created (false: one of that name appeared meanwhile).
    async fn create(&self, spec: &CrawlerSpec) -> Result<bool, CatalogError> {
        let result = self
            .glue
            .create_crawler()
            .name(&spec.name)
            .role(&spec.role_arn)
            .database_name(&spec.database_name)
            .description(crate::cfn::text::glue_description(&spec.description))
            .targets(targets(spec))
            .send()
            .await;
        match result {
            Ok(_) => {
                tracing::info!(crawler = %spec.name, location = %spec.location, "created the Glue crawler");
                Ok(true)
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_already_exists_exception()) => Ok(false),
            Err(e) => Err(CatalogError::aws(format!("Glue CreateCrawler of {}", spec.name), e)),
        }
    }

    async fn update(&self, spec: &CrawlerSpec) -> Result<(), CatalogError> {
        let op = || format!("Glue UpdateCrawler of {}", spec.name);
        let result = self
            .glue
            .update_crawler()
            .name(&spec.name)
            .role(&spec.role_arn)
            .database_name(&spec.database_name)
            .targets(targets(spec))
            .send()
            .await;
        match result {
            Ok(_) => {
                tracing::info!(crawler = %spec.name, location = %spec.location, "re-pointed the Glue crawler");
                Ok(())
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_crawler_running_exception()) => {
                Err(CatalogError::Conflict {
                    op: op(),
                    message: format!(
                        "the crawler is running on another location; start the crawl of {} once it finished",
                        spec.location
                    ),
                })
            }
            Err(e) => Err(CatalogError::aws(op(), e)),
        }
    }
}

fn targets(spec: &CrawlerSpec) -> CrawlerTargets {
    CrawlerTargets::builder().s3_targets(S3Target::builder().path(&spec.location).build()).build()
}

/// Whether an existing crawler already does what `spec` asks. The role may come back as a
/// name or an ARN.
fn matches(existing: &CrawlerState, spec: &CrawlerSpec) -> bool {
    let role_matches = existing
        .role
        .as_deref()
        .is_some_and(|r| r == spec.role_arn || Some(r) == spec.role_arn.rsplit('/').next());
    role_matches
        && existing.database_name.as_deref() == Some(spec.database_name.as_str())
        && existing.s3_paths == [spec.location.clone()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CrawlerSpec {
        CrawlerSpec {
            name: "sluice-ab12cd34-crawler".into(),
            role_arn: "arn:aws:iam::111111111111:role/sluice-sales-ab12cd34".into(),
            database_name: "sluice_sales_ab12cd34".into(),
            location: "s3://sluice-sales-ab12cd34/raw/".into(),
            description: "d".into(),
        }
    }

    #[test]
    fn a_crawler_matches_when_role_database_and_target_agree() {
        let mut state = CrawlerState {
            state: Some("READY".into()),
            last_crawl: None,
            role: Some("sluice-sales-ab12cd34".into()),
            database_name: Some("sluice_sales_ab12cd34".into()),
            s3_paths: vec!["s3://sluice-sales-ab12cd34/raw/".into()],
        };
        assert!(matches(&state, &spec()));
        state.role = Some(spec().role_arn);
        assert!(matches(&state, &spec()));
        state.s3_paths = vec!["s3://sluice-sales-ab12cd34/".into()];
        assert!(!matches(&state, &spec()), "another prefix needs an update");
        state.s3_paths = vec!["s3://sluice-sales-ab12cd34/raw/".into()];
        state.role = Some("someone-else".into());
        assert!(!matches(&state, &spec()));
    }
}
