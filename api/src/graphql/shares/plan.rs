//! The plan preview's GraphQL types: what approving or revoking a share does in AWS.

use async_graphql::SimpleObject;

/// What approving (or revoking) the share does in AWS, computed without calling AWS.
#[derive(SimpleObject)]
pub struct SharePlan {
    /// `grant` or `revoke`.
    action: String,
    items: Vec<ShareItemPlan>,
    /// Items that would fail, and why.
    refused: Vec<String>,
}

#[derive(SimpleObject)]
pub struct ShareItemPlan {
    item: String,
    /// Lake Formation grants made in the dataset's account.
    grants_in_source: Vec<PlannedGrant>,
    /// The `<db>_shared` database in the target account (cross-account shares).
    shared_database: Option<String>,
    link: Option<PlannedLink>,
    /// Lake Formation grants made in the target account.
    grants_in_target: Vec<PlannedGrant>,
    /// For a table with filters attached: the Lake Formation data cells filters made for it in
    /// the dataset's account, which its SELECT grants are on.
    data_filters: Vec<PlannedDataFilter>,
    /// For a folder or the bucket: the S3 and KMS access that gives the principal its prefix
    /// (or the whole bucket) through the share's access point.
    folder: Option<PlannedFolderAccess>,
}

/// A folder's or the bucket's access: one S3 access point per share with its own policy, the
/// bucket policy's delegation to the account's access points, a KMS grant on the dataset's key,
/// and across accounts an inline policy on the principal's role.
#[derive(SimpleObject)]
pub struct PlannedFolderAccess {
    /// The dataset's account.
    account: String,
    /// The dataset's region, where the access point is made.
    region: String,
    bucket: String,
    prefixes: Vec<String>,
    /// Whether the whole bucket is shared (an S3Bucket item).
    whole_bucket: bool,
    /// The share's access point.
    access_point: String,
    access_point_arn: String,
    principal: String,
    /// S3 actions on the objects under the prefixes (listing them is granted too).
    object_actions: Vec<String>,
    /// The dataset's KMS key alias; null for a bucket without a Sluice key.
    key_alias: Option<String>,
    key_operations: Vec<String>,
    /// The KMS grant's name.
    grant_name: String,
    /// Cross account: the inline policy put on the principal's role in the target account.
    role_policy: Option<PlannedRolePolicy>,
}

#[derive(SimpleObject)]
pub struct PlannedRolePolicy {
    account: String,
    role_name: String,
    policy_name: String,
}

#[derive(SimpleObject)]
pub struct PlannedGrant {
    /// The account the grant is made in.
    account: String,
    /// A role ARN or an account id.
    principal: String,
    catalog_id: String,
    database: String,
    table: Option<String>,
    /// The data cells filter of `table` the grant is on, when it is on one.
    data_filter: Option<String>,
    permissions: Vec<String>,
    /// Whether the principal may grant the permissions on (a target account does).
    grant_option: bool,
}

/// A Lake Formation data cells filter made for one attached filter of one item.
#[derive(SimpleObject)]
pub struct PlannedDataFilter {
    account: String,
    /// The data cells filter's name (one per item and filter).
    name: String,
    /// The dataset's filter it is made from.
    filter_uri: String,
    filter_label: String,
    catalog_id: String,
    database: String,
    table: String,
    row_expression: Option<String>,
    columns: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct PlannedLink {
    account: String,
    database: String,
    name: String,
    target_catalog_id: String,
    target_database: String,
    target_table: String,
}

fn planned(g: sluice_core::shares::PlannedGrant) -> PlannedGrant {
    PlannedGrant {
        account: g.account,
        principal: g.principal,
        catalog_id: g.catalog_id,
        database: g.database,
        table: g.table,
        data_filter: g.data_filter,
        permissions: strings(g.permissions),
        grant_option: g.grant_option,
    }
}

fn strings(values: Vec<&'static str>) -> Vec<String> {
    values.into_iter().map(str::to_owned).collect()
}

fn folder(f: sluice_core::shares::FolderAccess) -> PlannedFolderAccess {
    PlannedFolderAccess {
        access_point_arn: f.access_point_arn(),
        account: f.account,
        region: f.region,
        bucket: f.bucket,
        prefixes: f.prefixes,
        whole_bucket: f.whole_bucket,
        access_point: f.access_point,
        principal: f.principal,
        object_actions: strings(f.object_actions),
        key_alias: f.key_alias,
        key_operations: strings(f.key_operations),
        grant_name: f.grant_name,
        role_policy: f.role_policy.map(|r| PlannedRolePolicy {
            account: r.account,
            role_name: r.role_name,
            policy_name: r.policy_name,
        }),
    }
}

impl From<sluice_core::shares::SharePlan> for SharePlan {
    fn from(p: sluice_core::shares::SharePlan) -> Self {
        Self {
            action: p.action.to_owned(),
            refused: p.refused,
            items: p
                .items
                .into_iter()
                .map(|i| ShareItemPlan {
                    item: i.item,
                    grants_in_source: i.grants_in_source.into_iter().map(planned).collect(),
                    shared_database: i.shared_database,
                    link: i.link.map(|l| PlannedLink {
                        account: l.account,
                        database: l.database,
                        name: l.name,
                        target_catalog_id: l.target_catalog_id,
                        target_database: l.target_database,
                        target_table: l.target_table,
                    }),
                    grants_in_target: i.grants_in_target.into_iter().map(planned).collect(),
                    data_filters: i
                        .data_filters
                        .into_iter()
                        .map(|f| PlannedDataFilter {
                            account: f.account,
                            name: f.name,
                            filter_uri: f.filter_uri,
                            filter_label: f.filter_label,
                            catalog_id: f.catalog_id,
                            database: f.database,
                            table: f.table,
                            row_expression: f.row_expression,
                            columns: f.columns,
                        })
                        .collect(),
                    folder: i.folder.map(folder),
                })
                .collect(),
        }
    }
}
