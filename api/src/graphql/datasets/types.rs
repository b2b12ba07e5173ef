use async_graphql::{Context, Enum, ID, Object, SimpleObject, resolver_utils::EnumType};
use sluice_core::{
    Actor,
    datasets::{DatasetItem, DatasetView, SSE_S3, UserRole},
    environments::EnvironmentCard,
};

use super::{
    folders::{DatasetStorageLocationFilter, DatasetStorageLocationSearchResult, folders_of},
    loaders::{card, stack},
    tables::{DatasetTableFilter, DatasetTableSearchResult, tables_of},
};
use crate::graphql::{
    GqlResult,
    access::AccessDriftGql,
    actor, core,
    environments::{EnvironmentPermission, OrganizationSimplified, StackGql, VpcGql},
    glossaries,
    paged::paged,
};

/// A dataset as lists show it.
pub struct DatasetBaseGql(pub DatasetView);

/// A dataset with what its teams alone may read (`restricted`).
pub struct DatasetGql(pub DatasetView);

/// The fields `Dataset` and `DatasetBase` share, with the extra ones of each.
macro_rules! dataset_object {
    ($ty:ident, $name:literal, { $($extra:tt)* }) => {
        #[Object(name = $name)]
        impl $ty {
            async fn dataset_uri(&self) -> ID {
                ID(self.0.entry().dataset_uri.clone())
            }
            /// Every dataset is an S3/Glue dataset.
            async fn dataset_type(&self) -> &'static str {
                "S3"
            }
            async fn label(&self) -> &str {
                &self.0.entry().label
            }
            /// The dataset stack's name, fixed at creation.
            async fn name(&self) -> &str {
                &self.0.entry().name
            }
            async fn description(&self) -> Option<&str> {
                self.0.entry().description.as_deref()
            }
            async fn tags(&self) -> &[String] {
                &self.0.entry().tags
            }
            /// The user who created or imported it.
            async fn owner(&self) -> &str {
                &self.0.entry().owner
            }
            async fn created(&self) -> String {
                self.0.entry().created.to_rfc3339()
            }
            async fn updated(&self) -> String {
                self.0.entry().updated.to_rfc3339()
            }
            /// The teams with every permission: the admin team.
            async fn admins(&self) -> Vec<String> {
                self.0.entry().admins()
            }
            /// The admin team.
            #[graphql(name = "SamlAdminGroupName")]
            async fn saml_admin_group_name(&self) -> &str {
                &self.0.entry().saml_admin_group_name
            }
            /// The admin team, as data.all names it here too.
            async fn owners(&self) -> &str {
                &self.0.entry().saml_admin_group_name
            }
            /// The stewards team, if any; it reads the dataset.
            async fn stewards(&self) -> Option<&str> {
                self.0.entry().stewards.as_deref()
            }
            /// Whether it was imported from an existing bucket rather than created by a stack.
            async fn imported(&self) -> bool {
                self.0.entry().imported
            }
            /// The dataset's account; null for teams without GET_DATASET.
            #[graphql(name = "AwsAccountId")]
            async fn aws_account_id(&self) -> Option<&str> {
                self.0.restricted_if_granted().map(|r| r.aws_account_id.as_str())
            }
            async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(card(ctx, &self.0.entry().environment_uri).await?.map(|c| c.region))
            }
            async fn environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EnvironmentSimplified>> {
                let card = card(ctx, &self.0.entry().environment_uri).await?;
                Ok(card.map(|card| EnvironmentSimplified::through(card, &self.0)))
            }
            async fn user_role_for_dataset(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetRole> {
                Ok(self.0.entry().role_of(actor(ctx)?).into())
            }
            async fn user_role_in_environment(
                &self,
                ctx: &Context<'_>,
            ) -> async_graphql::Result<Option<EnvironmentPermission>> {
                let actor = actor(ctx)?;
                Ok(card(ctx, &self.0.entry().environment_uri).await?.map(|c| c.role_of(actor).into()))
            }
            async fn topics(&self) -> Vec<Topic> {
                self.0.entry().topics.iter().filter_map(|t| Topic::parse(t)).collect()
            }
            /// Unclassified, Official or Secret.
            async fn confidentiality(&self) -> &str {
                &self.0.entry().confidentiality
            }
            async fn language(&self) -> Language {
                Language::parse(&self.0.entry().language)
            }
            async fn business_owner_email(&self) -> Option<&str> {
                self.0.entry().business_owner_email.as_deref()
            }
            async fn business_owner_delegation_emails(&self) -> &[String] {
                &self.0.entry().business_owner_delegation_emails
            }
            /// Whether share requests for it are approved on submission.
            async fn auto_approval_enabled(&self) -> bool {
                self.0.entry().auto_approval_enabled
            }
            /// The dataset stack; null for imported datasets and for teams without GET_DATASET.
            async fn stack(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<StackGql>> {
                if !self.0.is_full() {
                    return Ok(None);
                }
                Ok(stack(ctx, &self.0.entry().dataset_uri).await?.map(StackGql))
            }
            $($extra)*
        }
    };
}

dataset_object!(DatasetBaseGql, "DatasetBase", {});

dataset_object!(DatasetGql, "Dataset", {
    /// Where the data lives in AWS. Needs GET_DATASET: the admin team and stewards read it.
    async fn restricted(&self) -> async_graphql::Result<DatasetRestrictedInformation> {
        DatasetRestrictedInformation::of(&self.0)
    }
    /// The dataset's folders.
    async fn locations(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetStorageLocationFilter>,
    ) -> async_graphql::Result<DatasetStorageLocationSearchResult> {
        folders_of(ctx, &self.0, filter).await
    }
    /// The dataset's tables, as the last sync found them (Deleted ones included).
    async fn tables(
        &self,
        ctx: &Context<'_>,
        filter: Option<DatasetTableFilter>,
    ) -> async_graphql::Result<DatasetTableSearchResult> {
        tables_of(ctx, &self.0, filter).await
    }
    /// Glossary terms linked here, approved or waiting for the glossary's team.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermSearchResult> {
        glossaries::terms_of(ctx, &self.0.entry().dataset_uri, filter).await
    }
    /// The links of those terms, each saying whether the glossary's team approved it (only
    /// approved ones count in the catalog).
    async fn term_links(
        &self,
        ctx: &Context<'_>,
        filter: Option<glossaries::GlossaryTermTargetFilter>,
    ) -> async_graphql::Result<glossaries::TermLinkSearchResults> {
        glossaries::term_links_of(ctx, &self.0.entry().dataset_uri, filter).await
    }
    /// Tables in Glue, folders, and how many users vote the dataset up (`upVote`).
    async fn statistics(&self, ctx: &Context<'_>) -> async_graphql::Result<DatasetStatistics> {
        let counts = core(ctx)?.datasets().item_counts(&self.0).await.gql()?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(DatasetStatistics {
            tables: int(counts.tables),
            locations: int(counts.folders),
            upvotes: int(counts.up_votes),
        })
    }
    /// Lake Formation grants on the dataset's database and tables that Sluice did not make, as
    /// `ecs-tasks verify-shares` last found them; `getEffectiveAccess` reads them live. For the
    /// admin team and platform admins; null for anyone else.
    async fn access_drift(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<AccessDriftGql>>> {
        let found =
            core(ctx)?.access().recorded_drift(actor(ctx)?, &self.0.entry().dataset_uri).await.gql()?;
        Ok(found.map(|rows| rows.into_iter().map(Into::into).collect()))
    }
    /// Whether the dataset's shares expire unless extended.
    async fn enable_expiration(&self) -> bool {
        self.0.entry().expiry.is_some()
    }
    /// How a share's period is counted: Monthly or Quarterly.
    async fn expiry_setting(&self) -> Option<&'static str> {
        self.0.entry().expiry.map(|e| e.setting.as_str())
    }
    /// The shortest period a request may ask for, in `expirySetting` units.
    async fn expiry_min_duration(&self) -> Option<i32> {
        self.0.entry().expiry.map(|e| e.min)
    }
    /// The longest period a request may ask for, in `expirySetting` units.
    async fn expiry_max_duration(&self) -> Option<i32> {
        self.0.entry().expiry.map(|e| e.max)
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
    /// The Glue crawler `startGlueCrawler` made on the dataset's location; null until the
    /// first start made it.
    #[graphql(name = "GlueCrawlerName")]
    glue_crawler_name: Option<String>,
    #[graphql(name = "IAMDatasetAdminRoleArn")]
    iam_dataset_admin_role_arn: String,
    /// The alias of the customer KMS key that encrypts the bucket, or `SSE-S3` (as data.all
    /// answers) for an imported bucket encrypted with S3's own keys.
    #[graphql(name = "KmsAlias")]
    kms_alias: String,
    imported_s3_bucket: bool,
    imported_glue_database: bool,
    imported_kms_key: bool,
    imported_admin_role: bool,
}

impl DatasetRestrictedInformation {
    /// FORBIDDEN, as core decides, for a caller who sees the catalog entry only.
    pub(super) fn of(view: &DatasetView) -> async_graphql::Result<Self> {
        let r = view.restricted().gql()?;
        let imported = view.entry().imported;
        Ok(Self {
            iam_dataset_admin_role_arn: r.admin_role_arn(),
            aws_account_id: r.aws_account_id.clone(),
            region: r.region.clone(),
            s3_bucket_name: r.bucket_name.clone(),
            glue_database_name: r.glue_database_name.clone(),
            glue_crawler_name: r.glue_crawler_name.clone(),
            kms_alias: r.kms_alias.clone().unwrap_or_else(|| SSE_S3.to_owned()),
            imported_s3_bucket: imported,
            imported_glue_database: imported,
            // data.all's meaning: the import brought a key of its own (false for SSE-S3).
            imported_kms_key: imported && r.kms_alias.is_some(),
            imported_admin_role: r.imported_admin_role,
        })
    }
}

/// An environment in brief: what a dataset shows of its environment (its account only to the
/// dataset's own teams), and what `listValidEnvironments` lists of the caller's environments.
pub struct EnvironmentSimplified {
    card: EnvironmentCard,
    aws_account_id: Option<String>,
}

impl EnvironmentSimplified {
    pub(crate) fn through(card: EnvironmentCard, dataset: &DatasetView) -> Self {
        let aws_account_id = card.aws_account_id_for_dataset(dataset).map(str::to_owned);
        Self { card, aws_account_id }
    }

    /// One of the caller's own environments, account included.
    pub(crate) fn for_member(card: EnvironmentCard, actor: &Actor) -> Self {
        let aws_account_id = card.aws_account_id_for_member(actor).map(str::to_owned);
        Self { card, aws_account_id }
    }
}

#[Object]
impl EnvironmentSimplified {
    async fn environment_uri(&self) -> ID {
        ID(self.card.environment_uri.clone())
    }
    async fn label(&self) -> &str {
        &self.card.label
    }
    async fn name(&self) -> &str {
        &self.card.name
    }
    /// Through a dataset, null for teams without GET_DATASET on it; of the caller's own
    /// environments, always given.
    #[graphql(name = "AwsAccountId")]
    async fn aws_account_id(&self) -> Option<&str> {
        self.aws_account_id.as_deref()
    }
    async fn region(&self) -> &str {
        &self.card.region
    }
    #[graphql(name = "SamlGroupName")]
    async fn saml_group_name(&self) -> &str {
        &self.card.saml_group_name
    }
    async fn organization(&self) -> OrganizationSimplified {
        OrganizationSimplified {
            organization_uri: ID(self.card.organization_uri.clone()),
            label: self.card.organization_label.clone(),
            name: self.card.organization_name.clone(),
        }
    }
    /// The VPCs registered in the environment; empty for callers without
    /// LIST_ENVIRONMENT_NETWORKS.
    async fn networks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<VpcGql>> {
        let found =
            core(ctx)?.environments().networks_of(actor(ctx)?, &self.card.environment_uri).await.gql()?;
        Ok(found.into_iter().map(VpcGql).collect())
    }
}

/// A table or folder of a dataset, as `listDatasetTablesFolders` lists it.
#[derive(SimpleObject)]
#[graphql(name = "DatasetItem")]
pub struct DatasetItemGql {
    /// The Glue table's name, or the folder's.
    name: String,
    /// `Table` or `Folder`.
    target_type: &'static str,
    /// The table's `tableUri`, or the folder's `locationUri`.
    target_uri: String,
}

impl From<DatasetItem> for DatasetItemGql {
    fn from(item: DatasetItem) -> Self {
        Self { name: item.name, target_type: item.kind.as_str(), target_uri: item.target_uri }
    }
}

paged!(DatasetItemsSearchResult, DatasetItemGql);

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
