//! STS: who the process is running as.

use aws_sdk_sts::error::DisplayErrorContext;

/// The ARN of the caller, which proves AWS is reachable and the credentials are accepted
/// (`ecs-tasks health` uses it).
pub async fn caller_identity(client: &aws_sdk_sts::Client) -> anyhow::Result<String> {
    let out = match client.get_caller_identity().send().await {
        Ok(out) => out,
        Err(e) => {
            // `SdkError`'s own Display is just "service error"; the context names the cause.
            let message = format!("STS GetCallerIdentity failed: {}", DisplayErrorContext(&e));
            return Err(anyhow::Error::new(e).context(message));
        }
    };
    out.arn.ok_or_else(|| anyhow::anyhow!("STS GetCallerIdentity returned no ARN"))
}
