//! The permission catalog, as one enum per kind of resource. A dataset permission is a
//! `DatasetPermission`, so it can only be granted on, or checked against, a dataset. The names
//! are data.all's and are what the `permission` table, the policies and the API carry; `sync`
//! upserts them at start-up, so later releases add permissions without a migration.

use sea_orm::{ConnectionTrait, EntityTrait, sea_query::OnConflict};
use sluice_entities::permission;

use crate::Result;

/// What a policy row's `resource_type` says; also what refusals name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Organization,
    Environment,
    Dataset,
    Share,
    Glossary,
}

impl ResourceKind {
    /// The stored `resource_type`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Environment => "environment",
            Self::Dataset => "dataset",
            Self::Share => "share_object",
            Self::Glossary => "glossary",
        }
    }

    /// How refusals name it to people.
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Environment => "environment",
            Self::Dataset => "dataset",
            Self::Share => "share",
            Self::Glossary => "glossary",
        }
    }
}

/// A permission of one kind of resource.
pub trait Permission: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    const KIND: ResourceKind;
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    fn description(self) -> &'static str;

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// Defines a permission enum, its names and descriptions, and one marker type per permission
/// (in module `$markers`) for `Authorized<Resource, Marker>`.
macro_rules! permissions {
    (
        $(#[$doc:meta])*
        $enum:ident on $kind:ident for $resource:path, markers $markers:ident {
            $( $variant:ident = $name:literal: $desc:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum { $($variant),+ }

        impl Permission for $enum {
            const KIND: ResourceKind = ResourceKind::$kind;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn name(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            fn description(self) -> &'static str {
                match self { $(Self::$variant => $desc),+ }
            }
        }

        /// One type per permission, for `Authorized<_, Marker>`.
        pub mod $markers {
            $(
                #[doc = concat!("`", $name, "`: ", $desc, ".")]
                #[derive(Debug)]
                pub struct $variant;
                impl crate::authz::Grant for $variant {
                    type On = $resource;
                    const PERMISSION: &'static str = $name;
                    fn permits(actor: &crate::Actor) -> sea_orm::Condition {
                        crate::authz::holds::<_, $resource>(super::$enum::$variant, actor)
                    }
                }
            )+
        }
    };
}

permissions! {
    /// What a team may do with an organization.
    OrganizationPermission on Organization for crate::organizations::Organization, markers organization {
        GetOrganization = "GET_ORGANIZATION": "See the organization",
        UpdateOrganization = "UPDATE_ORGANIZATION": "Change the organization's label, description, tags and admin team",
        DeleteOrganization = "DELETE_ORGANIZATION": "Archive the organization",
        LinkEnvironment = "LINK_ENVIRONMENT": "Link AWS accounts to the organization as environments",
        InviteOrganizationGroup = "INVITE_ORGANIZATION_GROUP": "Invite teams to the organization",
        RemoveOrganizationGroup = "REMOVE_ORGANIZATION_GROUP": "Remove invited teams from the organization",
    }
}

permissions! {
    /// What a team may do in an environment.
    EnvironmentPermission on Environment for crate::environments::Environment, markers environment {
        GetEnvironment = "GET_ENVIRONMENT": "See the environment and its stack",
        UpdateEnvironment = "UPDATE_ENVIRONMENT": "Change the environment and redeploy its stack",
        DeleteEnvironment = "DELETE_ENVIRONMENT": "Delete the environment",
        InviteEnvironmentGroup = "INVITE_ENVIRONMENT_GROUP": "Invite teams to the environment and change their permissions",
        RemoveEnvironmentGroup = "REMOVE_ENVIRONMENT_GROUP": "Remove teams from the environment",
        ListEnvironmentGroups = "LIST_ENVIRONMENT_GROUPS": "See the environment's teams",
        CreateDataset = "CREATE_DATASET": "Create and import datasets in the environment",
        CreateShareObject = "CREATE_SHARE_OBJECT": "Request shares into the environment",
        AddEnvironmentConsumptionRoles = "ADD_ENVIRONMENT_CONSUMPTION_ROLES": "Add and remove the environment's consumption roles",
        ListEnvironmentConsumptionRoles = "LIST_ENVIRONMENT_CONSUMPTION_ROLES": "See the environment's consumption roles",
        CredentialsEnvironment = "CREDENTIALS_ENVIRONMENT": "Receive short-lived AWS credentials and console sign-in links of the team's own environment role",
        ListEnvironmentSharedWithObjects = "LIST_ENVIRONMENT_SHARED_WITH_OBJECTS": "See what is shared with the environment",
        CreateNetwork = "CREATE_NETWORK": "Register VPCs in the environment and remove the team's own",
        ListEnvironmentNetworks = "LIST_ENVIRONMENT_NETWORKS": "See the environment's registered VPCs",
    }
}

permissions! {
    /// What a team may do with a dataset, its tables and folders, and its shares as approver.
    DatasetPermission on Dataset for crate::datasets::Dataset, markers dataset {
        GetDataset = "GET_DATASET": "See the dataset, its tables and folders",
        UpdateDataset = "UPDATE_DATASET": "Change the dataset and redeploy its stack",
        DeleteDataset = "DELETE_DATASET": "Delete the dataset",
        SyncDataset = "SYNC_DATASET": "Sync the dataset's tables from Glue",
        CreateDatasetFolder = "CREATE_DATASET_FOLDER": "Create and change the dataset's folders",
        ApproveShareObject = "APPROVE_SHARE_OBJECT": "Approve, reject and revoke shares of the dataset",
        CredentialsDataset = "CREDENTIALS_DATASET": "Receive short-lived AWS credentials, console sign-in links and upload links of the dataset's admin role",
        CrawlDataset = "CRAWL_DATASET": "Start the Glue crawler on the dataset's location",
    }
}

permissions! {
    /// What the requesting team may do with its share.
    SharePermission on Share for crate::shares::Share, markers share {
        GetShareObject = "GET_SHARE_OBJECT": "See the share, its items and its log",
        SubmitShareObject = "SUBMIT_SHARE_OBJECT": "Submit the share and change its request",
        AddShareItem = "ADD_SHARE_ITEM": "Add tables and folders to the share",
        RemoveShareItem = "REMOVE_SHARE_ITEM": "Remove items not yet shared",
        RevokeShareItem = "REVOKE_SHARE_ITEM": "Revoke shared items",
        DeleteShareObject = "DELETE_SHARE_OBJECT": "Delete the share once nothing is shared",
    }
}

/// Rights on a glossary, which belong to its owner team (the `admin` its row names) and to
/// platform admins: a glossary is shared vocabulary, not a team's data, so the platform's
/// admins curate it too. Nothing else grants them.
pub mod glossary {
    use sea_orm::{ColumnTrait, Condition};
    use sluice_entities::glossary_node as node;

    use crate::{Actor, glossaries::Glossary};

    /// Edit the glossary, its categories and terms, and decide on its terms' links.
    #[derive(Debug)]
    pub struct ManageGlossary;

    impl crate::authz::Grant for ManageGlossary {
        type On = Glossary;
        const PERMISSION: &'static str = "MANAGE_GLOSSARIES";
        const ADVICE: Option<&'static str> =
            Some("only the glossary's owner team and platform admins change it; ask its owner team");
        fn permits(actor: &Actor) -> Condition {
            let glossaries = Condition::all()
                .add(node::Column::NodeType.eq(crate::glossaries::NodeType::Glossary.as_str()));
            if actor.is_admin() {
                glossaries
            } else {
                glossaries.add(node::Column::Admin.is_in(actor.groups().iter().cloned()))
            }
        }
    }
}

/// Platform-wide rights of a team, granted by platform admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TenantPermission {
    ManageOrganizations,
    ManageEnvironments,
    ManageDatasets,
    ManageShares,
    ManageGlossaries,
}

impl TenantPermission {
    pub const ALL: &'static [Self] = &[
        Self::ManageOrganizations,
        Self::ManageEnvironments,
        Self::ManageDatasets,
        Self::ManageShares,
        Self::ManageGlossaries,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::ManageOrganizations => "MANAGE_ORGANIZATIONS",
            Self::ManageEnvironments => "MANAGE_ENVIRONMENTS",
            Self::ManageDatasets => "MANAGE_DATASETS",
            Self::ManageShares => "MANAGE_SHARES",
            Self::ManageGlossaries => "MANAGE_GLOSSARIES",
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            Self::ManageOrganizations => "Create and manage organizations",
            Self::ManageEnvironments => "Link and manage environments",
            Self::ManageDatasets => "Create, import and manage datasets",
            Self::ManageShares => "Request and manage shares",
            Self::ManageGlossaries => "Create glossaries",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// One entry of the catalog, whatever its kind, as the API lists permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    pub name: &'static str,
    /// `TENANT` or `RESOURCE`, as data.all's API says.
    pub kind: &'static str,
    pub description: &'static str,
}

impl CatalogEntry {
    fn resource<P: Permission>(p: P) -> Self {
        Self { name: p.name(), kind: "RESOURCE", description: p.description() }
    }

    fn tenant(p: TenantPermission) -> Self {
        Self { name: p.name(), kind: "TENANT", description: p.description() }
    }
}

/// Every permission of this release.
pub fn catalog() -> Vec<CatalogEntry> {
    let mut all: Vec<CatalogEntry> = TenantPermission::ALL.iter().map(|p| CatalogEntry::tenant(*p)).collect();
    all.extend(OrganizationPermission::ALL.iter().map(|p| CatalogEntry::resource(*p)));
    all.extend(EnvironmentPermission::ALL.iter().map(|p| CatalogEntry::resource(*p)));
    all.extend(DatasetPermission::ALL.iter().map(|p| CatalogEntry::resource(*p)));
    all.extend(SharePermission::ALL.iter().map(|p| CatalogEntry::resource(*p)));
    all
}

/// The catalog entry of any permission, by name.
pub fn describe(name: &str) -> Option<CatalogEntry> {
    catalog().into_iter().find(|p| p.name == name)
}

/// Upserts the catalog so that names, kinds and descriptions in the DB match this release.
pub async fn sync(db: &impl ConnectionTrait) -> Result<()> {
    let rows = catalog().into_iter().map(|p| permission::ActiveModel {
        name: sea_orm::Set(p.name.to_owned()),
        kind: sea_orm::Set(p.kind.to_owned()),
        description: sea_orm::Set(p.description.to_owned()),
    });
    permission::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(permission::Column::Name)
                .update_columns([permission::Column::Kind, permission::Column::Description])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_across_every_kind() {
        let mut names: Vec<_> = catalog().into_iter().map(|p| p.name).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn a_name_parses_only_as_its_own_kind() {
        assert_eq!(DatasetPermission::parse("GET_DATASET"), Some(DatasetPermission::GetDataset));
        assert_eq!(EnvironmentPermission::parse("GET_DATASET"), None);
        assert_eq!(TenantPermission::parse("MANAGE_SHARES"), Some(TenantPermission::ManageShares));
        assert_eq!(describe("CREATE_SHARE_OBJECT").map(|p| p.kind), Some("RESOURCE"));
    }
}
