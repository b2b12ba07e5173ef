//! data.all's dataset inputs, and how they become core's. Fields Sluice cannot honour are
//! refused when set, never silently dropped.

use async_graphql::{Enum, InputObject};
use sluice_core::{
    Error,
    datasets::{
        DatasetFilter as CoreFilter, DatasetSort, ImportedResources, ModifyDataset, NewDataset, SortOrder,
        expiry::ExpiryInput,
    },
};

use super::types::{DatasetRole, Language, Topic};
use crate::graphql::{environments::flat, organizations::SortDirection, to_gql};

#[derive(InputObject)]
pub struct NewDatasetInput {
    pub label: String,
    /// Must be the environment's organization when given.
    pub organization_uri: Option<String>,
    pub environment_uri: String,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    /// The creator is always the caller; this is accepted for data.all clients and ignored.
    pub owner: Option<String>,
    pub language: Option<Language>,
    pub topics: Option<Vec<Option<Topic>>>,
    /// The admin team: you must be in it, and it must hold CREATE_DATASET on the environment.
    #[graphql(name = "SamlAdminGroupName")]
    pub saml_admin_group_name: String,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Option<Vec<Option<String>>>,
    /// Unclassified (default), Official or Secret.
    pub confidentiality: Option<String>,
    /// A team that reads the dataset.
    pub stewards: Option<String>,
    pub auto_approval_enabled: Option<bool>,
    /// Whether the dataset's shares expire unless extended; with it, `expirySetting` (Monthly or
    /// Quarterly) and the shortest and longest period a request may ask for, in that unit.
    pub enable_expiration: Option<bool>,
    pub expiry_setting: Option<String>,
    pub expiry_min_duration: Option<i32>,
    pub expiry_max_duration: Option<i32>,
}

#[derive(InputObject)]
pub struct ImportDatasetInput {
    pub label: String,
    pub organization_uri: Option<String>,
    pub environment_uri: String,
    pub description: Option<String>,
    /// An existing bucket in the environment's account.
    pub bucket_name: String,
    /// An existing Glue database in the environment's account and region; required.
    pub glue_database_name: Option<String>,
    /// The alias of the KMS key that encrypts the bucket, with or without `alias/`; empty or
    /// absent for a bucket encrypted with SSE-S3 (no customer key), as in data.all.
    #[graphql(name = "KmsKeyAlias")]
    pub kms_key_alias: Option<String>,
    /// An existing role that administers the data; by default the admin team's role.
    pub admin_role_name: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    /// The importer is always the caller; this is accepted for data.all clients and ignored.
    pub owner: Option<String>,
    pub language: Option<Language>,
    pub topics: Option<Vec<Option<Topic>>>,
    #[graphql(name = "SamlAdminGroupName")]
    pub saml_admin_group_name: String,
    pub business_owner_email: Option<String>,
    pub business_owner_delegation_emails: Option<Vec<Option<String>>>,
    pub confidentiality: Option<String>,
    pub stewards: Option<String>,
    pub auto_approval_enabled: Option<bool>,
    pub enable_expiration: Option<bool>,
    pub expiry_setting: Option<String>,
    pub expiry_min_duration: Option<i32>,
    pub expiry_max_duration: Option<i32>,
}

#[derive(InputObject, Default)]
pub struct ModifyDatasetInput {
    pub label: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<Option<String>>>,
    pub topics: Option<Vec<Option<Topic>>>,
    /// Glossaries are not part of Sluice: leave it out or empty.
    pub terms: Option<Vec<Option<String>>>,
    pub business_owner_delegation_emails: Option<Vec<Option<String>>>,
    /// An empty string clears it.
    pub business_owner_email: Option<String>,
    pub language: Option<Language>,
    pub confidentiality: Option<String>,
    /// A team; an empty string removes the stewards.
    pub stewards: Option<String>,
    /// The dataset's key cannot change; when given it must be the current alias.
    #[graphql(name = "KmsAlias")]
    pub kms_alias: Option<String>,
    pub auto_approval_enabled: Option<bool>,
    pub enable_expiration: Option<bool>,
    pub expiry_setting: Option<String>,
    pub expiry_min_duration: Option<i32>,
    pub expiry_max_duration: Option<i32>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub enum DatasetSortField {
    Label,
    Created,
    Updated,
}

#[derive(InputObject)]
pub struct DatasetSortCriteria {
    pub field: Option<DatasetSortField>,
    pub direction: Option<SortDirection>,
}

#[derive(InputObject, Default)]
pub struct DatasetFilter {
    /// Matches label, description and tags.
    pub term: Option<String>,
    /// Only datasets where you hold one of these roles.
    pub roles: Option<Vec<Option<DatasetRole>>>,
    /// Projects are not part of Sluice: leave it out.
    #[graphql(name = "InProject")]
    pub in_project: Option<String>,
    /// Projects are not part of Sluice: leave it out.
    pub not_in_project: Option<String>,
    /// Datasets are never archived, so this changes nothing.
    pub display_archived: Option<bool>,
    pub sort: Option<Vec<Option<DatasetSortCriteria>>>,
    pub page: Option<i32>,
    pub page_size: Option<i32>,
}

impl DatasetFilter {
    pub fn to_core(&self) -> async_graphql::Result<CoreFilter> {
        if [&self.in_project, &self.not_in_project]
            .iter()
            .any(|p| p.as_deref().is_some_and(|p| !p.is_empty()))
        {
            return Err(to_gql(Error::validation(
                "filter",
                "projects are not part of Sluice; leave InProject out",
            )));
        }
        let sort = self
            .sort
            .iter()
            .flatten()
            .flatten()
            .filter_map(|c| {
                let field = match c.field? {
                    DatasetSortField::Label => DatasetSort::Label,
                    DatasetSortField::Created => DatasetSort::Created,
                    DatasetSortField::Updated => DatasetSort::Updated,
                };
                let order = match c.direction {
                    Some(SortDirection::Desc) => SortOrder::Desc,
                    _ => SortOrder::Asc,
                };
                Some((field, order))
            })
            .collect();
        Ok(CoreFilter {
            term: self.term.clone(),
            roles: self.roles.iter().flatten().flatten().map(|r| (*r).into()).collect(),
            environment_uri: None,
            admin_team: None,
            sort,
        })
    }
}

/// data.all's four expiration fields; an empty setting counts as none given.
fn expiry(enable: Option<bool>, setting: Option<String>, min: Option<i32>, max: Option<i32>) -> ExpiryInput {
    ExpiryInput { enable, setting: setting.filter(|s| !s.trim().is_empty()), min, max }
}

fn topics(items: &Option<Vec<Option<Topic>>>) -> Option<Vec<String>> {
    items.as_ref().map(|t| t.iter().flatten().map(|t| t.name().to_owned()).collect())
}

fn list(items: &Option<Vec<Option<String>>>) -> Option<Vec<String>> {
    items.as_ref().map(|_| flat(items))
}

/// The `NewDataset` of an input that has data.all's dataset fields (create and import alike).
macro_rules! new_dataset {
    ($input:ident) => {
        NewDataset {
            topics: topics(&$input.topics),
            tags: list(&$input.tags),
            business_owner_delegation_emails: list(&$input.business_owner_delegation_emails),
            label: $input.label,
            environment_uri: $input.environment_uri,
            organization_uri: $input.organization_uri,
            saml_admin_group_name: $input.saml_admin_group_name,
            description: $input.description,
            confidentiality: $input.confidentiality,
            stewards: $input.stewards,
            auto_approval_enabled: $input.auto_approval_enabled.unwrap_or(false),
            language: $input.language.map(|l| l.name().to_owned()),
            business_owner_email: $input.business_owner_email,
            expiry: expiry(
                $input.enable_expiration,
                $input.expiry_setting,
                $input.expiry_min_duration,
                $input.expiry_max_duration,
            ),
        }
    };
}

impl NewDatasetInput {
    pub fn into_core(self) -> NewDataset {
        new_dataset!(self)
    }
}

impl ImportDatasetInput {
    pub fn into_core(self) -> (NewDataset, ImportedResources) {
        let existing = ImportedResources {
            bucket_name: self.bucket_name,
            glue_database_name: self.glue_database_name.unwrap_or_default(),
            kms_alias: self.kms_key_alias,
            admin_role_name: self.admin_role_name,
        };
        (new_dataset!(self), existing)
    }
}

impl ModifyDatasetInput {
    /// Core checks what this carries, after the permission check.
    pub fn into_core(self) -> ModifyDataset {
        ModifyDataset {
            expiry: expiry(
                self.enable_expiration,
                self.expiry_setting,
                self.expiry_min_duration,
                self.expiry_max_duration,
            ),
            terms: self.terms.as_ref().map(|_| flat(&self.terms)),
            kms_alias: self.kms_alias,
            topics: topics(&self.topics),
            tags: list(&self.tags),
            business_owner_delegation_emails: list(&self.business_owner_delegation_emails),
            label: self.label,
            description: self.description,
            confidentiality: self.confidentiality,
            stewards: self.stewards,
            auto_approval_enabled: self.auto_approval_enabled,
            language: self.language.map(|l| l.name().to_owned()),
            business_owner_email: self.business_owner_email,
        }
    }
}
