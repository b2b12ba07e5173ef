//! Between the port's values and SQS's: system attributes, whole seconds, attribute text, and
//! errors.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use aws_sdk_sqs::{
    error::{DisplayErrorContext, ProvideErrorMetadata, SdkError},
    types::{Message, MessageSystemAttributeName as SysAttr},
};
use sluice_core::tasks::QueueError;

/// SQS's longest visibility timeout, 12 hours.
const MAX_VISIBILITY_SECONDS: i32 = 43_200;
/// Room for the reason in the message attributes, well inside SQS's message size limit.
const MAX_REASON_CHARS: usize = 4_000;

/// The system attributes of a received message.
pub(super) struct Parsed {
    pub group_id: String,
    pub dedup_id: String,
    pub receive_count: u32,
}

pub(super) fn parse(message: &Message) -> Result<Parsed, QueueError> {
    let attr = |name: SysAttr| message.attributes().and_then(|a| a.get(&name)).cloned();
    let missing = |what: &str| {
        QueueError::new(format!("receive: SQS returned a message without {what}; is the queue FIFO?"))
    };
    let group_id = attr(SysAttr::MessageGroupId).ok_or_else(|| missing("MessageGroupId"))?;
    let dedup_id = attr(SysAttr::MessageDeduplicationId).ok_or_else(|| missing("MessageDeduplicationId"))?;
    let receive_count = attr(SysAttr::ApproximateReceiveCount)
        .ok_or_else(|| missing("ApproximateReceiveCount"))?
        .parse()
        .map_err(|e| QueueError::with_source("receive: ApproximateReceiveCount is not a number", e))?;
    Ok(Parsed { group_id, dedup_id, receive_count })
}

/// A ReceiveRequestAttemptId unique to one logical receive (the SDK's retries of it reuse it).
pub(super) fn attempt_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("sluice-{}-{n}-{nanos}", std::process::id())
}

/// Whole seconds, rounded up so a short but non-zero lease or delay is never zero, and capped
/// at SQS's 12-hour maximum.
pub(super) fn visibility_seconds(d: Duration) -> i32 {
    ceil_seconds(d).min(MAX_VISIBILITY_SECONDS)
}

pub(super) fn ceil_seconds(d: Duration) -> i32 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    i32::try_from(secs).unwrap_or(i32::MAX)
}

/// SQS accepts only some Unicode in attribute values; an error text may carry anything.
pub(super) fn attribute_text(reason: &str) -> String {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    let text: String =
        reason.chars().take(MAX_REASON_CHARS).map(|c| if allowed(c) { c } else { '?' }).collect();
    if text.is_empty() { "(no reason given)".to_owned() } else { text }
}

/// An SDK error as a queue error naming the operation; `SdkError`'s own Display is only
/// "service error", so the message carries the full context and the source is kept.
pub(super) fn sqs_error<E, R>(op: &str, e: SdkError<E, R>) -> QueueError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    QueueError::with_source(format!("SQS {op} failed: {}", DisplayErrorContext(&e)), e)
}

/// A lost lease gets the same words as the embedded queue's, so logs read alike.
pub(super) fn lease_error<E, R>(op: &str, e: SdkError<E, R>) -> QueueError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match e.code() {
        Some("ReceiptHandleIsInvalid" | "MessageNotInflight") => QueueError::with_source(
            format!(
                "{op}: the lease on this message has expired and another consumer may hold it ({})",
                DisplayErrorContext(&e)
            ),
            e,
        ),
        _ => sqs_error(op, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_up_to_whole_seconds_within_sqs_limits() {
        assert_eq!(visibility_seconds(Duration::ZERO), 0);
        assert_eq!(visibility_seconds(Duration::from_millis(1)), 1);
        assert_eq!(visibility_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(visibility_seconds(Duration::from_secs(30)), 30);
        assert_eq!(visibility_seconds(Duration::from_secs(100_000)), MAX_VISIBILITY_SECONDS);
        assert_eq!(ceil_seconds(Duration::from_secs(u64::MAX)), i32::MAX);
    }

    #[test]
    fn attempt_ids_are_unique_and_within_sqs_rules() {
        let (a, b) = (attempt_id(), attempt_id());
        assert_ne!(a, b);
        assert!(a.len() <= 128 && a.chars().all(|c| c.is_ascii_graphic()), "{a}");
    }

    #[test]
    fn reasons_are_made_safe_for_attributes() {
        assert_eq!(attribute_text(""), "(no reason given)");
        assert_eq!(attribute_text("bad\u{0}byte\u{1b}"), "bad?byte?");
        assert_eq!(attribute_text("line\nbreak"), "line\nbreak");
        assert_eq!(attribute_text(&"x".repeat(10_000)).chars().count(), MAX_REASON_CHARS);
    }
}
