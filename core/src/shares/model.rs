//! Share types, and the checks on what requesters send.

use crate::{Actor, Error, Result};

pub const RESOURCE_TYPE: &str = "share_object";
pub const ITEM_RESOURCE_TYPE: &str = "share_item";

/// Who receives a share's grants: a team's role in the target environment, or a consumption
/// principal (an IAM role a team brought to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    Group,
    ConsumptionRole,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group => "Group",
            Self::ConsumptionRole => "ConsumptionRole",
        }
    }

    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "Group" => Ok(Self::Group),
            "ConsumptionRole" => Ok(Self::ConsumptionRole),
            other => Err(Error::validation(
                "principalType",
                format!("{other:?} is not a principal type Sluice shares to; use Group or ConsumptionRole"),
            )),
        }
    }
}

/// What a share item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    Table,
    StorageLocation,
    /// The dataset's whole bucket; its item URI is the dataset's URI (Sluice keeps no bucket
    /// rows of its own), so a share holds it at most once.
    S3Bucket,
}

impl ItemType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Table => "Table",
            Self::StorageLocation => "StorageLocation",
            Self::S3Bucket => "S3Bucket",
        }
    }

    /// Whether the item is shared through S3 (an access point), not Lake Formation.
    pub fn is_s3(self) -> bool {
        matches!(self, Self::StorageLocation | Self::S3Bucket)
    }

    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "Table" | "DatasetTable" => Ok(Self::Table),
            "StorageLocation" | "DatasetStorageLocation" => Ok(Self::StorageLocation),
            "S3Bucket" | "DatasetBucket" => Ok(Self::S3Bucket),
            other => Err(Error::validation(
                "itemType",
                format!("{other:?} cannot be shared; use Table, StorageLocation or S3Bucket"),
            )),
        }
    }
}

/// Lake Formation access a share asks for. Read is always allowed; Write and Modify only when
/// the platform allows them (`SLUICE_SHARE_PERMISSIONS`).
pub const PERMISSIONS: [&str; 3] = ["Read", "Write", "Modify"];

/// Core hands a share out only to its requesters and approvers, and other crates cannot make
/// one (`non_exhaustive`), so holding a `&Share` shows its holder may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Share {
    pub share_uri: String,
    pub dataset_uri: String,
    /// The dataset's environment: where the data comes from.
    pub dataset_environment_uri: String,
    pub environment_uri: String,
    pub group_uri: String,
    pub principal_id: String,
    pub principal_type: String,
    pub principal_name: String,
    pub principal_role_arn: String,
    pub owner: String,
    pub status: String,
    pub request_purpose: Option<String>,
    pub reject_purpose: Option<String>,
    pub permissions: Vec<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
    /// Set when `createShareObject` found this share rather than making it.
    pub already_existed: bool,
    pub expiry: ShareExpiryState,
}

/// Where a share stands on expiry (data.all's fields of the same names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareExpiryState {
    /// When access ends unless extended; none when it doesn't.
    pub expiry_date: Option<chrono::DateTime<chrono::Utc>>,
    /// What approving the pending request or extension would give, as of when it was asked.
    pub requested_expiry_date: Option<chrono::DateTime<chrono::Utc>>,
    /// The period asked for, in the dataset's unit (months or quarters).
    pub share_expiration_period: Option<i32>,
    pub non_expirable: bool,
    pub submitted_for_extension: bool,
    pub extension_reason: Option<String>,
    pub last_extension_date: Option<chrono::DateTime<chrono::Utc>>,
}

impl Share {
    pub(crate) fn from_model(m: sluice_entities::share_object::Model) -> Result<Self> {
        Ok(Self {
            permissions: serde_json::from_str(&m.permissions).map_err(|e| Error::Internal(Box::new(e)))?,
            share_uri: m.share_uri,
            dataset_uri: m.dataset_uri,
            dataset_environment_uri: m.dataset_environment_uri,
            environment_uri: m.environment_uri,
            group_uri: m.group_uri,
            principal_id: m.principal_id,
            principal_type: m.principal_type,
            principal_name: m.principal_name,
            principal_role_arn: m.principal_role_arn,
            owner: m.owner,
            status: m.status,
            request_purpose: m.request_purpose,
            reject_purpose: m.reject_purpose,
            created: m.created,
            updated: m.updated,
            already_existed: false,
            expiry: ShareExpiryState {
                expiry_date: m.expiry_date,
                requested_expiry_date: m.requested_expiry_date,
                share_expiration_period: m.share_expiration_period,
                non_expirable: m.non_expirable,
                submitted_for_extension: m.submitted_for_extension,
                extension_reason: m.extension_reason,
                last_extension_date: m.last_extension_date,
            },
        })
    }

    /// Whether the actor is in the requesting team.
    pub fn is_requester(&self, actor: &Actor) -> bool {
        actor.in_group(&self.group_uri)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareItem {
    pub share_item_uri: String,
    pub share_uri: String,
    pub item_uri: String,
    pub item_type: String,
    pub item_name: String,
    pub status: String,
    pub health_status: Option<String>,
    pub health_message: Option<String>,
    pub last_verification_time: Option<chrono::DateTime<chrono::Utc>>,
    /// The item's attached filters; none for the whole table.
    pub attached_data_filter_uri: Option<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl From<sluice_entities::share_item::Model> for ShareItem {
    fn from(m: sluice_entities::share_item::Model) -> Self {
        Self {
            share_item_uri: m.share_item_uri,
            share_uri: m.share_uri,
            item_uri: m.item_uri,
            item_type: m.item_type,
            item_name: m.item_name,
            status: m.status,
            health_status: m.health_status,
            health_message: m.health_message,
            last_verification_time: m.last_verification_time,
            attached_data_filter_uri: m.attached_data_filter_uri,
            created: m.created,
            updated: m.updated,
        }
    }
}

/// A share request as the requester sends it.
#[derive(Debug, Clone, Default)]
pub struct NewShare {
    pub environment_uri: String,
    pub group_uri: String,
    pub principal_id: String,
    pub principal_type: String,
    pub request_purpose: Option<String>,
    pub permissions: Vec<String>,
    /// On a dataset whose shares expire: the period asked for, in its unit.
    pub share_expiration_period: Option<i32>,
    /// On a dataset whose shares expire: ask for access that doesn't.
    pub non_expirable: bool,
}

/// The caller's relation to a share (data.all's `userRoleForShareObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRole {
    Approvers,
    Requesters,
    ApproversAndRequesters,
    NoPermission,
}

/// Checks the requested permissions against those the platform allows; Read is implied.
pub(crate) fn permissions(requested: &[String], allowed: &[String]) -> Result<Vec<String>> {
    let mut out = vec!["Read".to_owned()];
    for p in requested {
        let p = p.trim();
        let Some(known) = PERMISSIONS.iter().find(|k| k.eq_ignore_ascii_case(p)) else {
            return Err(Error::validation("permissions", format!("{p:?} is not one of Read, Write, Modify")));
        };
        if !allowed.iter().any(|a| a == known) {
            return Err(Error::validation(
                "permissions",
                format!("this platform allows only {} shares", allowed.join(", ")),
            ));
        }
        if !out.iter().any(|o| o == known) {
            out.push((*known).to_owned());
        }
    }
    Ok(out)
}

/// A purpose or reason: at most 2,000 characters, empty meaning none.
pub(crate) fn purpose(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > 2000 => Err(Error::validation(field, "at most 2,000 characters")),
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_is_implied_and_write_needs_the_platform_to_allow_it() {
        let read_only = vec!["Read".to_owned()];
        assert_eq!(permissions(&[], &read_only).expect("read"), ["Read"]);
        assert_eq!(permissions(&["read".into()], &read_only).expect("read"), ["Read"]);
        let err = permissions(&["Write".into()], &read_only).expect_err("not allowed");
        assert!(err.to_string().contains("allows only Read"), "{err}");
        let all: Vec<String> = PERMISSIONS.iter().map(|p| (*p).to_owned()).collect();
        assert_eq!(
            permissions(&["Modify".into(), "Write".into()], &all).expect("ok"),
            ["Read", "Modify", "Write"]
        );
        assert!(permissions(&["Admin".into()], &all).is_err());
    }

    #[test]
    fn principal_and_item_types_are_checked() {
        assert_eq!(PrincipalType::parse("Group").expect("group"), PrincipalType::Group);
        assert!(PrincipalType::parse("RedshiftRole").is_err());
        assert_eq!(ItemType::parse("DatasetTable").expect("table"), ItemType::Table);
        assert_eq!(ItemType::parse("S3Bucket").expect("bucket"), ItemType::S3Bucket);
        assert!(ItemType::parse("RedshiftTable").is_err());
        assert!(purpose("requestPurpose", Some(&"x".repeat(2001))).is_err());
        assert_eq!(purpose("requestPurpose", Some("  ")).expect("empty"), None);
    }
}
