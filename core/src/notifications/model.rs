//! What a notification is: its kind in data.all's names, and what a reader sees of it.

use crate::{Error, Result};

/// The kinds of notification, spelled as data.all's `type` (its first four are data.all's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationType {
    /// A share request waits for the dataset's approvers.
    ShareSubmitted,
    ShareApproved,
    ShareRejected,
    /// The grants of an approved request are in place.
    ShareProcessed,
    /// A processing or revoking run left items failed.
    ShareFailed,
    /// Revoked items are gone.
    ShareRevoked,
    /// The requesters ask to keep their access longer.
    ShareExtensionSubmitted,
    /// An extension was approved.
    ShareExtended,
    ShareExtensionRejected,
    /// Access ends soon unless extended (Sluice's own: data.all sends these as SHARE_OBJECT_EXTENDED).
    ShareExpiring,
    /// Access ended: the expired items are being revoked.
    ShareExpired,
}

impl NotificationType {
    pub const ALL: [Self; 11] = [
        Self::ShareSubmitted,
        Self::ShareApproved,
        Self::ShareRejected,
        Self::ShareProcessed,
        Self::ShareFailed,
        Self::ShareRevoked,
        Self::ShareExtensionSubmitted,
        Self::ShareExtended,
        Self::ShareExtensionRejected,
        Self::ShareExpiring,
        Self::ShareExpired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ShareSubmitted => "SHARE_OBJECT_SUBMITTED",
            Self::ShareApproved => "SHARE_OBJECT_APPROVED",
            Self::ShareRejected => "SHARE_OBJECT_REJECTED",
            Self::ShareProcessed => "SHARE_OBJECT_PROCESSED",
            Self::ShareFailed => "SHARE_OBJECT_FAILED",
            Self::ShareRevoked => "SHARE_OBJECT_REVOKED",
            Self::ShareExtensionSubmitted => "SHARE_OBJECT_EXTENSION_SUBMITTED",
            Self::ShareExtended => "SHARE_OBJECT_EXTENDED",
            Self::ShareExtensionRejected => "SHARE_OBJECT_EXTENSION_REJECTED",
            Self::ShareExpiring => "SHARE_OBJECT_EXPIRING",
            Self::ShareExpired => "SHARE_OBJECT_EXPIRED",
        }
    }

    /// A `type` filter: one of [`Self::ALL`], exactly as spelled.
    pub fn parse(value: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value.trim()).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
            Error::validation(
                "filter.type",
                format!(
                    "no notification type \"{}\"; the types are {}",
                    value.escape_debug(),
                    known.join(", ")
                ),
            )
        })
    }
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationTarget {
    Share,
}

impl NotificationTarget {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Share => "ShareObject",
        }
    }
}

/// A notification as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub notification_uri: String,
    /// data.all's `type`; kinds this release does not know (written by a newer one) pass as
    /// they are.
    pub notification_type: String,
    pub message: String,
    /// The team it went to (data.all's `username`, which holds the recipient).
    pub recipient_group: String,
    /// `<share uri>|<dataset uri>`, as data.all writes it.
    pub target_uri: String,
    pub target_type: String,
    /// Whether this reader has read it.
    pub is_read: bool,
    pub created: chrono::DateTime<chrono::Utc>,
}

/// A notification to write: to each of `recipients` (teams), in the transaction of the event.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub notification_type: NotificationType,
    pub target: NotificationTarget,
    pub target_uri: String,
    pub message: String,
    pub recipients: Vec<String>,
}

/// `listNotifications`' filter.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// Notifications whose message or type holds this.
    pub term: Option<String>,
    /// Only read ones.
    pub read: bool,
    /// Only unread ones.
    pub unread: bool,
    /// Only archived ones: Sluice archives none, so this finds nothing.
    pub archived: bool,
    pub notification_type: Option<NotificationType>,
}
