//! Environment types, and the validation of what users send.

use std::collections::BTreeMap;

use crate::{Actor, Error, Result};

pub const RESOURCE_TYPE: &str = "environment";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub environment_uri: String,
    pub organization_uri: String,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub owner: String,
    /// The owning team.
    pub saml_group_name: String,
    pub aws_account_id: String,
    pub region: String,
    pub resource_prefix: String,
    pub parameters: BTreeMap<String, String>,
    pub pivot_role_name: String,
    /// The permissions boundary the environment's stacks put on their roles instead of the one
    /// shipped with the pivot role; see [`permissions_boundary`].
    pub permissions_boundary_policy_arn: Option<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Environment {
    pub(crate) fn from_model(m: sluice_entities::environment::Model) -> Result<Self> {
        let json = |e: serde_json::Error| Error::Internal(Box::new(e));
        Ok(Self {
            tags: serde_json::from_str(&m.tags).map_err(json)?,
            parameters: serde_json::from_str(&m.parameters).map_err(json)?,
            environment_uri: m.environment_uri,
            organization_uri: m.organization_uri,
            label: m.label,
            name: m.name,
            description: m.description,
            owner: m.owner,
            saml_group_name: m.saml_group_name,
            aws_account_id: m.aws_account_id,
            region: m.region,
            resource_prefix: m.resource_prefix,
            pivot_role_name: m.pivot_role_name,
            permissions_boundary_policy_arn: m.permissions_boundary_policy_arn,
            created: m.created,
            updated: m.updated,
        })
    }

    /// data.all's `userRoleInEnvironment`.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        if self.owner == actor.username() {
            UserRole::Owner
        } else if actor.in_group(&self.saml_group_name) {
            UserRole::Admin
        } else {
            // Only callers who passed the GET_ENVIRONMENT check hold an environment.
            UserRole::Invited
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRole {
    Owner,
    Admin,
    DatasetCreator,
    Invited,
    ProjectAccess,
    NotInvited,
}

#[derive(Debug, Clone, Default)]
pub struct NewEnvironment {
    pub label: String,
    pub organization_uri: String,
    pub saml_group_name: String,
    pub aws_account_id: String,
    pub region: String,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub resource_prefix: Option<String>,
    pub parameters: Vec<(String, String)>,
    /// An existing role for the owning team; Sluice creates one otherwise.
    pub default_role_arn: Option<String>,
    /// data.all's `PermissionsBoundaryPolicyArn`; empty or absent: the pivot role's boundary.
    pub permissions_boundary_policy_arn: Option<String>,
    pub unsupported: Unsupported,
}

#[derive(Debug, Clone, Default)]
pub struct ModifyEnvironment {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub parameters: Option<Vec<(String, String)>>,
    /// Fixed at linking: a value other than the current one is refused.
    pub saml_group_name: Option<String>,
    pub resource_prefix: Option<String>,
    /// Absent: unchanged; empty: back to the pivot role's boundary. A change redeploys the
    /// environment's stack.
    pub permissions_boundary_policy_arn: Option<String>,
    pub unsupported: Unsupported,
}

/// Parts of data.all's environment inputs that Sluice does not do. They are refused with a
/// clear message after the permission check, so the refusal tells an outsider nothing.
#[derive(Debug, Clone, Default)]
pub struct Unsupported {
    /// `vpcId` or `subnetIds` was given.
    pub network: bool,
    /// `type`, when it is not `Data`.
    pub kind: Option<String>,
}

pub(crate) fn refuse_unsupported(unsupported: &Unsupported) -> Result<()> {
    if unsupported.network {
        return Err(Error::validation("vpcId", "Sluice provisions no VPC; leave vpcId and subnetIds out"));
    }
    if unsupported.kind.is_some() {
        return Err(Error::validation("type", "only Data environments exist in Sluice"));
    }
    Ok(())
}

/// A team in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentGroup {
    pub environment_uri: String,
    pub group_uri: String,
    pub invited_by: String,
    pub role_name: String,
    pub role_arn: String,
    pub role_imported: bool,
    pub created: chrono::DateTime<chrono::Utc>,
}

impl From<sluice_entities::environment_group::Model> for EnvironmentGroup {
    fn from(m: sluice_entities::environment_group::Model) -> Self {
        Self {
            environment_uri: m.environment_uri,
            group_uri: m.group_uri,
            invited_by: m.invited_by,
            role_name: m.role_name,
            role_arn: m.role_arn,
            role_imported: m.role_imported,
            created: m.created,
        }
    }
}

/// The commercial, China and GovCloud regions that have Lake Formation.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
];

pub(crate) fn account_id(value: &str) -> Result<String> {
    let v = value.trim();
    if v.len() == 12 && v.chars().all(|c| c.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err(Error::validation("AwsAccountId", format!("must be 12 digits, got {value:?}")))
    }
}

pub(crate) fn region(value: &str) -> Result<String> {
    let v = value.trim();
    if REGIONS.contains(&v) {
        Ok(v.to_owned())
    } else {
        Err(Error::validation("region", format!("{value:?} is not an AWS region name such as eu-west-1")))
    }
}

pub const DEFAULT_RESOURCE_PREFIX: &str = "sluice";

/// Lowercase letters, digits and hyphens, starting with a letter: it begins bucket and role
/// names, so it must suit both.
pub(crate) fn resource_prefix(value: Option<&str>) -> Result<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or(DEFAULT_RESOURCE_PREFIX);
    let ok = (1..=20).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(Error::validation(
            "resourcePrefix",
            "use 1 to 20 lowercase letters, digits or hyphens, starting with a letter",
        ))
    }
}

pub(crate) fn parameters(pairs: &[(String, String)]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (k, v) in pairs {
        let k = k.trim();
        if k.is_empty() || k.len() > 128 {
            return Err(Error::validation("parameters", "each key must have 1 to 128 characters"));
        }
        if v.len() > 2048 {
            return Err(Error::validation(
                "parameters",
                format!("the value of {k} is longer than 2048 characters"),
            ));
        }
        out.insert(k.to_owned(), v.clone());
    }
    Ok(out)
}

/// An IAM role ARN a team brings: `arn:aws:iam::<account>:role/<path/>name`.
pub(crate) fn role_arn(field: &str, value: &str, account: &str) -> Result<(String, String)> {
    let v = value.trim();
    let rest = v
        .strip_prefix(&format!("arn:aws:iam::{account}:role/"))
        .ok_or_else(|| Error::validation(field, format!("must be an IAM role ARN in account {account}")))?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    if name.is_empty() || name.len() > 64 {
        return Err(Error::validation(field, "the role name must have 1 to 64 characters"));
    }
    Ok((v.to_owned(), name.to_owned()))
}

/// A permissions boundary for the environment's roles: `arn:aws:iam::<account>:policy/<name>`, a
/// managed policy of the environment's own account whose name starts with the pivot role's
/// boundary name (`<pivot role name>-boundary`, e.g. `sluice-pivot-role-boundary-acme`). The
/// pivot role may create roles only under a boundary so named, and it cannot create or change
/// managed policies, so only the account owner can make one: naming it so is how they let
/// Sluice use it. Empty: none (the pivot role's own boundary).
pub(crate) fn permissions_boundary(
    value: &str,
    account: &str,
    pivot_role_name: &str,
) -> Result<Option<String>> {
    const FIELD: &str = "PermissionsBoundaryPolicyArn";
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let name = v
        .strip_prefix(&format!("arn:aws:iam::{account}:policy/"))
        .ok_or_else(|| Error::validation(FIELD, format!("must be an IAM policy ARN in account {account}")))?;
    let prefix = super::names::boundary_policy_name(pivot_role_name);
    let ok = name.starts_with(&prefix)
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(Some(v.to_owned()))
    } else {
        Err(Error::validation(
            FIELD,
            format!(
                "the policy's name must start with {prefix} (no path): the pivot role creates roles only \
                 under a boundary so named, which only the account owner can make"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert_eq!(account_id(" 123456789012 ").expect("valid"), "123456789012");
        for bad in ["12345678901", "1234567890123", "12345678901a"] {
            assert_eq!(account_id(bad).expect_err(bad).code(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn regions_must_be_real() {
        assert!(region("eu-west-1").is_ok());
        assert!(region("eu-west-9").is_err());
        assert!(region("EU-WEST-1").is_err());
    }

    #[test]
    fn resource_prefixes_suit_bucket_and_role_names() {
        assert_eq!(resource_prefix(None).expect("default"), "sluice");
        assert_eq!(resource_prefix(Some("dl-01")).expect("valid"), "dl-01");
        for bad in ["Upper", "1abc", "a_b", "abcdefghijklmnopqrstu"] {
            assert!(resource_prefix(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn imported_roles_must_be_in_the_environment_account() {
        let (arn, name) =
            role_arn("r", "arn:aws:iam::123456789012:role/team/analysts", "123456789012").expect("valid");
        assert_eq!(
            (arn.as_str(), name.as_str()),
            ("arn:aws:iam::123456789012:role/team/analysts", "analysts")
        );
        assert!(role_arn("r", "arn:aws:iam::999999999999:role/x", "123456789012").is_err());
    }

    #[test]
    fn boundaries_are_policies_of_the_account_named_after_the_pivot_role() {
        let ok = "arn:aws:iam::123456789012:policy/sluice-pivot-role-boundary-acme";
        assert_eq!(
            permissions_boundary(ok, "123456789012", "sluice-pivot-role").expect("valid").as_deref(),
            Some(ok)
        );
        assert_eq!(permissions_boundary(" ", "123456789012", "sluice-pivot-role").expect("empty"), None);
        for bad in [
            "arn:aws:iam::999999999999:policy/sluice-pivot-role-boundary-acme",
            "arn:aws:iam::123456789012:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::123456789012:policy/team/sluice-pivot-role-boundary",
            "arn:aws:iam::123456789012:role/sluice-pivot-role-boundary",
        ] {
            let refused = permissions_boundary(bad, "123456789012", "sluice-pivot-role").expect_err(bad);
            assert_eq!(refused.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}
