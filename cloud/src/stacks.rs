//! Deploying CloudFormation stacks, and the Lake Formation settings CloudFormation can't make.
//!
//! Plain CreateStack/UpdateStack rather than change sets: change sets are unreliable in moto
//! (executing one failed with BucketAlreadyExists), and a stack's events tell as much about
//! what happened. Every step is safe to repeat, so a deploy task that died half-way is simply
//! run again: it waits for whatever CloudFormation is still doing, then creates or updates.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use aws_config::SdkConfig;
use aws_sdk_cloudformation::types::{Capability, Stack, Tag};
use aws_sdk_lakeformation::types::{DataLakePrincipal, DataLakeSettings};

use sluice_core::environments::StackResource;

use crate::cfn::Template;

mod outcome;

pub use outcome::{DeployError, DeployOutcome, MAX_TEMPLATE_BODY, StackEvent};
use outcome::{failure_reason, is_missing_stack, is_no_update, is_settled};

pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Environment stacks take minutes; an hour means CloudFormation is stuck, not slow.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);
pub const DEFAULT_MAX_EVENTS: usize = 100;
/// How many pages of events one poll reads at most (CloudFormation pages hold 100).
const MAX_EVENT_PAGES: usize = 5;
/// How many pages of resources a listing reads at most: a stack holds at most 500 resources,
/// and CloudFormation pages hold 100.
const MAX_RESOURCE_PAGES: usize = 5;
/// How many events of one operation are kept to find the failure's cause.
const MAX_OPERATION_EVENTS: usize = 1000;
/// Statuses a stack cannot be updated from: it has to be deleted and created again. A failed
/// create rolls back to ROLLBACK_COMPLETE (or ROLLBACK_FAILED), and REVIEW_IN_PROGRESS is a
/// stack whose first change set never ran.
const RECREATE_FROM: &[&str] = &["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "REVIEW_IN_PROGRESS"];

/// Deploys stacks in one account and region: build it from the pivot role's configuration
/// ([`assume_pivot`](crate::link::assume_pivot)).
#[derive(Debug, Clone)]
pub struct StackDeployer {
    cfn: aws_sdk_cloudformation::Client,
    lakeformation: aws_sdk_lakeformation::Client,
    poll_interval: Duration,
    timeout: Duration,
    max_events: usize,
}

impl StackDeployer {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            cfn: aws_sdk_cloudformation::Client::new(config),
            lakeformation: aws_sdk_lakeformation::Client::new(config),
            poll_interval: DEFAULT_POLL_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
            max_events: DEFAULT_MAX_EVENTS,
        }
    }

    /// How long to wait between two looks at a stack in progress.
    pub fn with_poll_interval(mut self, poll_interval: Duration) -> Self {
        self.poll_interval = poll_interval;
        self
    }

    /// How long one deploy or delete may wait for CloudFormation in all.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many of the latest events an outcome carries.
    pub fn with_max_events(mut self, max_events: usize) -> Self {
        self.max_events = max_events;
        self
    }

    /// Creates the stack, or updates it if it exists, and waits until CloudFormation is done.
    /// `tags` go on the stack, and CloudFormation copies them to every resource that takes
    /// tags. `on_progress` sees each new event, oldest first, as polling finds it.
    pub async fn deploy(
        &self,
        stack_name: &str,
        template: &Template,
        tags: &BTreeMap<String, String>,
        on_progress: impl Fn(&StackEvent) + Send + Sync,
    ) -> Result<DeployOutcome, DeployError> {
        let body = template.to_compact_json();
        if body.len() > MAX_TEMPLATE_BODY {
            return Err(DeployError::TemplateTooLarge { stack: stack_name.to_owned(), size: body.len() });
        }
        let started = Instant::now();
        let mut current = self.settled(stack_name, started, &on_progress).await?;
        if let Some(stack) = current.as_ref().filter(|s| RECREATE_FROM.contains(&status(s))) {
            tracing::info!(
                stack = stack_name,
                status = status(stack),
                "deleting the stack to create it again"
            );
            let deleted = self.delete_settled(stack, started, &on_progress).await?;
            if !deleted.succeeded() {
                return Ok(deleted);
            }
            current = None;
        }
        let tags: Vec<Tag> = tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();

        let Some(stack) = current else {
            let out = self
                .cfn
                .create_stack()
                .stack_name(stack_name)
                .template_body(&body)
                .capabilities(Capability::CapabilityNamedIam)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| DeployError::aws(format!("CloudFormation CreateStack of {stack_name}"), e))?;
            tracing::info!(stack = stack_name, "creating the stack");
            let id = out.stack_id.unwrap_or_else(|| stack_name.to_owned());
            return self.follow_to_outcome(&id, None, started, &on_progress).await;
        };

        let id = stack_id(&stack, stack_name);
        let baseline = self.latest_event_id(&id).await?;
        let update = self
            .cfn
            .update_stack()
            .stack_name(&id)
            .template_body(&body)
            .capabilities(Capability::CapabilityNamedIam)
            .set_tags(Some(tags))
            .send()
            .await;
        match update {
            Ok(_) => {
                tracing::info!(stack = stack_name, "updating the stack");
                self.follow_to_outcome(&id, baseline, started, &on_progress).await
            }
            Err(e) if is_no_update(&e) => {
                tracing::info!(stack = stack_name, "the stack is already up to date");
                self.outcome(&stack, &[]).await
            }
            Err(e) => Err(DeployError::aws(format!("CloudFormation UpdateStack of {stack_name}"), e)),
        }
    }

    /// Deletes the stack and waits until it is gone. A stack that does not exist is already
    /// deleted. Resources with a Retain policy (buckets, keys) stay in the account.
    pub async fn delete(&self, stack_name: &str) -> Result<DeployOutcome, DeployError> {
        let started = Instant::now();
        match self.settled(stack_name, started, &|_: &StackEvent| {}).await? {
            Some(stack) => self.delete_settled(&stack, started, &|_: &StackEvent| {}).await,
            None => Ok(absent()),
        }
    }

    /// What the stack (by name or id) holds now, as ListStackResources pages it; None when
    /// CloudFormation has no such stack. Sluice's stacks fit in one page.
    pub async fn resources(&self, stack: &str) -> Result<Option<Vec<StackResource>>, DeployError> {
        let mut resources = Vec::new();
        let mut token = None;
        for _ in 0..MAX_RESOURCE_PAGES {
            let out =
                match self.cfn.list_stack_resources().stack_name(stack).set_next_token(token).send().await {
                    Ok(out) => out,
                    Err(e) if is_missing_stack(&e) => return Ok(None),
                    Err(e) => {
                        return Err(DeployError::aws(
                            format!("CloudFormation ListStackResources of {stack}"),
                            e,
                        ));
                    }
                };
            resources.extend(out.stack_resource_summaries().iter().map(|r| StackResource {
                logical_id: r.logical_resource_id().unwrap_or_default().to_owned(),
                physical_id: r.physical_resource_id().filter(|id| !id.is_empty()).map(str::to_owned),
                resource_type: r.resource_type().unwrap_or_default().to_owned(),
                status: r.resource_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            }));
            token = out.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(Some(resources))
    }

    /// Makes `principal_arn` a Lake Formation data-lake administrator of this account and
    /// region, keeping the administrators and settings already there. Returns whether it had
    /// to be added. PutDataLakeSettings replaces all settings, hence the read first.
    pub async fn ensure_data_lake_admin(&self, principal_arn: &str) -> Result<bool, DeployError> {
        let out = self
            .lakeformation
            .get_data_lake_settings()
            .send()
            .await
            .map_err(|e| DeployError::aws("Lake Formation GetDataLakeSettings", e))?;
        let mut settings = out.data_lake_settings.unwrap_or_else(|| DataLakeSettings::builder().build());
        let admins = settings.data_lake_admins.get_or_insert_with(Vec::new);
        if admins.iter().any(|a| a.data_lake_principal_identifier() == Some(principal_arn)) {
            return Ok(false);
        }
        admins.push(DataLakePrincipal::builder().data_lake_principal_identifier(principal_arn).build());
        self.lakeformation.put_data_lake_settings().data_lake_settings(settings).send().await.map_err(
            |e| DeployError::aws(format!("Lake Formation PutDataLakeSettings adding {principal_arn}"), e),
        )?;
        tracing::info!(principal = principal_arn, "made a Lake Formation data-lake administrator");
        Ok(true)
    }

    /// The stack by name once no operation is running on it, or `None` if there is none.
    async fn settled(
        &self,
        stack_name: &str,
        started: Instant,
        on_progress: &(impl Fn(&StackEvent) + Send + Sync),
    ) -> Result<Option<Stack>, DeployError> {
        let Some(stack) = self.describe(stack_name).await? else { return Ok(None) };
        if is_settled(status(&stack)) {
            return Ok(Some(stack).filter(|s| status(s) != "DELETE_COMPLETE"));
        }
        tracing::info!(stack = stack_name, status = status(&stack), "waiting for the operation in progress");
        let id = stack_id(&stack, stack_name);
        let baseline = self.latest_event_id(&id).await?;
        let (stack, _) = self.follow(&id, baseline, started, on_progress).await?;
        Ok(stack.filter(|s| status(s) != "DELETE_COMPLETE"))
    }

    async fn delete_settled(
        &self,
        stack: &Stack,
        started: Instant,
        on_progress: &(impl Fn(&StackEvent) + Send + Sync),
    ) -> Result<DeployOutcome, DeployError> {
        // By id: once deleted, a stack can only be described by its id.
        let id = stack_id(stack, stack.stack_name().unwrap_or_default());
        let baseline = self.latest_event_id(&id).await?;
        self.cfn
            .delete_stack()
            .stack_name(&id)
            .send()
            .await
            .map_err(|e| DeployError::aws(format!("CloudFormation DeleteStack of {id}"), e))?;
        tracing::info!(stack = id, "deleting the stack");
        self.follow_to_outcome(&id, baseline, started, on_progress).await
    }

    async fn follow_to_outcome(
        &self,
        id: &str,
        baseline: Option<String>,
        started: Instant,
        on_progress: &(impl Fn(&StackEvent) + Send + Sync),
    ) -> Result<DeployOutcome, DeployError> {
        match self.follow(id, baseline, started, on_progress).await? {
            (Some(stack), events) => self.outcome(&stack, &events).await,
            // Only a deleted stack vanishes (where deleted stacks are not kept describable).
            (None, _) => Ok(absent()),
        }
    }

    /// Polls the stack until it settles, reporting new events (those after `baseline`).
    /// Returns the settled stack, or `None` if it vanished, and this operation's events.
    async fn follow(
        &self,
        id: &str,
        mut baseline: Option<String>,
        started: Instant,
        on_progress: &(impl Fn(&StackEvent) + Send + Sync),
    ) -> Result<(Option<Stack>, Vec<StackEvent>), DeployError> {
        let mut operation_events = Vec::new();
        loop {
            let stack = self.describe(id).await?;
            let fresh = self.events_since(id, &mut baseline).await?;
            for event in &fresh {
                on_progress(event);
            }
            let room = MAX_OPERATION_EVENTS.saturating_sub(operation_events.len());
            operation_events.extend(fresh.into_iter().take(room));
            let Some(stack) = stack else { return Ok((None, operation_events)) };
            if is_settled(status(&stack)) {
                return Ok((Some(stack), operation_events));
            }
            if started.elapsed() >= self.timeout {
                return Err(DeployError::Timeout {
                    stack: id.to_owned(),
                    status: status(&stack).to_owned(),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }

    async fn describe(&self, stack: &str) -> Result<Option<Stack>, DeployError> {
        match self.cfn.describe_stacks().stack_name(stack).send().await {
            Ok(out) => Ok(out.stacks.and_then(|s| s.into_iter().next())),
            Err(e) if is_missing_stack(&e) => Ok(None),
            Err(e) => Err(DeployError::aws(format!("CloudFormation DescribeStacks of {stack}"), e)),
        }
    }

    /// Events newer than `*after`, oldest first; moves `*after` to the newest.
    async fn events_since(
        &self,
        id: &str,
        after: &mut Option<String>,
    ) -> Result<Vec<StackEvent>, DeployError> {
        let mut fresh = Vec::new();
        let mut newest = None;
        let mut token = None;
        'pages: for _ in 0..MAX_EVENT_PAGES {
            let out = match self.cfn.describe_stack_events().stack_name(id).set_next_token(token).send().await
            {
                Ok(out) => out,
                Err(e) if is_missing_stack(&e) => break,
                Err(e) => {
                    return Err(DeployError::aws(format!("CloudFormation DescribeStackEvents of {id}"), e));
                }
            };
            for event in out.stack_events() {
                if after.is_some() && event.event_id() == after.as_deref() {
                    break 'pages;
                }
                if newest.is_none() {
                    newest = event.event_id().map(str::to_owned);
                }
                fresh.push(StackEvent::from_sdk(event));
            }
            token = out.next_token;
            if token.is_none() {
                break;
            }
        }
        if newest.is_some() {
            *after = newest;
        }
        fresh.reverse();
        Ok(fresh)
    }

    async fn latest_event_id(&self, id: &str) -> Result<Option<String>, DeployError> {
        match self.cfn.describe_stack_events().stack_name(id).send().await {
            Ok(out) => Ok(out.stack_events().first().and_then(|e| e.event_id()).map(str::to_owned)),
            Err(e) if is_missing_stack(&e) => Ok(None),
            Err(e) => Err(DeployError::aws(format!("CloudFormation DescribeStackEvents of {id}"), e)),
        }
    }

    /// The latest events, newest first, at most `max_events`.
    async fn latest_events(&self, id: &str) -> Result<Vec<StackEvent>, DeployError> {
        let mut events = Vec::new();
        let mut token = None;
        while events.len() < self.max_events {
            let out = match self.cfn.describe_stack_events().stack_name(id).set_next_token(token).send().await
            {
                Ok(out) => out,
                Err(e) if is_missing_stack(&e) => break,
                Err(e) => {
                    return Err(DeployError::aws(format!("CloudFormation DescribeStackEvents of {id}"), e));
                }
            };
            let room = self.max_events - events.len();
            events.extend(out.stack_events().iter().take(room).map(StackEvent::from_sdk));
            token = out.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(events)
    }

    async fn outcome(
        &self,
        stack: &Stack,
        operation_events: &[StackEvent],
    ) -> Result<DeployOutcome, DeployError> {
        let status = status(stack).to_owned();
        let events = self.latest_events(&stack_id(stack, stack.stack_name().unwrap_or_default())).await?;
        // A deleted stack's outputs name resources that are gone (or retained, and no longer
        // the stack's); moto keeps reporting them.
        let outputs = if status == "DELETE_COMPLETE" {
            BTreeMap::new()
        } else {
            stack
                .outputs()
                .iter()
                .filter_map(|o| {
                    Some((o.output_key()?.to_owned(), o.output_value().unwrap_or_default().to_owned()))
                })
                .collect()
        };
        let reason = failure_reason(&status, stack.stack_status_reason(), operation_events);
        if !outcome::is_success(&status) {
            tracing::warn!(stack = stack.stack_name(), status, reason, "the stack operation failed");
        }
        Ok(DeployOutcome { status, reason, outputs, events })
    }
}

fn status(stack: &Stack) -> &str {
    stack.stack_status().map(|s| s.as_str()).unwrap_or_default()
}

fn stack_id(stack: &Stack, fallback: &str) -> String {
    stack.stack_id().unwrap_or(fallback).to_owned()
}

/// The outcome of deleting a stack that is not there.
fn absent() -> DeployOutcome {
    DeployOutcome {
        status: "DELETE_COMPLETE".to_owned(),
        reason: Some("the stack does not exist".to_owned()),
        outputs: BTreeMap::new(),
        events: Vec::new(),
    }
}
