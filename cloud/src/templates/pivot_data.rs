//! What datasets and shares take: the Glue catalog, Lake Formation, and RAM, through which Lake
//! Formation makes cross-account grants with the caller's permissions.
//!
//! Three services keep wildcards, each for a reason written beside it and in
//! docs/PIVOT_ROLE.md: Lake Formation has no resource-level permissions and no condition keys;
//! Glue reads reach imported databases, which have any name; RAM shares' ARNs exist only once
//! Lake Formation made them, so they are scoped by the names and resource types Lake Formation
//! uses instead.

use crate::cfn::{Expr, Statement};

use super::{
    boundary::GLUE_READ_ACTIONS,
    pivot_scope::{GLUE_SERVICE, PivotScope},
};

/// The RAM resource types of Lake Formation's cross-account grants.
pub const SHARED_RESOURCE_TYPES: [&str; 3] = ["glue:Table", "glue:Database", "glue:Catalog"];

/// What a cross-account share adds to a dataset's database name in the consumer's account
/// (core's `<database>_shared`).
pub const SHARED_DATABASE_SUFFIX: &str = "_shared";

pub(super) fn data_statements(scope: &PivotScope) -> Vec<Statement> {
    let glue = |resource: &str| Expr::arn("glue", "*", "${AWS::AccountId}", resource);
    let ram = |resource: &str| Expr::arn("ram", "*", "${AWS::AccountId}", resource);
    let sluice = &scope.prefixes.glue_database;
    let shared = format!("*{SHARED_DATABASE_SUFFIX}");
    vec![
        // Imported datasets bring databases of any name, and reading them is all Sluice does
        // there; Lake Formation, not IAM, decides who sees their tables.
        Statement::allow(GLUE_READ_ACTIONS).sid("ReadCatalog").on([
            glue("catalog"),
            glue("database/*"),
            glue("table/*/*"),
        ]),
        // Datasets' databases are named with the prefix. A share's database in the consumer's
        // account is named after the dataset's, which for an imported dataset has any name: the
        // `*_shared` suffix is as narrow as that name allows.
        Statement::allow([
            "glue:CreateDatabase",
            "glue:DeleteDatabase",
            "glue:CreateTable",
            "glue:DeleteTable",
            "glue:BatchDeleteTable",
        ])
        .sid("SluiceDatabases")
        .on([
            glue("catalog"),
            glue(&format!("database/{sluice}*")),
            glue(&format!("table/{sluice}*/*")),
            glue(&format!("userDefinedFunction/{sluice}*/*")),
            glue(&format!("database/{shared}")),
            glue(&format!("table/{shared}/*")),
            glue(&format!("userDefinedFunction/{shared}/*")),
        ]),
        // Datasets' crawlers (`startGlueCrawler`): made, re-pointed, read and started, only
        // under Sluice's names. Deleting or scheduling them is not Sluice's.
        Statement::allow([
            "glue:CreateCrawler",
            "glue:UpdateCrawler",
            "glue:GetCrawler",
            "glue:StartCrawler",
        ])
        .sid("SluiceCrawlers")
        .on([scope.sluice_crawlers()]),
        // A crawler runs as its dataset's admin role, which Create/UpdateCrawler pass to Glue.
        Statement::allow(["iam:PassRole"])
            .sid("PassSluiceRolesToGlueCrawlers")
            .on([scope.sluice_roles()])
            .when("StringEquals", "iam:PassedToService", GLUE_SERVICE),
        // Lake Formation writes the catalog's resource policy for cross-account grants.
        Statement::allow(["glue:GetResourcePolicy", "glue:PutResourcePolicy", "glue:DeleteResourcePolicy"])
            .sid("CatalogPolicyForLakeFormation")
            .on([glue("catalog")]),
        // Lake Formation has no resource-level permissions and no condition keys.
        Statement::allow([
            "lakeformation:GetDataLakeSettings",
            "lakeformation:GrantPermissions",
            "lakeformation:RevokePermissions",
            "lakeformation:BatchGrantPermissions",
            "lakeformation:BatchRevokePermissions",
            "lakeformation:ListPermissions",
            "lakeformation:RegisterResource",
            "lakeformation:DeregisterResource",
            "lakeformation:DescribeResource",
            "lakeformation:ListResources",
            "lakeformation:GetDataAccess",
            // The data cells filters of shares with row or column filters.
            "lakeformation:CreateDataCellsFilter",
            "lakeformation:GetDataCellsFilter",
            "lakeformation:DeleteDataCellsFilter",
        ])
        .sid("LakeFormation")
        .on(["*"]),
        // Data-lake settings are per region, so the role makes itself an administrator in each
        // region it deploys an environment to (keeping the administrators already there). The
        // action cannot be scoped; what it could add, an administrator can already grant.
        Statement::allow(["lakeformation:PutDataLakeSettings"]).sid("BecomeDataLakeAdmin").on(["*"]),
        // Lake Formation creates the RAM shares of cross-account grants with the caller's
        // rights; only shares of catalog resources, and only its own (named LakeFormation-...).
        Statement::allow(["ram:CreateResourceShare"]).sid("ShareCatalogResources").on(["*"]).when_any(
            "StringLikeIfExists",
            "ram:RequestedResourceType",
            SHARED_RESOURCE_TYPES,
        ),
        Statement::allow([
            "ram:UpdateResourceShare",
            "ram:DeleteResourceShare",
            "ram:AssociateResourceShare",
            "ram:DisassociateResourceShare",
        ])
        .sid("LakeFormationShares")
        .on([ram("resource-share/*")])
        .when_any("StringLike", "ram:ResourceShareName", ["LakeFormation*"]),
        Statement::allow(["ram:AssociateResourceSharePermission"])
            .sid("LakeFormationSharePermissions")
            .on([ram("resource-share/*")])
            .when_any(
                "ArnLike",
                "ram:PermissionArn",
                [Expr::sub("arn:${AWS::Partition}:ram::aws:permission/AWSRAMLFEnabled*")],
            ),
        // Reads without resource-level permissions.
        Statement::allow([
            "ram:GetResourceShares",
            "ram:GetResourceShareAssociations",
            "ram:GetResourceShareInvitations",
            "ram:ListResources",
        ])
        .sid("ReadShares")
        .on(["*"]),
        // The consumer's side of a cross-account grant; invitations come from the producers'
        // accounts, which only the share itself names.
        Statement::allow(["ram:AcceptResourceShareInvitation"]).sid("AcceptShares").on([Expr::arn(
            "ram",
            "*",
            "*",
            "resource-share-invitation/*",
        )]),
    ]
}
