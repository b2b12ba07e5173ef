//! `ecs-tasks health`: can a long task reach the database and AWS from where it runs? The
//! answer is recorded on its task, so the platform's health is visible through `getTask`.

use serde_json::{Value, json};
use sluice_core::system::System;

pub struct Report {
    pub healthy: bool,
    pub details: Value,
}

pub async fn check(
    system: &System<'_>,
    aws: impl std::future::Future<Output = anyhow::Result<String>>,
) -> Report {
    let database = match system.ping().await {
        Ok(()) => json!({"ok": true}),
        Err(err) => json!({"ok": false, "error": err.chain().to_string()}),
    };
    let aws = match aws.await {
        Ok(arn) => json!({"ok": true, "callerArn": arn}),
        Err(err) => json!({"ok": false, "error": format!("{err:#}")}),
    };
    let healthy = database["ok"] == true && aws["ok"] == true;
    Report { healthy, details: json!({"database": database, "aws": aws}) }
}

impl Report {
    /// One line for the task's error: what failed and what to check.
    pub fn problem(&self) -> String {
        let mut parts = Vec::new();
        if self.details["database"]["ok"] != true {
            parts.push(format!(
                "database unreachable ({}): check SLUICE_DATABASE_URL",
                self.details["database"]["error"]
            ));
        }
        if self.details["aws"]["ok"] != true {
            parts.push(format!(
                "AWS unreachable ({}): check credentials, AWS_REGION and AWS_ENDPOINT_URL",
                self.details["aws"]["error"]
            ));
        }
        parts.join("; ")
    }
}
