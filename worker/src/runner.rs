//! The consumer loop: receive messages, run every task they carry with the lease renewed,
//! then ack, retry with backoff, or dead-letter. Bounded concurrency; on shutdown it stops
//! receiving, lets in-flight work finish within a grace period, then releases what is left.

use std::{sync::Arc, time::Duration};

use serde_json::json;
use sluice_core::tasks::{Delivery, TaskQueue};
use tokio::{sync::Semaphore, task::JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    handler::{HandlerContext, Outcome, Registry},
    metrics::{ActionLabel, Metrics},
    settings::WorkerSettings,
};

pub struct Worker {
    queue: Arc<dyn TaskQueue>,
    registry: Registry,
    ctx: Arc<HandlerContext>,
    settings: WorkerSettings,
    metrics: Arc<Metrics>,
}

/// How one task of a message ended.
enum TaskEnd {
    /// Succeeded, launched, or finished before this delivery.
    Done,
    Retry(Duration),
    /// Failed for good; the message goes to the dead-letter queue.
    Dead(String),
    /// Shutdown interrupted it; give the message back at once.
    Interrupted,
}

impl Worker {
    pub fn new(
        queue: Arc<dyn TaskQueue>,
        registry: Registry,
        ctx: Arc<HandlerContext>,
        settings: WorkerSettings,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        Arc::new(Self { queue, registry, ctx, settings, metrics })
    }

    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.settings.concurrency));
        let interrupt = CancellationToken::new();
        let mut inflight = JoinSet::new();
        let mut error_pause = Duration::from_millis(200);
        tracing::info!(queue = self.queue.kind(), concurrency = self.settings.concurrency, "worker started");
        loop {
            while inflight.try_join_next().is_some() {}
            let free = permits.available_permits();
            if free == 0 {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = inflight.join_next() => continue,
                }
            }
            let received = tokio::select! {
                _ = stop.cancelled() => break,
                r = self.queue.receive(free, self.settings.receive_wait, self.settings.visibility) => r,
            };
            match received {
                Ok(deliveries) => {
                    error_pause = Duration::from_millis(200);
                    for delivery in deliveries {
                        let Ok(permit) = permits.clone().acquire_owned().await else { break };
                        let this = self.clone();
                        let interrupt = interrupt.clone();
                        inflight.spawn(async move {
                            this.process(delivery, interrupt).await;
                            drop(permit);
                        });
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, retry_in = ?error_pause, "receiving from the task queue failed");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(error_pause) => {}
                    }
                    error_pause = (error_pause * 2).min(Duration::from_secs(30));
                }
            }
        }
        tracing::info!(in_flight = inflight.len(), "worker stopping: no new messages");
        let drained = tokio::time::timeout(self.settings.shutdown_grace, async {
            while inflight.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(in_flight = inflight.len(), "grace period over: releasing unfinished messages");
            interrupt.cancel();
            while inflight.join_next().await.is_some() {}
        }
        tracing::info!("worker stopped");
    }

    /// Runs every task of one message while keeping its lease, then settles the message.
    async fn process(&self, delivery: Delivery, interrupt: CancellationToken) {
        let heartbeat =
            tokio::spawn(heartbeat(self.queue.clone(), delivery.clone(), self.settings.visibility));
        let mut ends = Vec::with_capacity(delivery.message.task_uris.len());
        for uri in &delivery.message.task_uris {
            ends.push(self.run_task(uri, &interrupt).await);
        }
        heartbeat.abort();
        let settled = if ends.iter().any(|e| matches!(e, TaskEnd::Interrupted)) {
            self.queue.release(&delivery, Duration::ZERO).await
        } else if let Some(delay) =
            ends.iter().filter_map(|e| if let TaskEnd::Retry(d) = e { Some(*d) } else { None }).max()
        {
            self.queue.release(&delivery, delay).await
        } else if let Some(reason) =
            ends.iter().find_map(|e| if let TaskEnd::Dead(r) = e { Some(r.clone()) } else { None })
        {
            self.queue.dead_letter(&delivery, &reason).await
        } else {
            self.queue.ack(&delivery).await
        };
        if let Err(err) = settled {
            // The lease runs out and the message comes back; finished tasks are skipped then.
            tracing::warn!(error = %err, tasks = ?delivery.message.task_uris, "could not settle a message");
        }
    }

    async fn run_task(&self, uri: &str, interrupt: &CancellationToken) -> TaskEnd {
        let system = self.ctx.core.system("task.run");
        let task = match system.start_task(uri).await {
            Ok(Some(task)) => task,
            // Unknown or finished: a duplicate delivery, or a task deleted with its resource.
            Ok(None) => return TaskEnd::Done,
            Err(err) => {
                tracing::warn!(error = %err.chain(), task = uri, "could not start a task");
                return TaskEnd::Retry(self.settings.backoff(1));
            }
        };
        let span = tracing::info_span!("task", task = uri, action = %task.action, attempt = task.attempts);
        self.run_started(task, interrupt).instrument(span).await
    }

    async fn run_started(&self, task: sluice_core::tasks::Task, interrupt: &CancellationToken) -> TaskEnd {
        let system = self.ctx.core.system("task.run");
        let uri = task.task_uri.as_str();
        let action = task.action.clone();
        if task.attempts > self.settings.max_attempts {
            // Every earlier attempt ended with the worker gone (a crash, an OOM kill).
            let reason = format!("gave up after {} attempts that never finished", task.attempts - 1);
            return self.fail(uri, &action, &reason).await;
        }
        let Some(handler) = self.registry.get(&action) else {
            return self
                .fail(
                    uri,
                    &action,
                    &format!("no handler for action {action}: is this worker older than the API?"),
                )
                .await;
        };
        let result = tokio::select! {
            r = handler.handle(&self.ctx, &task) => r,
            _ = interrupt.cancelled() => {
                let _ = system.retry_task_later(uri, "interrupted by a worker shutdown").await;
                return TaskEnd::Interrupted;
            }
        };
        let elapsed = (chrono::Utc::now() - task.created).to_std().unwrap_or_default().as_secs_f64();
        let settled = match result {
            Ok(Outcome::Done(response)) => {
                self.metrics.count(&action, "succeeded");
                self.metrics.latency.get_or_create(&ActionLabel { action: action.clone() }).observe(elapsed);
                system.task_succeeded(uri, &response).await.map(|_| TaskEnd::Done)
            }
            Ok(Outcome::Launched(launched)) => {
                self.metrics.count(&action, "launched");
                tracing::info!(launcher = %launched.launcher, id = %launched.id, "long task launched");
                system.task_launched(uri, &json!({ "launched": launched })).await.map(|_| TaskEnd::Done)
            }
            Err(err) => {
                let error = format!("{err:#}");
                if task.attempts >= self.settings.max_attempts {
                    return self.fail(uri, &action, &error).await;
                }
                let delay = self.settings.backoff(task.attempts);
                tracing::warn!(error = %error, retry_in = ?delay, "task failed; will retry");
                self.metrics.retries.get_or_create(&ActionLabel { action: action.clone() }).inc();
                self.metrics.count(&action, "retried");
                system.retry_task_later(uri, &error).await.map(|_| TaskEnd::Retry(delay))
            }
        };
        settled.unwrap_or_else(|err| {
            tracing::warn!(error = %err.chain(), "could not record a task's result; it will run again");
            TaskEnd::Retry(self.settings.backoff(task.attempts))
        })
    }

    async fn fail(&self, uri: &str, action: &str, error: &str) -> TaskEnd {
        tracing::error!(error, "task failed for good");
        self.metrics.failures.get_or_create(&ActionLabel { action: action.to_owned() }).inc();
        self.metrics.count(action, "failed");
        match self.ctx.core.system("task.run").task_failed(uri, error).await {
            Ok(_) => TaskEnd::Dead(error.to_owned()),
            Err(err) => {
                tracing::warn!(error = %err.chain(), "could not record a task's failure; it will run again");
                TaskEnd::Retry(self.settings.backoff_base)
            }
        }
    }
}

/// Renews a message's lease at a third of the visibility timeout until aborted.
async fn heartbeat(queue: Arc<dyn TaskQueue>, delivery: Delivery, visibility: Duration) {
    let mut tick = tokio::time::interval(visibility / 3);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(err) = queue.extend(&delivery, visibility).await {
            tracing::warn!(error = %err, tasks = ?delivery.message.task_uris, "could not renew a message's lease");
        }
    }
}
