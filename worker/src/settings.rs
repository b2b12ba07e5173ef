//! How the worker runs, from `SLUICE_*` variables (shared by `sluice-worker` and the worker
//! embedded in `sluice serve`).

use std::time::Duration;

use sluice_cloud::BusRef;
use sluice_core::{
    env::{Env, EnvError},
    events::{RetryPolicy, TargetPolicy},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSettings {
    /// `SLUICE_WORKER_CONCURRENCY`: messages handled at once.
    pub concurrency: usize,
    /// `SLUICE_TASK_MAX_ATTEMPTS`: runs before a task is failed and its message dead-lettered.
    pub max_attempts: u32,
    /// `SLUICE_TASK_VISIBILITY_MS`: a message's lease; renewed while its handler runs.
    pub visibility: Duration,
    /// `SLUICE_TASK_BACKOFF_MS`: the first retry's delay; it doubles per attempt.
    pub backoff_base: Duration,
    /// `SLUICE_TASK_BACKOFF_MAX_MS`: the longest retry delay.
    pub backoff_max: Duration,
    /// How long one receive waits for messages.
    pub receive_wait: Duration,
    /// `SLUICE_WORKER_SHUTDOWN_GRACE_MS`: how long in-flight work may finish after SIGTERM
    /// before its messages are released to another worker.
    pub shutdown_grace: Duration,
    /// `SLUICE_LONG_TASK_CHECK_MS`: how often long tasks that are still running are checked
    /// (ten times less often while none is).
    pub long_task_check: Duration,
    /// `SLUICE_LONG_TASK_TIMEOUT_MS`: a long task the launcher has lost track of is failed after this.
    pub long_task_timeout: Duration,
    /// `SLUICE_SHARE_EXPIRY_CHECK_MS`: how often expired shares are revoked and expiring ones
    /// warned about; 0 turns the check off (run `ecs-tasks expire-shares` yourself then).
    pub expiry_check: Duration,
    /// `SLUICE_SHARE_EXPIRY_WARNING_DAYS`: how many days ahead of expiry teams are warned.
    pub expiry_warning_days: u16,
    /// `SLUICE_AUDIT_RETENTION_DAYS`: activity rows older than this many days are deleted, at
    /// start and then every `audit_prune_every`, a batch at a time. Unset (the default), every
    /// row is kept.
    pub audit_retention_days: Option<u32>,
    /// `SLUICE_EVENT_RETENTION_DAYS`: finished webhook deliveries (delivered or dead) and the
    /// events nobody is owed any more are deleted after this many days, on the same schedule.
    /// Default 30; 0 keeps them all.
    pub event_retention_days: Option<u32>,
    /// How often the retentions run: hourly.
    pub audit_prune_every: Duration,
    /// How events are delivered to organizations' webhooks.
    pub webhooks: WebhookSettings,
    /// `SLUICE_EVENTBRIDGE_BUS`: an EventBridge bus, by name or ARN, that every event is also
    /// put on, in order, at least once. Unset or empty (the default): no bus.
    pub eventbridge_bus: Option<BusRef>,
}

/// Webhook delivery, from `SLUICE_WEBHOOK_*` variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS`: also `http://`, loopback and private addresses
    /// (tests, local development, a receiver in the VPC). Link-local and metadata addresses stay
    /// refused. Default off. `sluice serve` checks new subscriptions with it too.
    pub targets: TargetPolicy,
    /// `SLUICE_WEBHOOK_MAX_ATTEMPTS` (default 8), `SLUICE_WEBHOOK_BACKOFF_MS` (the first retry's
    /// delay, doubling per attempt; default 5000) and `SLUICE_WEBHOOK_BACKOFF_MAX_MS` (default
    /// one hour). The lease is the timeout plus half a minute.
    pub retry: RetryPolicy,
    /// `SLUICE_WEBHOOK_TIMEOUT_MS`: how long one attempt may take, connecting included. Default
    /// 10000.
    pub timeout: Duration,
    /// `SLUICE_WEBHOOK_CONCURRENCY`: attempts in flight at once, per worker. Default 8.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        let timeout = Duration::from_secs(10);
        Self {
            targets: TargetPolicy::default(),
            retry: RetryPolicy {
                max_attempts: 8,
                backoff_base: Duration::from_secs(5),
                backoff_max: Duration::from_secs(3600),
                lease: timeout + Duration::from_secs(30),
            },
            timeout,
            concurrency: 8,
        }
    }
}

impl WebhookSettings {
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let d = Self::default();
        let millis = |v: Duration| u64::try_from(v.as_millis()).unwrap_or(u64::MAX);
        let timeout = env.millis("SLUICE_WEBHOOK_TIMEOUT_MS", millis(d.timeout))?;
        let settings = Self {
            targets: TargetPolicy { allow_private: env.bool("SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS", false)? },
            retry: RetryPolicy {
                max_attempts: env.parse(
                    "SLUICE_WEBHOOK_MAX_ATTEMPTS",
                    &d.retry.max_attempts.to_string(),
                    "a whole number",
                )?,
                backoff_base: env.millis("SLUICE_WEBHOOK_BACKOFF_MS", millis(d.retry.backoff_base))?,
                backoff_max: env.millis("SLUICE_WEBHOOK_BACKOFF_MAX_MS", millis(d.retry.backoff_max))?,
                lease: timeout + Duration::from_secs(30),
            },
            timeout,
            concurrency: env.parse(
                "SLUICE_WEBHOOK_CONCURRENCY",
                &d.concurrency.to_string(),
                "a whole number",
            )?,
        };
        if settings.retry.max_attempts == 0 {
            return Err(EnvError::new("SLUICE_WEBHOOK_MAX_ATTEMPTS", "must be at least 1"));
        }
        if settings.concurrency == 0 {
            return Err(EnvError::new("SLUICE_WEBHOOK_CONCURRENCY", "must be at least 1"));
        }
        if settings.timeout < Duration::from_millis(100) || settings.timeout > Duration::from_secs(60) {
            return Err(EnvError::new("SLUICE_WEBHOOK_TIMEOUT_MS", "must be between 100 and 60000"));
        }
        Ok(settings)
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 8,
            max_attempts: 5,
            visibility: Duration::from_secs(60),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
            receive_wait: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
            long_task_check: Duration::from_secs(30),
            long_task_timeout: Duration::from_secs(6 * 3600),
            expiry_check: Duration::from_secs(3600),
            expiry_warning_days: 7,
            audit_retention_days: None,
            event_retention_days: Some(DEFAULT_EVENT_RETENTION_DAYS),
            audit_prune_every: Duration::from_secs(3600),
            webhooks: WebhookSettings::default(),
            eventbridge_bus: None,
        }
    }
}

impl WorkerSettings {
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let d = Self::default();
        let millis = |v: Duration| u64::try_from(v.as_millis()).unwrap_or(u64::MAX);
        let settings = Self {
            concurrency: env.parse(
                "SLUICE_WORKER_CONCURRENCY",
                &d.concurrency.to_string(),
                "a whole number",
            )?,
            max_attempts: env.parse(
                "SLUICE_TASK_MAX_ATTEMPTS",
                &d.max_attempts.to_string(),
                "a whole number",
            )?,
            visibility: env.millis("SLUICE_TASK_VISIBILITY_MS", millis(d.visibility))?,
            backoff_base: env.millis("SLUICE_TASK_BACKOFF_MS", millis(d.backoff_base))?,
            backoff_max: env.millis("SLUICE_TASK_BACKOFF_MAX_MS", millis(d.backoff_max))?,
            receive_wait: d.receive_wait,
            shutdown_grace: env.millis("SLUICE_WORKER_SHUTDOWN_GRACE_MS", millis(d.shutdown_grace))?,
            long_task_check: env.millis("SLUICE_LONG_TASK_CHECK_MS", millis(d.long_task_check))?,
            long_task_timeout: env.millis("SLUICE_LONG_TASK_TIMEOUT_MS", millis(d.long_task_timeout))?,
            expiry_check: env.millis("SLUICE_SHARE_EXPIRY_CHECK_MS", millis(d.expiry_check))?,
            expiry_warning_days: env.parse(
                "SLUICE_SHARE_EXPIRY_WARNING_DAYS",
                &d.expiry_warning_days.to_string(),
                "a whole number of days (0 to 365)",
            )?,
            audit_retention_days: retention_days(env)?,
            event_retention_days: event_retention_days(env)?,
            audit_prune_every: d.audit_prune_every,
            webhooks: WebhookSettings::from_env(env)?,
            eventbridge_bus: eventbridge_bus(env)?,
        };
        if settings.concurrency == 0 {
            return Err(EnvError::new("SLUICE_WORKER_CONCURRENCY", "must be at least 1"));
        }
        if settings.expiry_warning_days > 365 {
            return Err(EnvError::new("SLUICE_SHARE_EXPIRY_WARNING_DAYS", "must be at most 365"));
        }
        if settings.max_attempts == 0 {
            return Err(EnvError::new("SLUICE_TASK_MAX_ATTEMPTS", "must be at least 1"));
        }
        if settings.visibility < Duration::from_secs(2) {
            return Err(EnvError::new(
                "SLUICE_TASK_VISIBILITY_MS",
                "must be at least 2000: leases are renewed at a third of it",
            ));
        }
        Ok(settings)
    }

    /// The delay before attempt `attempts + 1`: exponential with ±20 % jitter, capped, so
    /// retries of many failed tasks do not arrive together.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let exp = self.backoff_base.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)));
        let capped = exp.min(self.backoff_max);
        let jitter = rand::random::<f64>() * 0.4 + 0.8;
        capped.mul_f64(jitter).min(self.backoff_max)
    }
}

/// A retention's number of days from `var`: None when unset or empty.
fn days(env: &Env, var: &'static str, otherwise: &str) -> Result<Option<u32>, EnvError> {
    let Some(value) = env.get(var).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    value.parse::<u32>().map(Some).map_err(|_| {
        EnvError::new(var, format!("{value:?} is not a number of days; use a whole number{otherwise}"))
    })
}

/// `SLUICE_AUDIT_RETENTION_DAYS`: unset or empty keeps every row; otherwise whole days, 1 or more.
fn retention_days(env: &Env) -> Result<Option<u32>, EnvError> {
    const VAR: &str = "SLUICE_AUDIT_RETENTION_DAYS";
    const OTHERWISE: &str = " of at least 1, or leave it unset to keep every row";
    match days(env, VAR, OTHERWISE)? {
        Some(0) => {
            Err(EnvError::new(VAR, format!("\"0\" is not a number of days; use a whole number{OTHERWISE}")))
        }
        days => Ok(days),
    }
}

/// Events and deliveries are kept this many days unless `SLUICE_EVENT_RETENTION_DAYS` says
/// otherwise: long enough to look into a failure and redeliver it after a holiday.
pub const DEFAULT_EVENT_RETENTION_DAYS: u32 = 30;

/// `SLUICE_EVENT_RETENTION_DAYS`: unset or empty for the default, 0 to keep everything, or whole
/// days.
fn event_retention_days(env: &Env) -> Result<Option<u32>, EnvError> {
    match days(env, "SLUICE_EVENT_RETENTION_DAYS", ", or 0 to keep every event")? {
        None => Ok(Some(DEFAULT_EVENT_RETENTION_DAYS)),
        Some(0) => Ok(None),
        days => Ok(days),
    }
}

/// `SLUICE_EVENTBRIDGE_BUS`: unset or empty for none; otherwise a bus name or ARN.
fn eventbridge_bus(env: &Env) -> Result<Option<BusRef>, EnvError> {
    const VAR: &str = "SLUICE_EVENTBRIDGE_BUS";
    match env.get(VAR).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) => BusRef::parse(&value).map(Some).map_err(|message| EnvError::new(VAR, message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let s = WorkerSettings {
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(10),
            ..Default::default()
        };
        let first = s.backoff(1);
        assert!(first >= Duration::from_millis(800) && first <= Duration::from_millis(1200), "{first:?}");
        let third = s.backoff(3);
        assert!(third >= Duration::from_millis(3200) && third <= Duration::from_millis(4800), "{third:?}");
        assert!(s.backoff(30) <= Duration::from_secs(10));
    }

    #[test]
    fn bad_settings_name_their_variable() {
        let env = Env::new(|k| (k == "SLUICE_WORKER_CONCURRENCY").then(|| "0".to_owned()));
        assert_eq!(WorkerSettings::from_env(&env).expect_err("zero").var, "SLUICE_WORKER_CONCURRENCY");
        let env = Env::new(|k| (k == "SLUICE_TASK_VISIBILITY_MS").then(|| "soon".to_owned()));
        assert_eq!(WorkerSettings::from_env(&env).expect_err("text").var, "SLUICE_TASK_VISIBILITY_MS");
        assert_eq!(
            WorkerSettings::from_env(&Env::new(|_| None)).expect("defaults"),
            WorkerSettings::default()
        );
    }

    #[test]
    fn audit_retention_is_off_unless_set_to_whole_days() {
        assert_eq!(WorkerSettings::default().audit_retention_days, None);
        let days = |value: &'static str| {
            WorkerSettings::from_env(&Env::new(move |k| {
                (k == "SLUICE_AUDIT_RETENTION_DAYS").then(|| value.to_owned())
            }))
        };
        assert_eq!(days("400").expect("days").audit_retention_days, Some(400));
        assert_eq!(days(" ").expect("blank").audit_retention_days, None);
        for bad in ["0", "-3", "1.5", "forever"] {
            assert_eq!(days(bad).expect_err(bad).var, "SLUICE_AUDIT_RETENTION_DAYS");
        }
    }

    #[test]
    fn event_retention_defaults_to_thirty_days_and_zero_keeps_everything() {
        assert_eq!(WorkerSettings::default().event_retention_days, Some(30));
        let days = |value: &'static str| {
            WorkerSettings::from_env(&Env::new(move |k| {
                (k == "SLUICE_EVENT_RETENTION_DAYS").then(|| value.to_owned())
            }))
        };
        assert_eq!(days("7").expect("days").event_retention_days, Some(7));
        assert_eq!(days("").expect("blank").event_retention_days, Some(30));
        assert_eq!(days("0").expect("off").event_retention_days, None);
        for bad in ["-3", "1.5", "forever"] {
            assert_eq!(days(bad).expect_err(bad).var, "SLUICE_EVENT_RETENTION_DAYS");
        }
    }

    #[test]
    fn the_event_bus_is_off_unless_named() {
        assert_eq!(WorkerSettings::default().eventbridge_bus, None);
        let bus = |value: &'static str| {
            WorkerSettings::from_env(&Env::new(move |k| {
                (k == "SLUICE_EVENTBRIDGE_BUS").then(|| value.to_owned())
            }))
        };
        assert_eq!(bus(" ").expect("blank").eventbridge_bus, None);
        let named = bus("sluice-events").expect("name").eventbridge_bus.expect("a bus");
        assert_eq!(named.name(), "sluice-events");
        let arn = bus("arn:aws:events:eu-west-1:111122223333:event-bus/sluice-events").expect("arn");
        assert_eq!(arn.eventbridge_bus.expect("a bus").name(), "sluice-events");
        for bad in ["my bus", "arn:aws:sqs:eu-west-1:111122223333:q"] {
            assert_eq!(bus(bad).expect_err(bad).var, "SLUICE_EVENTBRIDGE_BUS");
        }
    }
}
