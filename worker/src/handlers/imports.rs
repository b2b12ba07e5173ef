//! `dataset.register-location`: registers an imported dataset's bucket with Lake Formation
//! through the admin role, as a created dataset's deploy does, so its tables can be shared; and
//! creates its Glue database first when the import named none (`createGlueDatabase`).

use anyhow::Context;
use serde_json::json;
use sluice_cloud::{GlueCatalog, LakeFormation, assume_pivot, lake::bucket_arn};
use sluice_core::tasks::Task;

use crate::handler::{HandlerContext, Outcome, TaskHandler};

pub struct RegisterImported;

#[async_trait::async_trait]
impl TaskHandler for RegisterImported {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome> {
        let uri = super::payload(task, "datasetUri")?;
        let found = ctx
            .core
            .system("dataset.register-location")
            .import_registration(uri)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.chain()))?;
        let Some(registration) = found else {
            return Ok(Outcome::Done(
                json!({"status": "SKIPPED", "reason": "the dataset is gone or was not imported"}),
            ));
        };
        let session = assume_pivot(&ctx.aws().await, &registration.pivot)
            .await
            .context("assuming the dataset account's pivot role")?;
        let create_database =
            task.payload.get("createGlueDatabase").and_then(|v| v.as_bool()).unwrap_or(false);
        let mut database_created = false;
        if create_database {
            let database = &registration.glue_database_name;
            // Idempotent: a retry finds the database it made.
            database_created = GlueCatalog::new(&session)
                .ensure_database(
                    database,
                    &format!("s3://{}/", registration.bucket_name),
                    &format!("Imported dataset {}", registration.label),
                )
                .await
                .with_context(|| format!("creating the Glue database {database}"))?;
        }
        let resource = bucket_arn("aws", &registration.bucket_name);
        let registered = LakeFormation::new(&session)
            .register_location(&resource, &registration.admin_role_arn)
            .await
            .with_context(|| {
                format!(
                    "registering {resource} with Lake Formation; check the pivot role may pass {}",
                    registration.admin_role_arn
                )
            })?;
        Ok(Outcome::Done(
            json!({"resourceArn": resource, "roleArn": registration.admin_role_arn, "registered": registered,
                "glueDatabase": registration.glue_database_name, "glueDatabaseCreated": database_created}),
        ))
    }
}
