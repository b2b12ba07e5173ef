//! Dataset types and the validation of what users send.

use super::expiry::{ExpiryInput, ShareExpiry};
use crate::{Actor, Error, Result, error::Refusal};

pub const RESOURCE_TYPE: &str = "dataset";
pub const CONFIDENTIALITY: [&str; 3] = ["Unclassified", "Official", "Secret"];
/// data.all's `Language` values.
pub const LANGUAGES: [&str; 3] = ["English", "French", "German"];
/// data.all's `Topic` values.
pub const TOPICS: [&str; 12] = [
    "Finances",
    "HumanResources",
    "Products",
    "Services",
    "Operations",
    "Research",
    "Sales",
    "Orders",
    "Sites",
    "Energy",
    "Customers",
    "Misc",
];

/// What data.all stores and answers as `KmsAlias` for a bucket encrypted with SSE-S3 (no
/// customer key); Sluice stores no alias for it and answers this.
pub const SSE_S3: &str = "SSE-S3";

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
    /// `alias/<name>` of the customer KMS key that encrypts the bucket; `None` for an imported
    /// bucket encrypted with SSE-S3 (S3's own keys, nothing to grant). A created dataset always
    /// has its own key.
    pub kms_alias: Option<String>,
    pub admin_role_name: String,
    pub imported_admin_role: bool,
    /// The Glue crawler Sluice made on the dataset's location, once `startGlueCrawler` made it.
    pub glue_crawler_name: Option<String>,
    pub language: String,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Vec<String>,
    /// How its shares expire; `None` when they don't.
    pub expiry: Option<ShareExpiry>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Dataset {
    pub(crate) fn from_model(m: sluice_entities::dataset::Model) -> Result<Self> {
        let json = |e: serde_json::Error| Error::Internal(Box::new(e));
        Ok(Self {
            tags: serde_json::from_str(&m.tags).map_err(json)?,
            topics: serde_json::from_str(&m.topics).map_err(json)?,
            business_owner_delegation_emails: serde_json::from_str(&m.business_owner_delegation_emails)
                .map_err(json)?,
            expiry: ShareExpiry::from_columns(
                m.enable_expiration,
                m.expiry_setting.as_deref(),
                m.expiry_min_duration,
                m.expiry_max_duration,
            )?,
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
            glue_crawler_name: m.glue_crawler_name,
            imported_admin_role: m.imported_admin_role,
            language: m.language,
            business_owner_email: m.business_owner_email,
            created: m.created,
            updated: m.updated,
        })
    }

    /// The catalog entry, what anyone who may find the dataset reads.
    pub fn entry(&self) -> DatasetEntry {
        DatasetEntry {
            dataset_uri: self.dataset_uri.clone(),
            environment_uri: self.environment_uri.clone(),
            organization_uri: self.organization_uri.clone(),
            label: self.label.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            topics: self.topics.clone(),
            confidentiality: self.confidentiality.clone(),
            owner: self.owner.clone(),
            saml_admin_group_name: self.saml_admin_group_name.clone(),
            stewards: self.stewards.clone(),
            auto_approval_enabled: self.auto_approval_enabled,
            imported: self.imported,
            language: self.language.clone(),
            business_owner_email: self.business_owner_email.clone(),
            business_owner_delegation_emails: self.business_owner_delegation_emails.clone(),
            expiry: self.expiry,
            created: self.created,
            updated: self.updated,
        }
    }

    /// The view for teams holding GET_DATASET; `account` and `region` are its environment's.
    pub(crate) fn full_view(&self, aws_account_id: &str, region: &str) -> DatasetView {
        DatasetView::full(
            self.entry(),
            DatasetRestricted {
                aws_account_id: aws_account_id.to_owned(),
                region: region.to_owned(),
                bucket_name: self.bucket_name.clone(),
                glue_database_name: self.glue_database_name.clone(),
                kms_alias: self.kms_alias.clone(),
                admin_role_name: self.admin_role_name.clone(),
                imported_admin_role: self.imported_admin_role,
                glue_crawler_name: self.glue_crawler_name.clone(),
            },
        )
    }
}

/// What every signed-in user may read of a dataset, to find it and ask for access (the catalog
/// view); with `SLUICE_CATALOG_VISIBILITY=restricted`, only teams it is shared with besides its
/// own. Nothing here says where the data lives in AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetEntry {
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
    pub language: String,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Vec<String>,
    /// Requesters need it to ask for a period the dataset allows.
    pub expiry: Option<ShareExpiry>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl DatasetEntry {
    /// data.all's `userRoleForDataset`.
    pub fn role_of(&self, actor: &Actor) -> UserRole {
        if self.owner == actor.username() {
            UserRole::Creator
        } else if actor.in_group(&self.saml_admin_group_name) {
            UserRole::Admin
        } else if self.stewards.as_deref().is_some_and(|s| actor.in_group(s)) {
            UserRole::DataSteward
        } else {
            UserRole::NoPermission
        }
    }

    /// Teams with every permission on the dataset: the admin team.
    pub fn admins(&self) -> Vec<String> {
        vec![self.saml_admin_group_name.clone()]
    }
}

/// Where a dataset's data lives in AWS: for teams holding GET_DATASET (its admin team and
/// stewards) only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetRestricted {
    pub aws_account_id: String,
    pub region: String,
    pub bucket_name: String,
    pub glue_database_name: String,
    /// `None`: SSE-S3, no customer key.
    pub kms_alias: Option<String>,
    pub admin_role_name: String,
    pub imported_admin_role: bool,
    /// The Glue crawler Sluice made on the dataset's location; `None` until the first
    /// `startGlueCrawler` made it.
    pub glue_crawler_name: Option<String>,
}

impl DatasetRestricted {
    pub fn admin_role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.aws_account_id, self.admin_role_name)
    }
}

/// A dataset as one caller may see it, decided once in core: the catalog entry for everyone who
/// may find it, and where it lives for its teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetView {
    entry: DatasetEntry,
    access: Access,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    Full(DatasetRestricted),
    /// The catalog entry only, for `viewer` (the username its refusals name).
    Catalog {
        viewer: String,
    },
}

impl DatasetView {
    pub(crate) fn catalog(entry: DatasetEntry, viewer: &Actor) -> Self {
        Self { entry, access: Access::Catalog { viewer: viewer.username().to_owned() } }
    }

    pub(crate) fn full(entry: DatasetEntry, restricted: DatasetRestricted) -> Self {
        Self { entry, access: Access::Full(restricted) }
    }

    pub fn entry(&self) -> &DatasetEntry {
        &self.entry
    }

    /// Whether the caller's teams hold GET_DATASET.
    pub fn is_full(&self) -> bool {
        matches!(self.access, Access::Full(_))
    }

    /// Where the data lives; FORBIDDEN for a caller who sees the catalog entry only.
    pub fn restricted(&self) -> crate::Result<&DatasetRestricted> {
        match &self.access {
            Access::Full(restricted) => Ok(restricted),
            Access::Catalog { viewer } => Err(Error::Forbidden(Box::new(Refusal::resource(
                viewer,
                "GET_DATASET",
                RESOURCE_TYPE,
                &self.entry.dataset_uri,
                "only the dataset's admin team and stewards see where its data lives; request access to its tables or folders instead",
            )))),
        }
    }

    /// The restricted part, or nothing for a catalog view: for fields that are null when hidden.
    pub fn restricted_if_granted(&self) -> Option<&DatasetRestricted> {
        match &self.access {
            Access::Full(restricted) => Some(restricted),
            Access::Catalog { .. } => None,
        }
    }
}

/// A view reads as its catalog entry; where the data lives needs [`DatasetView::restricted`].
impl std::ops::Deref for DatasetView {
    type Target = DatasetEntry;
    fn deref(&self) -> &DatasetEntry {
        &self.entry
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserRole {
    BusinessOwner,
    DataSteward,
    Creator,
    Admin,
    Shared,
    NoPermission,
}

/// What `listDatasets` narrows by; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DatasetFilter {
    pub term: Option<String>,
    /// Datasets where the actor holds any of these roles.
    pub roles: Vec<UserRole>,
    pub environment_uri: Option<String>,
    /// Only datasets this team administers.
    pub admin_team: Option<String>,
    /// Applied in order, then label and URI, so pages are stable.
    pub sort: Vec<(DatasetSort, SortOrder)>,
}

impl DatasetFilter {
    /// Whether the filter leaves out some of the datasets the actor may read (a sort does not).
    pub fn narrows(&self) -> bool {
        self.term.as_deref().is_some_and(|t| !t.trim().is_empty())
            || !self.roles.is_empty()
            || self.environment_uri.is_some()
            || self.admin_team.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetSort {
    Label,
    Created,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrder {
    Asc,
    Desc,
}

/// What a new dataset is told, whether created or imported.
#[derive(Debug, Clone, Default)]
pub struct NewDataset {
    pub label: String,
    pub environment_uri: String,
    /// When given, it must be the environment's organization.
    pub organization_uri: Option<String>,
    pub saml_admin_group_name: String,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub confidentiality: Option<String>,
    pub stewards: Option<String>,
    pub auto_approval_enabled: bool,
    pub language: Option<String>,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Option<Vec<String>>,
    /// Whether its shares expire, and how.
    pub expiry: ExpiryInput,
}

/// The existing AWS resources an imported dataset is made of.
#[derive(Debug, Clone, Default)]
pub struct ImportedResources {
    pub bucket_name: String,
    pub glue_database_name: String,
    /// The alias of the customer KMS key that encrypts the bucket, with or without `alias/`;
    /// `None` or empty for a bucket encrypted with SSE-S3 (as data.all takes `KmsKeyAlias: ""`).
    pub kms_alias: Option<String>,
    /// The role that administers the data; without one, the admin team's environment role.
    pub admin_role_name: Option<String>,
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
    pub language: Option<String>,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Option<Vec<String>>,
    /// data.all's clients send the dataset's key alias back; a different one is refused.
    pub kms_alias: Option<String>,
    /// Glossary term URIs: the dataset's terms become these. None leaves them.
    pub terms: Option<Vec<String>>,
    /// Whether its shares expire, and how; `None` fields leave the current rule.
    pub expiry: ExpiryInput,
}

pub(crate) fn confidentiality(value: Option<&str>) -> Result<String> {
    one_of(
        "confidentiality",
        &CONFIDENTIALITY,
        value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("Unclassified"),
    )
}

pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::json!(items).to_string()
}

fn one_of(field: &'static str, allowed: &[&str], value: &str) -> Result<String> {
    allowed
        .iter()
        .find(|c| c.eq_ignore_ascii_case(value))
        .map(|c| (*c).to_owned())
        .ok_or_else(|| Error::validation(field, format!("{value:?} is not one of {}", allowed.join(", "))))
}

pub(crate) fn language(value: Option<&str>) -> Result<String> {
    one_of("language", &LANGUAGES, value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("English"))
}

pub(crate) fn topics(values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = vec![];
    for v in values {
        let topic = one_of("topics", &TOPICS, v.trim())?;
        if !out.contains(&topic) {
            out.push(topic);
        }
    }
    Ok(out)
}

/// A plausible address: one `@` with text on both sides and no spaces. Delivery proves the rest.
pub(crate) fn email(field: &'static str, value: &str) -> Result<String> {
    let v = value.trim();
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && v.split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(Error::validation(field, format!("{v:?} is not an email address")))
    }
}

pub(crate) fn emails(field: &'static str, values: &[String]) -> Result<Vec<String>> {
    if values.len() > 20 {
        return Err(Error::validation(field, "at most 20 addresses"));
    }
    values.iter().map(|v| email(field, v)).collect()
}

/// S3's bucket naming rules, so an import names a bucket that can exist.
pub(crate) fn bucket_name(value: &str) -> Result<String> {
    let v = value.trim();
    let chars_ok = v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    let ends_ok = v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric());
    if (3..=63).contains(&v.len()) && chars_ok && ends_ok && !v.contains("..") {
        Ok(v.to_owned())
    } else {
        Err(Error::validation(
            "bucketName",
            format!("{v:?} is not an S3 bucket name: 3-63 lowercase letters, digits, '-' and '.'"),
        ))
    }
}

/// Glue's rules for database names (lowercase letters, digits, `_`; at most 255).
pub(crate) fn glue_database_name(value: &str) -> Result<String> {
    let v = value.trim();
    if !v.is_empty()
        && v.len() <= 255
        && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        Ok(v.to_owned())
    } else {
        Err(Error::validation(
            "glueDatabaseName",
            format!("{v:?} is not a Glue database name: lowercase letters, digits, '_' and '-'"),
        ))
    }
}

/// `alias/<name>`, whether or not the user wrote `alias/`.
pub(crate) fn kms_alias(value: &str) -> Result<String> {
    let name = value.trim().trim_start_matches("alias/");
    if !name.is_empty()
        && name.len() <= 250
        && !name.starts_with("aws/")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
    {
        Ok(format!("alias/{name}"))
    } else {
        Err(Error::validation(
            "KmsKeyAlias",
            format!(
                "{value:?} is not a customer KMS alias: letters, digits, '/', '_' and '-', not under aws/"
            ),
        ))
    }
}

/// An import's key: `None` (SSE-S3) when absent or blank, else a customer alias as
/// [`kms_alias`] checks it.
pub(crate) fn imported_kms_alias(value: Option<&str>) -> Result<Option<String>> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(kms_alias).transpose()
}

/// IAM role names: at most 64 of letters, digits and `+=,.@_-`.
pub(crate) fn role_name(value: &str) -> Result<String> {
    let v = value.trim();
    if !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
    {
        Ok(v.to_owned())
    } else {
        Err(Error::validation("adminRoleName", format!("{v:?} is not an IAM role name")))
    }
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

    #[test]
    fn data_all_enumerations_are_checked_and_normalized() {
        assert_eq!(language(None).expect("default"), "English");
        assert_eq!(language(Some("german")).expect("valid"), "German");
        assert!(language(Some("Klingon")).is_err());
        let t = topics(&["sales".into(), "Sales".into(), "Misc".into()]).expect("valid");
        assert_eq!(t, ["Sales", "Misc"]);
        assert!(topics(&["Gossip".into()]).is_err());
    }

    #[test]
    fn imported_resource_names_follow_aws_rules() {
        assert_eq!(bucket_name(" my-data.bucket ").expect("valid"), "my-data.bucket");
        for bad in ["ab", "My-Bucket", "-lead", "trail-", "a..b", &"x".repeat(64)] {
            assert!(bucket_name(bad).is_err(), "{bad} must be refused");
        }
        assert_eq!(kms_alias("sales-key").expect("valid"), "alias/sales-key");
        assert_eq!(kms_alias("alias/sales-key").expect("valid"), "alias/sales-key");
        assert!(kms_alias("alias/aws/s3").is_err(), "AWS-managed keys cannot be a dataset's key");
        assert!(kms_alias("").is_err());
        assert_eq!(imported_kms_alias(None).expect("SSE-S3"), None);
        assert_eq!(imported_kms_alias(Some(" ")).expect("SSE-S3"), None);
        assert_eq!(imported_kms_alias(Some("sales-key")).expect("valid"), Some("alias/sales-key".into()));
        assert!(imported_kms_alias(Some("alias/")).is_err(), "an alias prefix with no name is not SSE-S3");
        assert!(imported_kms_alias(Some("bad key!")).is_err());
        assert_eq!(glue_database_name("sales_db").expect("valid"), "sales_db");
        assert!(glue_database_name("Sales DB").is_err());
        assert!(role_name("DataAdmin+1").is_ok());
        assert!(role_name("no spaces").is_err());
    }

    #[test]
    fn emails_must_look_like_addresses() {
        assert!(email("businessOwnerEmail", "owner@example.com").is_ok());
        for bad in ["owner", "@example.com", "a@b", "a b@example.com", "a@b@c.com"] {
            assert!(email("businessOwnerEmail", bad).is_err(), "{bad} must be refused");
        }
        assert!(emails("d", &vec!["a@b.co".to_owned(); 21]).is_err());
    }
}
