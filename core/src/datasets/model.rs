//! Dataset types and the validation of what users send.

use crate::{Actor, Error, Result};

pub const RESOURCE_TYPE: &str = "dataset";
pub const CONFIDENTIALITY: [&str; 3] = ["Unclassified", "Official", "Secret"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    pub dataset_uri: String,
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub confidentiality: String,
    pub owner: String,
    pub saml_admin_group_name: String,
    pub stewards: Option<String>,
    pub auto_approval_enabled: bool,
    pub imported: bool,
    pub bucket_name: String,
    pub glue_database_name: String,
    pub kms_alias: String,
    pub admin_role_name: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Dataset {
    pub(crate) fn from_model(m: sluice_entities::dataset::Model) -> Result<Self> {
        let json = |e: serde_json::Error| Error::Internal(Box::new(e));
        Ok(Self {
            tags: serde_json::from_str(&m.tags).map_err(json)?,
            topics: serde_json::from_str(&m.topics).map_err(json)?,
            dataset_uri: m.dataset_uri,
            environment_uri: m.environment_uri,
            organization_uri: m.organization_uri,
            label: m.label,
            name: m.name,
            description: m.description,
            confidentiality: m.confidentiality,
            owner: m.owner,
            saml_admin_group_name: m.saml_admin_group_name,
            stewards: m.stewards,
            auto_approval_enabled: m.auto_approval_enabled,
            imported: m.imported,
            bucket_name: m.bucket_name,
            glue_database_name: m.glue_database_name,
            kms_alias: m.kms_alias,
            admin_role_name: m.admin_role_name,
            created: m.created,
            updated: m.updated,
        })
    }

    /// data.all's `userRoleForDataset`.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        if self.owner == actor.username {
            UserRole::Creator
        } else if actor.in_group(&self.saml_admin_group_name) {
            UserRole::Admin
        } else if self.stewards.as_deref().is_some_and(|s| actor.in_group(s)) {
            UserRole::DataSteward
        } else {
            UserRole::NoPermission
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRole {
    BusinessOwner,
    DataSteward,
    Creator,
    Admin,
    Shared,
    NoPermission,
}

#[derive(Debug, Clone, Default)]
pub struct NewDataset {
    pub label: String,
    pub environment_uri: String,
    pub saml_admin_group_name: String,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub confidentiality: Option<String>,
    pub stewards: Option<String>,
    pub auto_approval_enabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ModifyDataset {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub confidentiality: Option<String>,
    pub stewards: Option<String>,
    pub auto_approval_enabled: Option<bool>,
}

pub(crate) fn confidentiality(value: Option<&str>) -> Result<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("Unclassified");
    CONFIDENTIALITY.iter().find(|c| c.eq_ignore_ascii_case(v)).map(|c| (*c).to_owned()).ok_or_else(|| {
        Error::validation("confidentiality", format!("use one of {}", CONFIDENTIALITY.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidentiality_defaults_and_is_checked() {
        assert_eq!(confidentiality(None).expect("default"), "Unclassified");
        assert_eq!(confidentiality(Some("secret")).expect("valid"), "Secret");
        assert_eq!(confidentiality(Some("TopSecret")).expect_err("invalid").code(), "BAD_USER_INPUT");
    }
}
