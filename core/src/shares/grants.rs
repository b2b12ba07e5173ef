//! What sharing an item means in Lake Formation and Glue, computed without touching AWS: the
//! worker carries it out, and approvers can read it before they approve.
//!
//! Same account: the principal's role gets DESCRIBE on the database and DESCRIBE, SELECT (and
//! what Write or Modify add) on the table. Cross account: the target account gets those grants;
//! in the target account a `<db>_shared` database holds a resource link to the table, and the
//! role gets DESCRIBE on that database and the link, and the table permissions on the target.
//! The target account gets its grants with the grant option, as Lake Formation requires for its
//! administrators to grant them on to the account's roles.
//!
//! A table item with data filters attached gets SELECT on one Lake Formation data cells filter
//! per attached filter instead of SELECT on the table (DESCRIBE, and what Write or Modify add,
//! stay on the table). Sluice makes those data cells filters in the dataset's account, one per
//! filter and item, named by [`data_cells_filter_name`], and deletes them on revoke.

use super::{
    folders::FolderAccess,
    processing::{Side, Work, WorkItem},
};

/// One Lake Formation grant, made in `account` (through its pivot role).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedGrant {
    pub account: String,
    /// A role ARN or an account id.
    pub principal: String,
    pub catalog_id: String,
    pub database: String,
    /// None for a grant on the database itself.
    pub table: Option<String>,
    /// The Lake Formation data cells filter of `table` the grant is on, when it is on one.
    pub data_filter: Option<String>,
    pub permissions: Vec<&'static str>,
    /// Made with the grant option on its permissions: a target account gets it, so its
    /// administrators (the pivot role) can pass the permissions on to the principal.
    pub grant_option: bool,
}

/// A Glue resource link in the target account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedLink {
    pub account: String,
    pub database: String,
    pub name: String,
    pub target_catalog_id: String,
    pub target_database: String,
    pub target_table: String,
}

/// Everything one item needs, in the order it is made (and revoked in reverse).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemPlan {
    pub item: String,
    pub grants_in_source: Vec<PlannedGrant>,
    /// The target account's `<db>_shared` database, cross account only.
    pub shared_database: Option<String>,
    pub link: Option<PlannedLink>,
    pub grants_in_target: Vec<PlannedGrant>,
    /// The data cells filters the item's grants are on, made in the dataset's account first.
    pub data_filters: Vec<PlannedDataFilter>,
    /// For a folder or the bucket: the share's access point and its policy, the bucket policy's
    /// delegation to access points, the key grant and (cross account) the role policy that give
    /// access to its prefix (or the whole bucket). The share's folders are granted together.
    pub folder: Option<FolderAccess>,
}

/// A Lake Formation data cells filter Sluice makes for one filter of one share item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedDataFilter {
    pub account: String,
    pub name: String,
    /// The Sluice filter it is made from.
    pub filter_uri: String,
    pub filter_label: String,
    pub catalog_id: String,
    pub database: String,
    pub table: String,
    /// Rows kept; none keeps every row.
    pub row_expression: Option<String>,
    /// Columns kept; none keeps every column.
    pub columns: Option<Vec<String>>,
}

/// The data cells filter Sluice makes for `filter_uri` on share item `share_item_uri`: both
/// URIs, so it is the same name on every run and no two items (or shares) share one.
pub fn data_cells_filter_name(share_item_uri: &str, filter_uri: &str) -> String {
    format!("sluice_{share_item_uri}_{filter_uri}")
}

/// Lake Formation table permissions for a share's data permissions.
pub fn table_permissions(share_permissions: &[String]) -> Vec<&'static str> {
    let mut out = vec!["DESCRIBE", "SELECT"];
    if share_permissions.iter().any(|p| p == "Write") {
        out.extend(["INSERT", "DELETE"]);
    }
    if share_permissions.iter().any(|p| p == "Modify") {
        out.push("ALTER");
    }
    out
}

fn grant(
    side: &Side,
    principal: &str,
    catalog: &Side,
    database: &str,
    table: Option<&str>,
    permissions: Vec<&'static str>,
) -> PlannedGrant {
    PlannedGrant {
        account: side.account_id.clone(),
        principal: principal.to_owned(),
        catalog_id: catalog.account_id.clone(),
        database: database.to_owned(),
        table: table.map(str::to_owned),
        data_filter: None,
        permissions,
        grant_option: false,
    }
}

/// The same grant on a data cells filter of its table.
fn on_filter(grant: &PlannedGrant, name: &str) -> PlannedGrant {
    PlannedGrant { data_filter: Some(name.to_owned()), ..grant.clone() }
}

/// An item's grant on its table split for its filters: the table keeps all but SELECT, and each
/// data cells filter gets SELECT. Without filters, the grant as it is.
fn filtered(grant: PlannedGrant, filters: &[PlannedDataFilter]) -> Vec<PlannedGrant> {
    if filters.is_empty() {
        return vec![grant];
    }
    let select = PlannedGrant { permissions: vec!["SELECT"], ..grant.clone() };
    let rest = PlannedGrant {
        permissions: grant.permissions.iter().copied().filter(|p| *p != "SELECT").collect(),
        ..grant
    };
    let mut out = vec![rest];
    out.extend(filters.iter().map(|f| on_filter(&select, &f.name)));
    out
}

fn grantable(grant: PlannedGrant) -> PlannedGrant {
    PlannedGrant { grant_option: true, ..grant }
}

/// The plan of one item; Err with the reason when it cannot be shared (a table or folder that
/// is no longer in Sluice).
pub fn item_plan(work: &Work, item: &WorkItem) -> Result<ItemPlan, String> {
    if item.is_s3() {
        let access = if item.is_bucket() {
            FolderAccess::of(work, [], true)
        } else {
            let Some(prefix) = &item.s3_prefix else {
                return Err(format!("folder {} is no longer in the dataset", item.item.item_name));
            };
            FolderAccess::of(work, [prefix.clone()], false)
        };
        return Ok(ItemPlan {
            item: item.item.item_name.clone(),
            grants_in_source: vec![],
            shared_database: None,
            link: None,
            grants_in_target: vec![],
            data_filters: vec![],
            folder: Some(access),
        });
    }
    let Some(table) = item.glue_table.as_deref() else {
        return Err(format!("table {} is no longer in the dataset; sync its tables", item.item.item_name));
    };
    let database = &work.dataset.glue_database_name;
    let role = &work.share.principal_role_arn;
    let (source, target) = (&work.source, &work.target);
    let table_perms = table_permissions(&work.share.permissions);
    let data_filters: Vec<PlannedDataFilter> = item
        .filters
        .iter()
        .map(|f| PlannedDataFilter {
            account: source.account_id.clone(),
            name: data_cells_filter_name(&item.item.share_item_uri, &f.filter_uri),
            filter_uri: f.filter_uri.clone(),
            filter_label: f.label.clone(),
            catalog_id: source.account_id.clone(),
            database: database.clone(),
            table: table.to_owned(),
            row_expression: f.row_expression().map(str::to_owned),
            columns: f.included_columns().map(<[String]>::to_vec),
        })
        .collect();
    if !work.cross_account() {
        let mut grants_in_source = vec![grant(source, role, source, database, None, vec!["DESCRIBE"])];
        grants_in_source
            .extend(filtered(grant(source, role, source, database, Some(table), table_perms), &data_filters));
        return Ok(ItemPlan {
            item: item.item.item_name.clone(),
            grants_in_source,
            shared_database: None,
            link: None,
            grants_in_target: vec![],
            data_filters,
            folder: None,
        });
    }
    let shared = work.shared_database();
    let mut grants_in_source =
        vec![grantable(grant(source, &target.account_id, source, database, None, vec!["DESCRIBE"]))];
    grants_in_source.extend(filtered(
        grantable(grant(source, &target.account_id, source, database, Some(table), table_perms.clone())),
        &data_filters,
    ));
    let mut grants_in_target = vec![
        grant(target, role, target, &shared, None, vec!["DESCRIBE"]),
        grant(target, role, target, &shared, Some(table), vec!["DESCRIBE"]),
    ];
    grants_in_target
        .extend(filtered(grant(target, role, source, database, Some(table), table_perms), &data_filters));
    Ok(ItemPlan {
        item: item.item.item_name.clone(),
        grants_in_source,
        shared_database: Some(shared.clone()),
        link: Some(PlannedLink {
            account: target.account_id.clone(),
            database: shared.clone(),
            name: table.to_owned(),
            target_catalog_id: source.account_id.clone(),
            target_database: database.clone(),
            target_table: table.to_owned(),
        }),
        grants_in_target,
        data_filters,
        folder: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_and_modify_add_their_permissions_to_read() {
        assert_eq!(table_permissions(&["Read".into()]), ["DESCRIBE", "SELECT"]);
        assert_eq!(
            table_permissions(&["Read".into(), "Write".into(), "Modify".into()]),
            ["DESCRIBE", "SELECT", "INSERT", "DELETE", "ALTER"]
        );
    }
}
