//! What the effective-access views answer: who can read a dataset, table or folder, through
//! what, and whether AWS agrees.

use crate::{Error, Result};

/// What `getEffectiveAccess` is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    Dataset,
    Table,
    Folder,
}

impl TargetType {
    /// data.all's target type names (`Dataset`, `DatasetTable`, `DatasetStorageLocation`), and
    /// the short ones, in any case.
    pub fn parse(value: &str) -> Result<Self> {
        match value.to_ascii_lowercase().as_str() {
            "dataset" => Ok(Self::Dataset),
            "datasettable" | "table" => Ok(Self::Table),
            "datasetstoragelocation" | "storagelocation" | "folder" => Ok(Self::Folder),
            _ => Err(Error::validation(
                "targetType",
                format!(
                    "{value:?} is not a target type: use Dataset, DatasetTable or DatasetStorageLocation"
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dataset => "Dataset",
            Self::Table => "DatasetTable",
            Self::Folder => "DatasetStorageLocation",
        }
    }
}

/// Through what a reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderVia {
    /// The dataset's admin team, through the dataset's own role.
    OwnerTeam,
    /// The dataset's stewards: they see it in Sluice and decide on its shares.
    Stewards,
    /// A share item granted to a team's role or a consumption role.
    Share,
    /// A grant in AWS on the dataset's resources that Sluice did not make.
    OutsideSluice,
}

/// Whether AWS holds what Sluice says it granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsAgreement {
    /// Every grant the access needs is in AWS.
    Ok,
    /// Sluice granted it, but AWS lacks some of it: re-apply the share.
    MissingInAws,
    /// AWS holds it, but Sluice never granted it: someone granted it by hand.
    NotGrantedBySluice,
    /// Not compared: AWS could not be read, or this kind of access has no grant to compare.
    NotCompared,
}

/// One way someone can read the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub via: ReaderVia,
    pub dataset_uri: String,
    pub dataset_label: String,
    /// The team that holds the access (none for a grant made outside Sluice).
    pub team: Option<String>,
    /// `Group` (a team's role), `ConsumptionRole`, or `IAM` for a grant outside Sluice.
    pub principal_type: String,
    /// The team, the consumption role's name, or the principal AWS lists.
    pub principal: String,
    pub role_arn: Option<String>,
    pub share_uri: Option<String>,
    pub share_item_uri: Option<String>,
    pub item_uri: Option<String>,
    pub item_name: Option<String>,
    pub item_type: Option<String>,
    pub item_status: Option<String>,
    /// Lake Formation's permissions for tables and grants outside Sluice; `ALL` for owners.
    pub permissions: Vec<String>,
    pub expiry_date: Option<chrono::DateTime<chrono::Utc>>,
    pub aws: AwsAgreement,
    /// What is missing, what was found, or why nothing was compared, in words.
    pub detail: Option<String>,
}

impl Reader {
    pub(crate) fn bare(via: ReaderVia, dataset_uri: &str, dataset_label: &str, principal: &str) -> Self {
        Self {
            via,
            dataset_uri: dataset_uri.to_owned(),
            dataset_label: dataset_label.to_owned(),
            team: None,
            principal_type: "Group".into(),
            principal: principal.to_owned(),
            role_arn: None,
            share_uri: None,
            share_item_uri: None,
            item_uri: None,
            item_name: None,
            item_type: None,
            item_status: None,
            permissions: vec![],
            expiry_date: None,
            aws: AwsAgreement::NotCompared,
            detail: None,
        }
    }
}

/// `getEffectiveAccess`: everyone who can read the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveAccess {
    pub target_uri: String,
    pub target_type: TargetType,
    pub dataset_uri: String,
    /// The target's label.
    pub label: String,
    pub readers: Vec<Reader>,
    /// Whether Lake Formation was read; when not, `aws_error` says why.
    pub aws_checked: bool,
    pub aws_error: Option<String>,
    pub checked_at: chrono::DateTime<chrono::Utc>,
}

/// What `getPrincipalAccess` is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A team (`SamlGroupName`): what it owns, stewards, and is shared with any of its roles.
    Group,
    /// A consumption role, by its uri: what is shared with it.
    ConsumptionRole,
}

impl PrincipalKind {
    pub fn parse(value: &str) -> Result<Self> {
        match value.to_ascii_lowercase().as_str() {
            "group" | "team" => Ok(Self::Group),
            "consumptionrole" => Ok(Self::ConsumptionRole),
            _ => Err(Error::validation(
                "principalType",
                format!("{value:?} is not a principal type: use Group or ConsumptionRole"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group => "Group",
            Self::ConsumptionRole => "ConsumptionRole",
        }
    }
}

/// `getPrincipalAccess`: everything a team or consumption role can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    pub principal_type: PrincipalKind,
    pub principal_id: String,
    pub readers: Vec<Reader>,
    /// More than [`super::MAX_READERS`] were found; the rest are left out.
    pub truncated: bool,
}
