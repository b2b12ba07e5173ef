//! A task and its states. Status changes are conditional updates in `store`, so two workers
//! racing on one task cannot both move it.

use serde_json::Value;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    Pending,
    Started,
    Succeeded,
    Failed,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [Self::Pending, Self::Started, Self::Succeeded, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Started => "started",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Error::Internal(format!("unknown task status {s:?} in the database").into()))
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub task_uri: String,
    pub action: String,
    pub target_uri: String,
    pub target_type: String,
    /// The target's name as people know it; filled by the lists people read (`Tasks`), null
    /// for platform work and a target since deleted.
    pub target_label: Option<String>,
    pub payload: Value,
    pub status: TaskStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub response: Option<Value>,
    /// How far a long task got, as it last reported.
    pub progress: Option<Value>,
    pub dispatched_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Task {
    pub(crate) fn from_model(m: sluice_entities::task::Model) -> Result<Self> {
        let json = |s: &str| serde_json::from_str(s).map_err(|e| Error::Internal(Box::new(e)));
        Ok(Self {
            payload: json(&m.payload)?,
            response: m.response.as_deref().map(json).transpose()?,
            progress: m.progress.as_deref().map(json).transpose()?,
            status: TaskStatus::parse(&m.status)?,
            attempts: u32::try_from(m.attempts).unwrap_or(0),
            task_uri: m.task_uri,
            action: m.action,
            target_uri: m.target_uri,
            target_type: m.target_type,
            target_label: None,
            last_error: m.last_error,
            dispatched_at: m.dispatched_at,
            created: m.created,
            updated: m.updated,
        })
    }
}

/// What a new task is for.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub action: String,
    pub target_uri: String,
    pub target_type: String,
    pub payload: Value,
}

/// Where a task's target lives, which decides who may see the task.
pub mod targets {
    /// Platform-wide work (health checks, reindexing): platform admins only.
    pub const PLATFORM: &str = "platform";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_two_are_terminal() {
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(status.as_str()).expect("parses"), status);
        }
        assert!(TaskStatus::parse("dispatched").is_err());
        let terminal: Vec<_> = TaskStatus::ALL.into_iter().filter(|s| s.is_terminal()).collect();
        assert_eq!(terminal, vec![TaskStatus::Succeeded, TaskStatus::Failed]);
    }
}
