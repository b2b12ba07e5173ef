use async_graphql::{Context, Enum, ID, Object, SimpleObject, resolver_utils::EnumType};
use sluice_core::{
    datasets::{Dataset, UserRole},
    environments::EnvironmentCard,
};

use super::{
    folders::{DatasetStorageLocationFilter, DatasetStorageLocationSearchResult, folders_of},
    loaders::{card, stack},
    tables::{DatasetTableFilter, DatasetTableSearchResult, tables_of},
};
use crate::graphql::{
    GqlResult, actor, core,
    environments::{EnvironmentPermission, OrganizationSimplified, StackGql},
    paged::paged,
    to_gql,
};

/// A dataset as lists show it.
pub struct DatasetBaseGql(pub Dataset);

/// A dataset with what its teams alone may read (`restricted`).
pub struct DatasetGql(pub Dataset);

/// The fields `Dataset` and `DatasetBase` share, with the extra ones of each.
macro_rules! dataset_object {
    ($ty:ident, $name:literal, { $($extra:tt)* }) => {
        #[Object(name = $name)]
        impl $ty {
            async fn dataset_uri(&self) -> ID {
                ID(self.0.dataset_uri.clone())
            }
            /// Every dataset is an S3/Glue dataset.
            async fn dataset_type(&self) -> &'static str {
                "S3"
            }
            async fn label(&self) -> &str {
                &self.0.label
            }
            /// The dataset stack's name, fixed at creation.
            async fn name(&self) -> &str {
                &self.0.name
            }
            async fn description(&self) -> Option<&str> {
                self.0.description.as_deref()
            }
            async fn tags(&self) -> &[String] {
                &self.0.tags
            }
            /// The user who created or imported it.
            async fn owner(&self) -> &str {
                &self.0.owner
            }
            async fn created(&self) -> String {
                self.0.created.to_rfc3339()
            }
            async fn updated(&self) -> String {
                self.0.updated.to_rfc3339()
            }
            /// The teams with every permission: the admin team.
            async fn admins(&self) -> Vec<String> {
                self.0.admins()
            }
            /// The admin team.
            #[graphql(name = "SamlAdminGroupName")]
            async fn saml_admin_group_name(&self) -> &str {
                &self.0.saml_admin_group_name
            }
            /// The admin team, as data.all names it here too.
            async fn owners(&self) -> &str {
                &self.0.saml_admin_group_name
            }
            /// The stewards team, if any; it reads the dataset.
            async fn stewards(&self) -> Option<&str> {
                self.0.stewards.as_deref()
            }
            /// Whether it was imported from an existing bucket rather than created by a stack.
            async fn imported(&self) -> bool {
                self.0.imported
            }
            #[graphql(name = "AwsAccountId")]
            async fn aws_account_id(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(card(ctx, &self.0.environment_uri).await?.map(|c| c.environment.aws_account_id))
            }
            async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(card(ctx, &self.0.environment_uri).await?.map(|c| c.environment.region))
            }
            async fn environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EnvironmentSimplified>> {
                Ok(card(ctx, &self.0.environment_uri).await?.map(EnvironmentSimplified))
            }
            async fn user_role_for_dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRole> {
                Ok(self.0.role_of(actor(ctx)?).into())
            }
            async fn user_role_in_environment(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Option<EnvironmentPermission>> {
                let actor = actor(ctx)?;
                Ok(card(ctx, &self.0.environment_uri).await?.map(|c| c.role_of(actor).into()))
            }
            async fn topics(&self) -> Vec<Topic> {
                self.0.topics.iter().filter_map(|t| Topic::parse(t)).collect()
            }
            /// Unclassified, Official or Secret.
            async fn confidentiality(&self) -> &str {
                &self.0.confidentiality
            }
            async fn language(&self) -> Language {
                Language::parse(&self.0.language)
            }
            async fn business_owner_email(&self) -> Option<&str> {
                self.0.business_owner_email.as_deref()
            }
            async fn business_owner_delegation_emails(&self) -> &[String] {
                &self.0.business_owner_delegation_emails
            }
            /// Whether share requests for it are approved on submission.
            async fn auto_approval_enabled(&self) -> bool {
                self.0.auto_approval_enabled
            }
            /// The dataset stack; null for imported datasets and for teams without GET_DATASET.
            async fn stack(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StackGql>> {
                Ok(stack(ctx, &self.0.dataset_uri).await?.map(StackGql))
            }
            $($extra)*
        }
    };
}

dataset_object!(DatasetBaseGql, "DatasetBase", {});

dataset_object!(DatasetGql, "Dataset", {
    /// Where the data lives in AWS. Needs GET_DATASET: the admin team and stewards read it.
    async fn restricted(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRestrictedInformation> {
        DatasetRestrictedInformation::of(ctx, &self.0).await
    }
    /// The dataset's folders.
    async fn locations(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetStorageLocationFilter>,
    ) -> async_graphql::Result<DatasetStorageLocationSearchResult> {
        folders_of(ctx, &self.0.dataset_uri, filter).await
    }
    /// The dataset's tables, as the last sync found them (Deleted ones included).
    async fn tables(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetTableFilter>,
    ) -> async_graphql::Result<DatasetTableSearchResult> {
        tables_of(ctx, Some(&self.0.dataset_uri), filter).await
    }
    /// Tables in Glue and folders; Sluice has no votes, so `upvotes` is always 0.
    async fn statistics(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetStatistics> {
        let (tables, locations) = core(ctx)?.datasets().item_counts(&self.0.dataset_uri).await.gql()?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(DatasetStatistics { tables: int(tables), locations: int(locations), upvotes: 0 })
    }
    /// Share expiration is not supported: always false.
    async fn enable_expiration(&self) -> bool {
        false
    }
    /// Share expiration is not supported: always null.
    async fn expiry_setting(&self) -> Option<String> {
        None
    }
    /// Share expiration is not supported: always null.
    async fn expiry_min_duration(&self) -> Option<i32> {
        None
    }
    /// Share expiration is not supported: always null.
    async fn expiry_max_duration(&self) -> Option<i32> {
        None
    }
});

paged!(DatasetBaseSearchResult, DatasetBaseGql);
paged!(DatasetSearchResult, DatasetGql);

#[derive(SimpleObject)]
pub struct DatasetStatistics {
    tables: i32,
    locations: i32,
    upvotes: i32,
}

#[derive(SimpleObject)]
pub struct DatasetRestrictedInformation {
    #[graphql(name = "AwsAccountId")]
    aws_account_id: String,
    region: String,
    #[graphql(name = "S3BucketName")]
    s3_bucket_name: String,
    #[graphql(name = "GlueDatabaseName")]
    glue_database_name: String,
    /// Sluice runs no Glue crawlers: always null.
    #[graphql(name = "GlueCrawlerName")]
    glue_crawler_name: Option<String>,
    #[graphql(name = "IAMDatasetAdminRoleArn")]
    iam_dataset_admin_role_arn: String,
    #[graphql(name = "KmsAlias")]
    kms_alias: String,
    imported_s3_bucket: bool,
    imported_glue_database: bool,
    imported_kms_key: bool,
    imported_admin_role: bool,
}

impl DatasetRestrictedInformation {
    /// Refuses actors without GET_DATASET on the dataset.
    pub(super) async fn of(ctx: &Context<'_>, d: &Dataset) -> async_graphql::Result<Self> {
        core(ctx)?.datasets().require_read(actor(ctx)?, &d.dataset_uri).await.gql()?;
        let card = card(ctx, &d.environment_uri).await?.ok_or_else(|| {
            to_gql(sluice_core::Error::NotFound { kind: "environment", uri: d.environment_uri.clone() })
        })?;
        let account = card.environment.aws_account_id;
        Ok(Self {
            iam_dataset_admin_role_arn: format!("arn:aws:iam::{account}:role/{}", d.admin_role_name),
            aws_account_id: account,
            region: card.environment.region,
            s3_bucket_name: d.bucket_name.clone(),
            glue_database_name: d.glue_database_name.clone(),
            glue_crawler_name: None,
            kms_alias: d.kms_alias.clone(),
            imported_s3_bucket: d.imported,
            imported_glue_database: d.imported,
            imported_kms_key: d.imported,
            imported_admin_role: d.imported_admin_role,
        })
    }
}

/// What a dataset shows of its environment.
pub struct EnvironmentSimplified(pub EnvironmentCard);

#[Object]
impl EnvironmentSimplified {
    async fn environment_uri(&self) -> ID {
        ID(self.0.environment.environment_uri.clone())
    }
    async fn label(&self) -> &str {
        &self.0.environment.label
    }
    async fn name(&self) -> &str {
        &self.0.environment.name
    }
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self) -> &str {
        &self.0.environment.aws_account_id
    }
    async fn region(&self) -> &str {
        &self.0.environment.region
    }
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> &str {
        &self.0.environment.saml_group_name
    }
    async fn resource_prefix(&self) -> &str {
        &self.0.environment.resource_prefix
    }
    async fn organization(&self) -> OrganizationSimplified {
        OrganizationSimplified {
            organization_uri: ID(self.0.environment.organization_uri.clone()),
            label: self.0.organization_label.clone(),
            name: self.0.organization_name.clone(),
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(rename_items = "PascalCase")]
pub enum DatasetRole {
    BusinessOwner,
    DataSteward,
    Creator,
    Admin,
    Shared,
    NoPermission,
}

impl From<UserRole> for DatasetRole {
    fn from(r: UserRole) -> Self {
        match r {
            UserRole::BusinessOwner => Self::BusinessOwner,
            UserRole::DataSteward => Self::DataSteward,
            UserRole::Creator => Self::Creator,
            UserRole::Admin => Self::Admin,
            UserRole::Shared => Self::Shared,
            UserRole::NoPermission => Self::NoPermission,
        }
    }
}

impl From<DatasetRole> for UserRole {
    fn from(r: DatasetRole) -> Self {
        match r {
            DatasetRole::BusinessOwner => Self::BusinessOwner,
            DatasetRole::DataSteward => Self::DataSteward,
            DatasetRole::Creator => Self::Creator,
            DatasetRole::Admin => Self::Admin,
            DatasetRole::Shared => Self::Shared,
            DatasetRole::NoPermission => Self::NoPermission,
        }
    }
}

/// data.all's topics; core checks the same list.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(rename_items = "PascalCase")]
pub enum Topic {
    Finances,
    HumanResources,
    Products,
    Services,
    Operations,
    Research,
    Sales,
    Orders,
    Sites,
    Energy,
    Customers,
    Misc,
}

impl Topic {
    /// Stored topics are spelled as the GraphQL values.
    fn parse(stored: &str) -> Option<Self> {
        Self::items().iter().find(|i| i.name == stored).map(|i| i.value)
    }

    pub fn name(self) -> &'static str {
        Self::items().iter().find(|i| i.value == self).map_or("Misc", |i| i.name)
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(rename_items = "PascalCase")]
pub enum Language {
    English,
    French,
    German,
}

impl Language {
    fn parse(stored: &str) -> Self {
        match stored {
            "French" => Self::French,
            "German" => Self::German,
            _ => Self::English,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::French => "French",
            Self::German => "German",
        }
    }
}
