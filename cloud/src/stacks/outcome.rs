//! What a deploy or delete ends with, and the errors that stop one.

use std::{collections::BTreeMap, time::Duration};

use aws_sdk_cloudformation::{
    error::{DisplayErrorContext, ProvideErrorMetadata, SdkError},
    primitives::DateTimeFormat,
    types::StackEvent as SdkStackEvent,
};
use serde::{Deserialize, Serialize};

/// CloudFormation takes at most this many bytes of template in a request body; a larger one
/// would have to be uploaded to S3 first.
pub const MAX_TEMPLATE_BODY: usize = 51_200;

/// One line of a stack's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackEvent {
    /// RFC 3339 in UTC, so the text sorts like the time.
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

impl StackEvent {
    pub(super) fn from_sdk(event: &SdkStackEvent) -> Self {
        Self {
            timestamp: event
                .timestamp()
                .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
                .unwrap_or_default(),
            logical_id: event.logical_resource_id().unwrap_or_default().to_owned(),
            resource_type: event.resource_type().unwrap_or_default().to_owned(),
            status: event.resource_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            reason: event.resource_status_reason().filter(|r| !r.is_empty()).map(str::to_owned),
        }
    }

    pub fn failed(&self) -> bool {
        self.status.ends_with("_FAILED")
    }
}

/// How a deploy or delete ended. A stack that failed (rolled back, or could not be deleted) is
/// an outcome, not an error: the caller records its status, reason and events, and the deploy
/// can be retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployOutcome {
    /// The stack's final status, e.g. CREATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE.
    pub status: String,
    /// Why: CloudFormation's reason for the stack, followed on failure by the first resource
    /// that failed and its own reason (the stack's alone rarely says what went wrong).
    pub reason: Option<String>,
    pub outputs: BTreeMap<String, String>,
    /// The stack's latest events, newest first, at most [`StackDeployer`]'s bound.
    ///
    /// [`StackDeployer`]: super::StackDeployer
    pub events: Vec<StackEvent>,
}

impl DeployOutcome {
    /// Whether the stack is now as asked: created, updated, unchanged or deleted.
    pub fn succeeded(&self) -> bool {
        is_success(&self.status)
    }
}

pub(super) fn is_success(status: &str) -> bool {
    matches!(status, "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE")
}

/// Every status but `*_IN_PROGRESS` is one CloudFormation stays in until asked to do more.
/// `REVIEW_IN_PROGRESS` (a stack made by a change set that never ran) counts as settled too:
/// nothing will move it.
pub(super) fn is_settled(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS") || status == "REVIEW_IN_PROGRESS"
}

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A call could not be made, or AWS refused it (not the same as a stack that failed).
    #[error("{op} failed: {message}")]
    Aws {
        op: String,
        message: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "the template for stack {stack} is {size} bytes; CloudFormation takes at most {MAX_TEMPLATE_BODY} in a request"
    )]
    TemplateTooLarge { stack: String, size: usize },
    #[error("stack {stack} was still {status} after {waited:?}; it is left as it is")]
    Timeout { stack: String, status: String, waited: Duration },
}

impl DeployError {
    pub(super) fn aws<E, R>(op: impl Into<String>, e: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        // AWS's own code and message when it answered; the whole chain (which can hold the raw
        // response) only when it did not.
        let message = match error_code(&e) {
            Some((code, message)) => format!("{code}: {message}"),
            None => DisplayErrorContext(&e).to_string(),
        };
        Self::Aws { op: op.into(), message, source: Box::new(e) }
    }
}

/// The service error's code and message, when AWS answered with one.
pub(super) fn error_code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<(&str, &str)> {
    let service = e.as_service_error()?;
    Some((service.code()?, service.message().unwrap_or_default()))
}

/// CloudFormation answers DescribeStacks on a stack it does not have with a ValidationError,
/// "Stack with id <name> does not exist".
pub(super) fn is_missing_stack<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(error_code(e), Some(("ValidationError", message)) if message.contains("does not exist"))
}

/// UpdateStack of an unchanged template is a ValidationError, "No updates are to be performed."
pub(super) fn is_no_update<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(error_code(e), Some(("ValidationError", message)) if message.contains("No updates are to be performed"))
}

/// The stack's reason, and on failure the first resource that failed (events oldest first).
pub(super) fn failure_reason(
    status: &str,
    stack_reason: Option<&str>,
    events: &[StackEvent],
) -> Option<String> {
    let stack_reason = stack_reason.filter(|r| !r.is_empty());
    if is_success(status) {
        return stack_reason.map(str::to_owned);
    }
    // Resources cancelled because another failed say only that; skip them for the cause.
    let cause = events.iter().find(|e| {
        e.failed()
            && e.reason.as_deref().is_some_and(|r| !r.contains("cancelled"))
            && e.resource_type != STACK_TYPE
    });
    let cause = cause
        .map(|e| format!("{} ({}): {}", e.logical_id, e.resource_type, e.reason.as_deref().unwrap_or("")));
    match (stack_reason, cause) {
        (Some(stack), Some(cause)) => Some(format!("{stack} First failure: {cause}")),
        (Some(stack), None) => Some(stack.to_owned()),
        (None, cause) => cause,
    }
}

pub(super) const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn event(logical_id: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            timestamp: String::new(),
            logical_id: logical_id.into(),
            resource_type: if logical_id == "stack" { STACK_TYPE.into() } else { "AWS::S3::Bucket".into() },
            status: status.into(),
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn a_failure_names_the_first_resource_that_failed() {
        let events = [
            event("stack", "CREATE_IN_PROGRESS", Some("User Initiated")),
            event("Logs", "CREATE_FAILED", Some("Resource creation cancelled")),
            event("Data", "CREATE_FAILED", Some("Bucket already exists")),
            event(
                "stack",
                "ROLLBACK_IN_PROGRESS",
                Some("The following resource(s) failed to create: [Data]."),
            ),
        ];
        let reason = failure_reason("ROLLBACK_COMPLETE", Some("Rollback requested by user."), &events);
        assert_eq!(
            reason.as_deref(),
            Some("Rollback requested by user. First failure: Data (AWS::S3::Bucket): Bucket already exists")
        );
        assert_eq!(failure_reason("ROLLBACK_COMPLETE", None, &events[..1]), None);
        assert_eq!(failure_reason("CREATE_COMPLETE", Some(""), &events), None);
    }

    #[test]
    fn settled_and_successful_statuses() {
        assert!(
            is_settled("CREATE_COMPLETE")
                && is_settled("ROLLBACK_COMPLETE")
                && is_settled("REVIEW_IN_PROGRESS")
        );
        assert!(!is_settled("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") && !is_settled("DELETE_IN_PROGRESS"));
        assert!(is_success("UPDATE_COMPLETE") && !is_success("UPDATE_ROLLBACK_COMPLETE"));
    }
}
