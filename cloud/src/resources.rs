//! The AWS adapter of the account-resources port: whether the bucket, Glue database, KMS alias
//! and role an import names exist, one Glue table as it is now, folders' S3 prefixes, and what a
//! stack holds, all through the account's pivot role.

use sluice_core::{
    datasets::tables::GlueTable,
    environments::{AccountResources, AwsResource, ImportProblem, LinkError, PivotRole, StackResource},
};

use crate::{
    catalog::{CatalogError, GlueCatalog},
    link::{PivotLinker, assume_pivot},
    stacks::{DeployError, StackDeployer},
    storage::{Storage, StorageError},
    templates::PIVOT_ROLE_TAG,
};

fn refused_or_unreachable(what: &AwsResource, message: String) -> LinkError {
    // AWS's code leads the message (`describe`); only a refusal is the user's to fix.
    if message.split(':').next().is_some_and(|code| code.starts_with("AccessDenied")) {
        LinkError::Refused(format!(
            "the pivot role may not read the {what} ({message}): update the pivot role from the current \
             template, or grant it read access"
        ))
    } else {
        LinkError::Unreachable(format!("could not look up the {what}: {message}"))
    }
}

fn stack_error(stack: &str, e: DeployError) -> LinkError {
    match e {
        DeployError::Aws { message, .. } if message.starts_with("AccessDenied") => {
            LinkError::Refused(format!(
                "the pivot role may not list the resources of stack {stack} ({message}): update the pivot \
                 role from the current template (getPivotRoleTemplate)"
            ))
        }
        other => LinkError::Unreachable(other.to_string()),
    }
}

fn storage_error(what: &AwsResource, e: StorageError) -> LinkError {
    match e {
        StorageError::Forbidden { .. } => LinkError::Refused(e.to_string()),
        StorageError::Aws { message, .. } => refused_or_unreachable(what, message),
        StorageError::Invalid { .. } => LinkError::Unreachable(e.to_string()),
    }
}

fn catalog_error(what: &AwsResource, e: CatalogError) -> LinkError {
    match e {
        CatalogError::Aws { message, .. } => refused_or_unreachable(what, message),
        // Only writes conflict; the checks here only read.
        CatalogError::Invalid { .. } | CatalogError::Conflict { .. } => LinkError::Unreachable(e.to_string()),
    }
}

#[async_trait::async_trait]
impl AccountResources for PivotLinker {
    async fn check(
        &self,
        pivot: &PivotRole,
        wanted: &[AwsResource],
    ) -> Result<Vec<(AwsResource, ImportProblem)>, LinkError> {
        let session = assume_pivot(self.base(), pivot).await?;
        let storage = Storage::new(&session);
        let glue = GlueCatalog::new(&session);
        let iam = aws_sdk_iam::Client::new(&session);
        let mut problems = vec![];
        for what in wanted {
            let problem = match what {
                AwsResource::Bucket(name) => {
                    match storage
                        .bucket_place(name, &pivot.account_id)
                        .await
                        .map_err(|e| storage_error(what, e))?
                    {
                        None => Some(ImportProblem::Missing),
                        Some(place) if !place.owned => Some(ImportProblem::InAnotherAccount),
                        Some(place) => {
                            place.region.filter(|r| r != &pivot.region).map(ImportProblem::InAnotherRegion)
                        }
                    }
                }
                AwsResource::KmsAlias(name) => {
                    match storage
                        .key_tagged(name, PIVOT_ROLE_TAG, &pivot.role_name)
                        .await
                        .map_err(|e| storage_error(what, e))?
                    {
                        None => Some(ImportProblem::Missing),
                        Some(false) => Some(ImportProblem::KeyNotOpened),
                        Some(true) => None,
                    }
                }
                AwsResource::GlueDatabase(name) => {
                    (!glue.database_exists(name).await.map_err(|e| catalog_error(what, e))?)
                        .then_some(ImportProblem::Missing)
                }
                AwsResource::Role(name) => match iam.get_role().role_name(name).send().await {
                    Ok(_) => None,
                    Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
                        Some(ImportProblem::Missing)
                    }
                    Err(e) => return Err(refused_or_unreachable(what, crate::aws_error::describe(&e))),
                },
            };
            if let Some(problem) = problem {
                problems.push((what.clone(), problem));
            }
        }
        Ok(problems)
    }

    async fn table(
        &self,
        pivot: &PivotRole,
        database: &str,
        name: &str,
    ) -> Result<Option<GlueTable>, LinkError> {
        let session = assume_pivot(self.base(), pivot).await?;
        let what = AwsResource::GlueDatabase(database.to_owned());
        GlueCatalog::new(&session).table(database, name).await.map_err(|e| catalog_error(&what, e))
    }

    async fn create_prefix(&self, pivot: &PivotRole, bucket: &str, prefix: &str) -> Result<(), LinkError> {
        let session = assume_pivot(self.base(), pivot).await?;
        let what = AwsResource::Bucket(bucket.to_owned());
        match Storage::new(&session).create_prefix(bucket, prefix).await {
            Ok(_) => Ok(()),
            // A bucket that is not there yet is the user's to wait for, not a fault of ours.
            Err(StorageError::Aws { message, .. }) if message.starts_with("NoSuchBucket") => {
                Err(LinkError::Refused(format!(
                    "the {what} does not exist (yet); once the dataset's stack is deployed, try again"
                )))
            }
            Err(e) => Err(storage_error(&what, e)),
        }
    }

    async fn stack_resources(
        &self,
        pivot: &PivotRole,
        stack: &str,
    ) -> Result<Option<Vec<StackResource>>, LinkError> {
        let session = assume_pivot(self.base(), pivot).await?;
        StackDeployer::new(&session).resources(stack).await.map_err(|e| stack_error(stack, e))
    }
}
