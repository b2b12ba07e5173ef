//! Puts every recorded event on the operator's event bus (`SLUICE_EVENTBRIDGE_BUS`), besides the
//! webhooks; see `sluice_core::events::EventRelay` for the order and at-least-once rules.
//!
//! The loop puts batch after batch while there are events after its cursor, then waits for an
//! event to be recorded (the same announcements the webhook loop hears) or the safety look.
//! A bus that refuses or cannot be reached is tried again after a pause that doubles, up to a
//! minute; nothing is skipped meanwhile. With several worker replicas, one holds the bus (see
//! `EventRelay`'s lease) and the others look every `SAFETY_LOOK` whether it is still there.

use std::{sync::Arc, time::Duration};

use sluice_core::{
    events::{EventBus, EventRelay},
    tasks::wakeup::SAFETY_LOOK,
};
use tokio_util::sync::CancellationToken;

use crate::{Metrics, metrics::WebhookOutcome};

const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

pub struct EventBusRelay {
    relay: EventRelay,
    bus: Arc<dyn EventBus>,
    metrics: Option<Arc<Metrics>>,
}

impl EventBusRelay {
    pub fn new(relay: EventRelay, bus: Arc<dyn EventBus>) -> Self {
        Self { relay, bus, metrics: None }
    }

    /// Counts the events put (`sluice_event_bus_put_total`) and refusals.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    pub async fn run(self, stop: CancellationToken) {
        let mut waiter = self.relay.waiter();
        let mut pause = FIRST_PAUSE;
        while !stop.is_cancelled() {
            waiter.mark_seen();
            let sleep = match self.relay.relay_once(self.bus.as_ref()).await {
                // Another replica puts this bus's events: look again later, not at each event
                // (every replica hears them), to take over if that replica has gone.
                Ok(step) if step.held_elsewhere => Some(SAFETY_LOOK),
                Ok(step) if step.refused => {
                    self.count("refused", 1);
                    self.count("put", step.put);
                    Some(Self::back_off(&mut pause))
                }
                Ok(step) if step.put + step.skipped > 0 => {
                    self.count("put", step.put);
                    pause = FIRST_PAUSE;
                    continue;
                }
                Ok(_) => {
                    pause = FIRST_PAUSE;
                    None
                }
                Err(err) => {
                    tracing::warn!(error = %err.chain(), bus = self.bus.name(), "event bus: could not put events; trying again");
                    self.count("refused", 1);
                    Some(Self::back_off(&mut pause))
                }
            };
            match sleep {
                // A refusal is not cleared by a new event: wait out the pause.
                Some(p) => tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tokio::time::sleep(p) => {}
                },
                None => tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = waiter.wait_until(tokio::time::Instant::now() + SAFETY_LOOK) => {}
                },
            }
        }
        // Hand over at once on a clean stop (a rolling deploy), rather than after the lease.
        if let Err(err) = self.relay.release(self.bus.name()).await {
            tracing::warn!(error = %err.chain(), bus = self.bus.name(), "event bus: could not hand the relay's lease back; another replica takes over when it runs out");
        }
    }

    /// The pause to wait now; the next one doubles, up to `LONGEST_PAUSE`.
    fn back_off(pause: &mut Duration) -> Duration {
        let now = *pause;
        *pause = (now * 2).min(LONGEST_PAUSE);
        now
    }

    fn count(&self, outcome: &'static str, n: usize) {
        if let (Some(m), Ok(n)) = (&self.metrics, u64::try_from(n)) {
            m.event_bus.get_or_create(&WebhookOutcome { outcome }).inc_by(n);
        }
    }
}
