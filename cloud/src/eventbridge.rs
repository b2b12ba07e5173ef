//! The EventBridge adapter of the event-bus port (`SLUICE_EVENTBRIDGE_BUS`): every recorded
//! event becomes one entry on the operator's bus, source `sluice`, detail type the event type
//! (`share.approved`), detail the event as webhooks receive it (ids, never data values).
//!
//! - PutEvents takes at most 10 entries and 256 KB per request, so a put is cut into requests
//!   within both limits and sent one after another, each only once the one before was accepted
//!   whole: that keeps the port's promise that what was accepted is a prefix of what was given.
//! - EventBridge answers a request with one result per entry and may refuse some of them
//!   (`FailedEntryCount` > 0). The put then reports the entries before the first refused one as
//!   accepted; the relay puts the rest again later, from that entry on. Entries after a refused
//!   one that EventBridge did take arrive twice: receivers dedupe by `detail.id`.
//! - An event too large for EventBridge on its own can never be put; it is reported (it holds
//!   ids only, so that is a bug) and holds the relay at that event rather than being skipped.

use std::ops::Range;

use aws_sdk_eventbridge::{
    Client,
    error::{DisplayErrorContext, ProvideErrorMetadata, SdkError},
    operation::put_events::{PutEventsError, PutEventsOutput},
    types::PutEventsRequestEntry,
};
use sluice_core::events::{BusError, BusEvent, EventBus};

/// Every entry's source: rules match on it.
pub const SOURCE: &str = "sluice";
/// EventBridge's limits on one PutEvents request.
pub const MAX_ENTRIES: usize = 10;
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// The relay keeps its cursor under the bus's name, in a column of this many characters.
const MAX_NAME_CHARS: usize = 255;

/// The bus events go to: a name in the worker's account and region, or an ARN (another
/// account's bus, or one named explicitly), as `SLUICE_EVENTBRIDGE_BUS` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusRef {
    /// Given to PutEvents as it is: EventBridge takes either form.
    given: String,
    /// The name alone: the relay's cursor is kept under it, so giving the same bus by name or
    /// by ARN resumes at the same place.
    name: String,
}

impl BusRef {
    /// Checks `value` with EventBridge's own rules, so a typo fails at start rather than at
    /// every put.
    pub fn parse(value: &str) -> Result<Self, String> {
        let given = value.trim();
        let name = match given.strip_prefix("arn:") {
            Some(rest) => arn_name(rest).ok_or_else(|| {
                format!(
                    "{given:?} is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)"
                )
            })?,
            None => given,
        };
        let valid = |c: char| c.is_ascii_alphanumeric() || "/._-".contains(c);
        if name.is_empty() || !name.chars().all(valid) {
            return Err(format!(
                "{given:?} is not an event bus name: use letters, digits and / . _ - (or the bus's ARN)"
            ));
        }
        if name.len() > MAX_NAME_CHARS {
            return Err(format!(
                "the bus name is {} characters; Sluice takes at most {MAX_NAME_CHARS}",
                name.len()
            ));
        }
        Ok(Self { given: given.to_owned(), name: name.to_owned() })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// What PutEvents is given: the name or the ARN, as configured.
    pub fn as_str(&self) -> &str {
        &self.given
    }
}

/// `aws:events:<region>:<account>:event-bus/<name>` (after `arn:`) to `<name>`.
fn arn_name(rest: &str) -> Option<&str> {
    let mut parts = rest.splitn(5, ':');
    let (partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let account_ok = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
    if !partition.starts_with("aws") || service != "events" || region.is_empty() || !account_ok {
        return None;
    }
    resource.strip_prefix("event-bus/")
}

/// Puts events on one EventBridge bus.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: Client,
    bus: BusRef,
}

impl EventBridgeBus {
    pub fn new(client: Client, bus: BusRef) -> Self {
        Self { client, bus }
    }

    fn entry(&self, event: &BusEvent) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .source(SOURCE)
            .detail_type(&event.event_type)
            .detail(&event.body)
            .event_bus_name(self.bus.as_str())
            .build()
    }

    /// What a refused request means for the operator, with what to do about it.
    fn explain(&self, err: &SdkError<PutEventsError, impl std::fmt::Debug>) -> String {
        let bus = self.bus.as_str();
        let what = match err.as_service_error() {
            Some(service) => {
                format!("{}: {}", service.code().unwrap_or("error"), service.message().unwrap_or_default())
            }
            None => DisplayErrorContext(err).to_string(),
        };
        let hint = match err.code() {
            Some("AccessDeniedException") => format!(
                "the worker's role may not put events on {bus}: give its task role events:PutEvents on the \
                 bus's ARN (the CDK app does when `eventBus` is set)"
            ),
            Some("ResourceNotFoundException") => format!(
                "there is no event bus {bus} in this account and region: create it, or correct \
                 SLUICE_EVENTBRIDGE_BUS (a bus in another account needs its full ARN)"
            ),
            Some("ThrottlingException" | "InternalException" | "InternalFailure") => {
                "EventBridge is busy; the relay tries again after a pause".to_owned()
            }
            Some(_) => "the relay tries again after a pause; if it keeps failing, check the bus and the role"
                .to_owned(),
            None if matches!(err, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) => {
                "EventBridge could not be reached: the worker needs a route to events.<region>.amazonaws.com \
                 (a NAT gateway or an `events` VPC endpoint) and AWS credentials"
                    .to_owned()
            }
            None => "the relay tries again after a pause".to_owned(),
        };
        format!("EventBridge PutEvents on {bus} failed ({what}); {hint}")
    }
}

#[async_trait::async_trait]
impl EventBus for EventBridgeBus {
    fn name(&self) -> &str {
        self.bus.name()
    }

    fn batch(&self) -> usize {
        MAX_ENTRIES
    }

    async fn put(&self, events: &[BusEvent]) -> Result<usize, BusError> {
        let plan = plan_requests(events, self.bus.as_str().len());
        if let (Some(0), Some(e)) = (plan.oversized, events.first()) {
            return Err(BusError(format!(
                "event {} ({}) is {} bytes as an EventBridge entry, over its {MAX_REQUEST_BYTES}-byte limit; \
                 events hold only ids, so this is a bug to report with the event id. The relay stays at this event",
                e.event_uri,
                e.event_type,
                entry_size(e, self.bus.as_str().len())
            )));
        }
        // Up to an oversized event, which the next put meets first.
        let mut accepted = 0;
        for request in plan.requests {
            let entries: Vec<PutEventsRequestEntry> =
                events[request.clone()].iter().map(|e| self.entry(e)).collect();
            let out = match self.client.put_events().set_entries(Some(entries)).send().await {
                Ok(out) => out,
                Err(err) if accepted == 0 => return Err(BusError(self.explain(&err))),
                Err(err) => {
                    // The earlier requests went through: report them, and the relay tries the
                    // rest after its pause.
                    tracing::warn!(error = %self.explain(&err), accepted, "event bus: part of the events were put");
                    return Ok(accepted);
                }
            };
            let taken = accepted_prefix(&out, request.len());
            if taken < request.len() {
                self.report_refusals(&out, &events[request.clone()]);
                return Ok(accepted + taken);
            }
            accepted += taken;
        }
        Ok(accepted)
    }
}

impl EventBridgeBus {
    /// Logs each refused entry with EventBridge's code and what to do about it.
    fn report_refusals(&self, out: &PutEventsOutput, events: &[BusEvent]) {
        for (result, event) in out.entries().iter().zip(events) {
            let Some(code) = result.error_code() else { continue };
            let hint = match code {
                c if c.contains("AccessDenied") || c.contains("NotAuthorized") => {
                    "give the worker's task role events:PutEvents on the bus"
                }
                c if c.contains("KMS") => {
                    "the bus is encrypted with a customer managed key: let the worker's task role use it \
                     (kms:GenerateDataKey and kms:Decrypt)"
                }
                "ThrottlingException" | "InternalFailure" | "InternalException" => {
                    "transient: put again after a pause"
                }
                _ => "put again after a pause; report it if it persists",
            };
            tracing::warn!(
                bus = self.bus.as_str(),
                event = %event.event_uri,
                event_type = %event.event_type,
                code,
                message = result.error_message().unwrap_or_default(),
                hint,
                "event bus: EventBridge refused an entry; the relay puts it again from this one"
            );
        }
        if out.entries().iter().all(|r| r.error_code().is_none()) {
            tracing::warn!(
                bus = self.bus.as_str(),
                failed = out.failed_entry_count(),
                "event bus: EventBridge refused entries without saying which; the relay puts the batch again"
            );
        }
    }
}

/// How many entries from the front EventBridge took: those up to the first one with an error
/// code or without an event id (a missing result counts as a refusal). None when it counted
/// failures but named none of them: which ones went is unknown, so all are put again.
fn accepted_prefix(out: &PutEventsOutput, sent: usize) -> usize {
    let taken = out
        .entries()
        .iter()
        .take(sent)
        .take_while(|r| r.error_code().is_none() && r.event_id().is_some())
        .count();
    if taken == sent && out.failed_entry_count() > 0 { 0 } else { taken }
}

/// The requests one put is cut into: consecutive ranges of at most `MAX_ENTRIES` entries and
/// `MAX_REQUEST_BYTES` bytes, and the index of the first event too large to go at all (the
/// ranges stop before it).
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    requests: Vec<Range<usize>>,
    oversized: Option<usize>,
}

fn plan_requests(events: &[BusEvent], bus_len: usize) -> Plan {
    let mut requests = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, event) in events.iter().enumerate() {
        let size = entry_size(event, bus_len);
        if size > MAX_REQUEST_BYTES {
            if start < i {
                requests.push(start..i);
            }
            return Plan { requests, oversized: Some(i) };
        }
        if i - start == MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES {
            requests.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < events.len() {
        requests.push(start..events.len());
    }
    Plan { requests, oversized: None }
}

/// An entry's size as EventBridge counts it (UTF-8 bytes of source, detail type and detail),
/// plus the bus's name, to be safe.
fn entry_size(event: &BusEvent, bus_len: usize) -> usize {
    SOURCE.len() + event.event_type.len() + event.body.len() + bus_len
}

#[cfg(test)]
mod tests {
    use aws_sdk_eventbridge::types::PutEventsResultEntry;

    use super::*;

    fn event(n: usize, body_bytes: usize) -> BusEvent {
        BusEvent {
            event_uri: format!("e{n}"),
            event_type: "dataset.created".into(),
            organization_uri: "o1".into(),
            target_uri: format!("d{n}"),
            body: "x".repeat(body_bytes),
        }
    }

    #[test]
    fn a_bus_is_a_name_or_an_arn_and_its_cursor_is_kept_under_the_name() {
        let by_name = BusRef::parse(" sluice-events ").expect("name");
        assert_eq!((by_name.as_str(), by_name.name()), ("sluice-events", "sluice-events"));
        let arn = "arn:aws:events:eu-west-1:111122223333:event-bus/sluice-events";
        let by_arn = BusRef::parse(arn).expect("arn");
        assert_eq!((by_arn.as_str(), by_arn.name()), (arn, "sluice-events"));
        let partner = BusRef::parse("aws.partner/example.com/123/feed").expect("partner bus");
        assert_eq!(partner.name(), "aws.partner/example.com/123/feed");
        for bad in [
            "",
            "my bus",
            "bus:with:colons",
            "arn:aws:sqs:eu-west-1:111122223333:queue",
            "arn:aws:events:eu-west-1:1111:event-bus/b",
            "arn:aws:events:eu-west-1:111122223333:rule/r",
        ] {
            assert!(BusRef::parse(bad).is_err(), "{bad:?} is refused");
        }
        assert!(BusRef::parse(&"b".repeat(256)).expect_err("too long").contains("at most 255"));
    }

    #[test]
    // A plan of one request is a Vec holding one range, which is what the lint warns about.
    #[allow(clippy::single_range_in_vec_init)]
    fn requests_hold_at_most_ten_entries_and_256_kb() {
        let small: Vec<BusEvent> = (0..23).map(|n| event(n, 300)).collect();
        assert_eq!(plan_requests(&small, 6), Plan { requests: vec![0..10, 10..20, 20..23], oversized: None });
        let large: Vec<BusEvent> = (0..5).map(|n| event(n, 100 * 1024)).collect();
        assert_eq!(plan_requests(&large, 6), Plan { requests: vec![0..2, 2..4, 4..5], oversized: None });
        let mut with_huge = small[..3].to_vec();
        with_huge.push(event(3, MAX_REQUEST_BYTES));
        with_huge.push(event(4, 10));
        assert_eq!(plan_requests(&with_huge, 6), Plan { requests: vec![0..3], oversized: Some(3) });
        assert_eq!(plan_requests(&with_huge[3..], 6), Plan { requests: vec![], oversized: Some(0) });
        assert_eq!(plan_requests(&[], 6), Plan { requests: vec![], oversized: None });
    }

    #[test]
    fn only_the_entries_before_the_first_refusal_count_as_accepted() {
        let ok = |id: &str| PutEventsResultEntry::builder().event_id(id).build();
        let refused =
            PutEventsResultEntry::builder().error_code("InternalFailure").error_message("try again").build();
        let out = |failed: i32, entries: Vec<PutEventsResultEntry>| {
            PutEventsOutput::builder().failed_entry_count(failed).set_entries(Some(entries)).build()
        };
        assert_eq!(accepted_prefix(&out(0, vec![ok("a"), ok("b"), ok("c")]), 3), 3);
        assert_eq!(accepted_prefix(&out(1, vec![ok("a"), refused.clone(), ok("c")]), 3), 1);
        assert_eq!(accepted_prefix(&out(1, vec![refused, ok("b")]), 2), 0);
        assert_eq!(accepted_prefix(&out(0, vec![ok("a")]), 3), 1, "results missing for the rest");
        assert_eq!(accepted_prefix(&out(1, vec![ok("a"), ok("b")]), 2), 0, "a failure nobody names");
    }
}
