//! Stacks: an environment's or a dataset's CloudFormation stack as Sluice records it, and its
//! deploy's events as log lines.

use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, ID, Object, SimpleObject};
use sluice_core::{
    Error,
    environments::{Stack, StackResource},
};

use crate::graphql::{GqlResult, actor, core, to_gql};

/// An environment's CloudFormation stack.
pub struct StackGql(pub Stack);

/// How many stacks one request may ask `resources` of: each asks AWS (as many as a default page
/// of datasets).
pub const MAX_STACK_RESOURCE_LOOKUPS: usize = 10;

/// The `resources` lookups one request has made; the HTTP handler gives every request its own.
#[derive(Default)]
pub struct StackResourceLookups(AtomicUsize);

impl StackResourceLookups {
    /// Counts one more lookup, or refuses it past the limit.
    fn spend(&self) -> async_graphql::Result<()> {
        if self.0.fetch_add(1, Ordering::Relaxed) < MAX_STACK_RESOURCE_LOOKUPS {
            return Ok(());
        }
        Err(to_gql(Error::validation(
            "resources",
            format!(
                "one request reads the resources of at most {MAX_STACK_RESOURCE_LOOKUPS} stacks from AWS; \
                 ask for `resources` of fewer stacks at once (a smaller page, or getStack)"
            ),
        )))
    }
}

/// `[{"logicalId", "physicalId", "type", "status"}]`, as data.all's `Stack.resources` is a JSON
/// string of the stack's resources.
fn resources_json(resources: &[StackResource]) -> String {
    let list: Vec<serde_json::Value> = resources
        .iter()
        .map(|r| {
            serde_json::json!({
                "logicalId": r.logical_id,
                "physicalId": r.physical_id,
                "type": r.resource_type,
                "status": r.status,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[Object(name = "Stack")]
impl StackGql {
    async fn stack_uri(&self) -> ID {
        ID(self.0.stack_uri.clone())
    }
    async fn target_uri(&self) -> &str {
        &self.0.target_uri
    }
    /// The target's type, e.g. `environment`.
    async fn stack(&self) -> &str {
        &self.0.target_type
    }
    async fn environment_uri(&self) -> &str {
        &self.0.environment_uri
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn accountid(&self) -> &str {
        &self.0.account_id
    }
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// PENDING before the first deploy, then CloudFormation's status (CREATE_COMPLETE, …).
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn stackid(&self) -> Option<&str> {
        self.0.stack_id.as_deref()
    }
    async fn updated(&self) -> String {
        self.0.updated.to_rfc3339()
    }
    /// The CloudFormation console page of the stack, once it exists.
    async fn link(&self) -> Option<String> {
        self.0.stack_id.as_ref().map(|id| {
            format!(
                "https://{r}.console.aws.amazon.com/cloudformation/home?region={r}#/stacks/stackinfo?stackId={id}",
                r = self.0.region
            )
        })
    }
    /// Output name → value, as JSON.
    async fn outputs(&self) -> Option<&str> {
        self.0.outputs.as_deref()
    }
    /// The latest deploy's events, newest first, as JSON.
    async fn events(&self) -> Option<&str> {
        self.0.events.as_deref()
    }
    /// Why the latest deploy failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// The latest deploy or delete task; follow it with getTask.
    async fn task_uri(&self) -> Option<&str> {
        self.0.task_uri.as_deref()
    }
    /// Always null: the stack keeps its deploy task (`taskUri`), not the ECS task that ran it.
    /// While the deploy runs, getTask's `response` names where it ran: `{"launcher": "ecs",
    /// "id": <the ECS task ARN>}`, or a local process.
    #[graphql(name = "EcsTaskArn")]
    async fn ecs_task_arn(&self) -> Option<&str> {
        None
    }
    /// Always null, as `EcsTaskArn`: getTask on `taskUri` names where the deploy ran.
    #[graphql(name = "EcsTaskId")]
    async fn ecs_task_id(&self) -> Option<&str> {
        None
    }
    /// Stack events are readable by everyone who can read the environment.
    async fn can_view_logs(&self) -> bool {
        true
    }
    /// What the stack holds, read from CloudFormation when this field is asked for (one AWS
    /// call per stack, for at most 10 stacks per request): a JSON array of `{"logicalId",
    /// "physicalId", "type", "status"}`. Needs GET_ENVIRONMENT or GET_DATASET, as the stack
    /// does. Null before the stack's first deploy, when CloudFormation has no such stack, and
    /// when Sluice runs without AWS.
    async fn resources(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let actor = actor(ctx)?;
        ctx.data::<StackResourceLookups>()
            .map_err(|_| to_gql(Error::Internal("the request has no lookup budget attached".into())))?
            .spend()?;
        let found = core(ctx)?
            .environments()
            .stack_resources(actor, &self.0.target_type, &self.0.target_uri)
            .await
            .gql()?;
        Ok(found.as_deref().map(resources_json))
    }
}

#[derive(SimpleObject)]
pub struct StackLog {
    log_stream: Option<String>,
    log_group: Option<String>,
    timestamp: Option<String>,
    message: Option<String>,
}

impl StackLog {
    /// One CloudFormation event as a log line.
    pub fn from_event(event: &serde_json::Value) -> Self {
        let field = |k: &str| event.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let mut message = format!("{} {} {}", field("logicalId"), field("resourceType"), field("status"));
        let reason = field("reason");
        if !reason.is_empty() {
            message.push_str(": ");
            message.push_str(&reason);
        }
        Self {
            log_stream: None,
            log_group: Some("cloudformation".into()),
            timestamp: event.get("timestamp").and_then(|v| v.as_str()).map(str::to_owned),
            message: Some(message),
        }
    }
}
