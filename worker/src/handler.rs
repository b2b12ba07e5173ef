//! Task handlers, keyed by action. A handler must be idempotent: a task can run more than once
//! (a redelivery after a crash), and running it again must leave the same result.

use std::{collections::HashMap, sync::Arc};

use serde_json::Value;
use sluice_core::{
    Core,
    catalog::SearchIndex,
    tasks::{Launched, Launcher, Task},
};

/// What a handler may use.
pub struct HandlerContext {
    pub core: Core,
    pub launcher: Arc<dyn Launcher>,
    /// The AWS configuration of handlers that call AWS in-process (share processing); None
    /// loads the process's own (`AWS_*` variables, the task role) on first use.
    pub aws: Option<sluice_cloud::sdk::aws_config::SdkConfig>,
    /// The catalog's search index, which index tasks write.
    pub search: Arc<dyn SearchIndex>,
}

impl HandlerContext {
    /// The AWS configuration for calls made in-process: the one given, or the process's own,
    /// loaded once.
    pub async fn aws(&self) -> sluice_cloud::sdk::aws_config::SdkConfig {
        static OWN: tokio::sync::OnceCell<sluice_cloud::sdk::aws_config::SdkConfig> =
            tokio::sync::OnceCell::const_new();
        match &self.aws {
            Some(config) => config.clone(),
            None => OWN.get_or_init(sluice_cloud::sdk_config).await.clone(),
        }
    }
}

pub enum Outcome {
    /// Finished; the value becomes the task's response.
    Done(Value),
    /// Handed to the long-task launcher; the launched program records the result itself.
    Launched(Launched),
}

#[async_trait::async_trait]
pub trait TaskHandler: Send + Sync {
    async fn handle(&self, ctx: &HandlerContext, task: &Task) -> anyhow::Result<Outcome>;
}

#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn TaskHandler>>,
}

impl Registry {
    /// Every production handler.
    pub fn standard() -> Self {
        let mut registry = Self::default();
        registry.register(crate::handlers::health::ACTION, crate::handlers::health::Health);
        registry.register(crate::handlers::catalog::ACTION, crate::handlers::catalog::Index);
        registry.register(crate::handlers::catalog::REINDEX_ACTION, crate::handlers::catalog::Reindex);
        registry
            .register(crate::handlers::catalog::REINDEX_TERM_ACTION, crate::handlers::catalog::ReindexTerm);
        for (action, task) in crate::handlers::stacks::HANDLERS {
            registry.register(action, task);
        }
        use sluice_core::shares::{PROCESS_ACTION, REAPPLY_ACTION, REVOKE_ACTION, VERIFY_ACTION};
        registry.register(sluice_core::datasets::REGISTER_ACTION, crate::handlers::imports::RegisterImported);
        registry.register(sluice_core::datasets::CRAWL_ACTION, crate::handlers::crawler::StartCrawler);
        for action in [PROCESS_ACTION, REVOKE_ACTION, VERIFY_ACTION, REAPPLY_ACTION] {
            registry.register(action, crate::handlers::shares::ShareProcessor);
        }
        registry
    }

    pub fn register(&mut self, action: &str, handler: impl TaskHandler + 'static) -> &mut Self {
        self.handlers.insert(action.to_owned(), Arc::new(handler));
        self
    }

    pub fn get(&self, action: &str) -> Option<Arc<dyn TaskHandler>> {
        self.handlers.get(action).cloned()
    }

    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }
}
