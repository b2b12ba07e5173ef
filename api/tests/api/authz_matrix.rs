//! The authorization matrix: every query and mutation in the schema, for an anonymous caller,
//! an outsider, a member and a platform admin. A new operation without a row fails the build.

use std::collections::BTreeSet;

use async_graphql_parser::types::{TypeKind, TypeSystemDefinition};
use serde_json::{Value, json};

use crate::{
    organizations::create_org,
    support::{Backend, TestApp, error_code, on_both_backends},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Succeeds with data.
    Allowed,
    /// Succeeds, but the list at this field is empty: the caller sees nothing.
    Filtered(&'static str),
    Forbidden,
}

use Expect::{Allowed, Filtered, Forbidden};

/// What a case's variables may refer to.
struct Ctx<'a> {
    org: &'a str,
    /// An environment in `org`, owned by TeamA, with TeamB invited.
    env: &'a str,
    stack: &'a str,
    /// An account no environment uses yet.
    account: &'a str,
    /// The account of `env`.
    env_account: &'a str,
    /// A consumption principal of `env`, owned by TeamA.
    principal: &'a str,
    /// A failed task on `org`.
    task: &'a str,
    /// The caller's own team.
    team: &'a str,
    /// A dataset in `env`, administered by TeamA.
    dataset: &'a str,
    /// A table of `dataset`, and a column of it.
    table: &'a str,
    column: &'a str,
    /// A folder of `dataset`.
    folder: &'a str,
    /// A share of `table` that TeamA requested for its consumption principal, so TeamA both
    /// requests and approves it; submitted for the deciding cases, shared for revoking.
    share: &'a str,
    /// The share's item.
    share_item: &'a str,
    /// An IAM principal mapping.
    mapping: &'a str,
}

struct Case {
    op: &'static str,
    doc: &'static str,
    vars: fn(&Ctx) -> Value,
    outsider: Expect,
    member: Expect,
    admin: Expect,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            op: "getOrganization",
            doc: "query($org: String!) { getOrganization(organizationUri: $org) { organizationUri } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            // The admin group bypasses tenant checks only, never resource policies.
            admin: Forbidden,
        },
        Case {
            op: "listOrganizations",
            doc: "{ listOrganizations { count nodes { organizationUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("listOrganizations"),
            member: Allowed,
            admin: Filtered("listOrganizations"),
        },
        Case {
            op: "listOrganizationGroups",
            doc: "query($org: String!) { listOrganizationGroups(organizationUri: $org) { count } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listOrganizationGroupPermissions",
            doc: "query($org: String!) { listOrganizationGroupPermissions(organizationUri: $org, groupUri: \"TeamB\") { name } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listInviteOrganizationPermissionsWithDescriptions",
            doc: "{ listInviteOrganizationPermissionsWithDescriptions { name } }",
            vars: |_| json!({}),
            // The catalog of invitable permissions is the same for everyone and reveals nothing.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "listTenantPermissions",
            doc: "{ listTenantPermissions { name } }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "listTenantGroups",
            doc: "{ listTenantGroups { count nodes { groupUri tenantPermissions { name } } } }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "createOrganization",
            doc: "mutation($team: String) { createOrganization(input: {label: \"New\", SamlGroupName: $team}) { organizationUri } }",
            vars: |c| json!({"team": c.team}),
            // The outsider's team has had MANAGE_ORGANIZATIONS taken away.
            outsider: Forbidden,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "updateOrganization",
            doc: "mutation($org: String!) { updateOrganization(organizationUri: $org, input: {label: \"Renamed\"}) { label } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "archiveOrganization",
            doc: "mutation($org: String!) { archiveOrganization(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "inviteGroupToOrganization",
            doc: "mutation($org: String!) { inviteGroupToOrganization(input: {organizationUri: $org, groupUri: \"TeamD\"}) { organizationUri } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateOrganizationGroup",
            doc: "mutation($org: String!) { updateOrganizationGroup(input: {organizationUri: $org, groupUri: \"TeamB\", permissions: [\"LINK_ENVIRONMENT\"]}) { organizationUri } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "removeGroupFromOrganization",
            doc: "mutation($org: String!) { removeGroupFromOrganization(organizationUri: $org, groupUri: \"TeamB\") { organizationUri } }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getTask",
            doc: "query($task: String!) { getTask(taskUri: $task) { taskUri status } }",
            vars: |c| json!({"task": c.task}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listTasks",
            doc: "query($org: String) { listTasks(filter: {targetUri: $org}) { count nodes { taskUri } } }",
            vars: |c| json!({"org": c.org}),
            outsider: Filtered("listTasks"),
            member: Allowed,
            admin: Filtered("listTasks"),
        },
        Case {
            op: "retryTask",
            doc: "mutation($task: String!) { retryTask(taskUri: $task) { status } }",
            vars: |c| json!({"task": c.task}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "startHealthCheck",
            doc: "mutation { startHealthCheck { taskUri } }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "searchCatalog",
            doc: "{ searchCatalog(input: {term: \"orders\"}) { count nodes { uri } facets { tags { value count } } } }",
            vars: |_| json!({}),
            // Metadata is discoverable by every signed-in user, as in data.all.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "startReindexCatalog",
            doc: "mutation { startReindexCatalog { taskUri action } }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "getTrustAccount",
            doc: "query($org: String!) { getTrustAccount(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getPivotRoleName",
            doc: "query($org: String!) { getPivotRoleName(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getPivotRoleExternalId",
            doc: "query($org: String!) { getPivotRoleExternalId(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getPivotRoleTemplate",
            doc: "query($org: String!) { getPivotRoleTemplate(organizationUri: $org) }",
            vars: |c| json!({"org": c.org}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getEnvironment",
            doc: "query($env: String!) { getEnvironment(environmentUri: $env) { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listEnvironments",
            doc: "{ listEnvironments { count nodes { environmentUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("listEnvironments"),
            member: Allowed,
            admin: Filtered("listEnvironments"),
        },
        Case {
            op: "listEnvironmentGroups",
            doc: "query($env: String!) { listEnvironmentGroups(environmentUri: $env) { count } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listEnvironmentGroupInvitationPermissions",
            doc: "{ listEnvironmentGroupInvitationPermissions { name } }",
            vars: |_| json!({}),
            // The catalog of invitable permissions is the same for everyone and reveals nothing.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "getStack",
            doc: "query($env: String!, $stack: String!) { getStack(environmentUri: $env, stackUri: $stack, targetUri: $env, targetType: \"environment\") { status } }",
            vars: |c| json!({"env": c.env, "stack": c.stack}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getStackLogs",
            doc: "query($env: String!) { getStackLogs(targetUri: $env, targetType: \"environment\") { message } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "createEnvironment",
            doc: "mutation($org: String!, $team: String!, $account: String!) { createEnvironment(input: {label: \"E\", organizationUri: $org, SamlGroupName: $team, AwsAccountId: $account, region: \"eu-west-1\"}) { environmentUri } }",
            vars: |c| json!({"org": c.org, "team": c.team, "account": c.account}),
            outsider: Forbidden,
            member: Allowed,
            // Admins skip the tenant check, not LINK_ENVIRONMENT on the organization.
            admin: Forbidden,
        },
        Case {
            op: "updateEnvironment",
            doc: "mutation($env: String!) { updateEnvironment(environmentUri: $env, input: {label: \"Renamed\"}) { label } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "adoptOrganizationExternalId",
            doc: "mutation($env: String!) { adoptOrganizationExternalId(environmentUri: $env) { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "deleteEnvironment",
            doc: "mutation($env: String!) { deleteEnvironment(environmentUri: $env, deleteFromAWS: true) }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "inviteGroupOnEnvironment",
            doc: "mutation($env: String!) { inviteGroupOnEnvironment(input: {environmentUri: $env, groupUri: \"TeamD\"}) { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateGroupEnvironmentPermissions",
            doc: "mutation($env: String!) { updateGroupEnvironmentPermissions(input: {environmentUri: $env, groupUri: \"TeamB\", permissions: [\"CREATE_DATASET\"]}) { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "removeGroupFromEnvironment",
            doc: "mutation($env: String!) { removeGroupFromEnvironment(environmentUri: $env, groupUri: \"TeamB\") { environmentUri } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listEnvironmentConsumptionPrincipals",
            doc: "query($env: String!) { listEnvironmentConsumptionPrincipals(environmentUri: $env) { count } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "addConsumptionPrincipalToEnvironment",
            doc: "mutation($env: String!, $arn: String!) { addConsumptionPrincipalToEnvironment(input: {consumptionPrincipalName: \"etl\", groupUri: \"TeamA\", IAMPrincipalArn: $arn, environmentUri: $env, dataallManaged: EXTERNALLY_MANAGED}) { consumptionPrincipalUri } }",
            vars: |c| json!({"env": c.env, "arn": format!("arn:aws:iam::{}:role/etl", c.env_account)}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "removeConsumptionPrincipalFromEnvironment",
            doc: "mutation($env: String!, $cp: String!) { removeConsumptionPrincipalFromEnvironment(environmentUri: $env, consumptionPrincipalUri: $cp) }",
            vars: |c| json!({"env": c.env, "cp": c.principal}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateStack",
            doc: "mutation($env: String!) { updateStack(targetUri: $env, targetType: \"environment\") { status } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "createDataset",
            doc: "mutation($env: String!, $team: String!) { createDataset(input: {label: \"Sales\", environmentUri: $env, SamlAdminGroupName: $team}) { datasetUri } }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            outsider: Forbidden,
            member: Allowed,
            // The admin group is not a team of the environment.
            admin: Forbidden,
        },
        Case {
            op: "importDataset",
            doc: "mutation($env: String!, $team: String!) { importDataset(input: {label: \"Old\", environmentUri: $env, SamlAdminGroupName: $team, bucketName: \"old-bucket\", glueDatabaseName: \"old_db\", KmsKeyAlias: \"old-key\", owner: \"x\"}) { datasetUri } }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getDataset",
            doc: "query($ds: String!) { getDataset(datasetUri: $ds) { datasetUri label } }",
            vars: |c| json!({"ds": c.dataset}),
            // The catalog entry is public, so anyone can ask for access; `restricted` is not.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "listDatasets",
            doc: "{ listDatasets { count nodes { datasetUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("listDatasets"),
            member: Allowed,
            admin: Filtered("listDatasets"),
        },
        Case {
            op: "listOwnedDatasets",
            doc: "{ listOwnedDatasets { count nodes { datasetUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("listOwnedDatasets"),
            member: Allowed,
            admin: Filtered("listOwnedDatasets"),
        },
        Case {
            op: "listDatasetsCreatedInEnvironment",
            doc: "query($env: String!) { listDatasetsCreatedInEnvironment(environmentUri: $env) { count } }",
            vars: |c| json!({"env": c.env}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listS3DatasetsOwnedByEnvGroup",
            doc: "query($env: String!, $team: String!) { listS3DatasetsOwnedByEnvGroup(environmentUri: $env, groupUri: $team) { count } }",
            vars: |c| json!({"env": c.env, "team": c.team}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateDataset",
            doc: "mutation($ds: String!) { updateDataset(datasetUri: $ds, input: {description: \"d\"}) { datasetUri } }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "deleteDataset",
            doc: "mutation($ds: String!) { deleteDataset(datasetUri: $ds, deleteFromAWS: true) }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "listDatasetTables",
            doc: "{ listDatasetTables { count nodes { tableUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("listDatasetTables"),
            member: Allowed,
            admin: Filtered("listDatasetTables"),
        },
        Case {
            op: "getDatasetTable",
            doc: "query($t: String!) { getDatasetTable(tableUri: $t) { tableUri name } }",
            vars: |c| json!({"t": c.table}),
            // Catalog entries are public; `restricted` is not.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "listDatasetTableColumns",
            doc: "query($t: String!) { listDatasetTableColumns(tableUri: $t) { count } }",
            vars: |c| json!({"t": c.table}),
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "syncTables",
            doc: "mutation($ds: String!) { syncTables(datasetUri: $ds) }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateDatasetTable",
            doc: "mutation($t: String) { updateDatasetTable(tableUri: $t, input: {description: \"d\"}) { tableUri } }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "deleteDatasetTable",
            doc: "mutation($t: String!) { deleteDatasetTable(tableUri: $t) }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "syncDatasetTableColumns",
            doc: "mutation($t: String!) { syncDatasetTableColumns(tableUri: $t) { count } }",
            vars: |c| json!({"t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateDatasetTableColumn",
            doc: "mutation($c: String) { updateDatasetTableColumn(columnUri: $c, input: {description: \"d\"}) { columnUri } }",
            vars: |c| json!({"c": c.column}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "createDatasetStorageLocation",
            doc: "mutation($ds: String!) { createDatasetStorageLocation(datasetUri: $ds, input: {label: \"Raw\", prefix: \"raw/new\"}) { locationUri } }",
            vars: |c| json!({"ds": c.dataset}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getDatasetStorageLocation",
            doc: "query($l: String!) { getDatasetStorageLocation(locationUri: $l) { locationUri S3Prefix } }",
            vars: |c| json!({"l": c.folder}),
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "updateDatasetStorageLocation",
            doc: "mutation($l: String) { updateDatasetStorageLocation(locationUri: $l, input: {description: \"d\"}) { locationUri } }",
            vars: |c| json!({"l": c.folder}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "deleteDatasetStorageLocation",
            doc: "mutation($l: String!) { deleteDatasetStorageLocation(locationUri: $l) }",
            vars: |c| json!({"l": c.folder}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "createShareObject",
            doc: "mutation($ds: String!, $env: String!, $team: String!, $cp: String!) { createShareObject(datasetUri: $ds, input: {environmentUri: $env, groupUri: $team, principalId: $cp, principalType: \"ConsumptionRole\", permissions: [Read]}) { shareUri alreadyExisted } }",
            vars: |c| json!({"ds": c.dataset, "env": c.env, "team": c.team, "cp": c.principal}),
            outsider: Forbidden,
            // The member's team asks for its consumption role, whose share exists: it is returned.
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getShareObject",
            doc: "query($s: String!) { getShareObject(shareUri: $s) { shareUri status items { count } } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "getShareRequestsToMe",
            doc: "{ getShareRequestsToMe { count nodes { shareUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("getShareRequestsToMe"),
            member: Allowed,
            admin: Filtered("getShareRequestsToMe"),
        },
        Case {
            op: "getShareRequestsFromMe",
            doc: "{ getShareRequestsFromMe { count nodes { shareUri } } }",
            vars: |_| json!({}),
            outsider: Filtered("getShareRequestsFromMe"),
            member: Allowed,
            admin: Filtered("getShareRequestsFromMe"),
        },
        Case {
            op: "getSharedDatasetTables",
            doc: "query($ds: String!, $env: String!) { getSharedDatasetTables(datasetUri: $ds, envUri: $env) { tableUri } }",
            vars: |c| json!({"ds": c.dataset, "env": c.env}),
            // Only shares the caller reads count; others see an empty list.
            outsider: Allowed,
            member: Allowed,
            admin: Allowed,
        },
        Case {
            op: "getShareLogs",
            doc: "query($s: String!) { getShareLogs(shareUri: $s) { message } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "addSharedItem",
            doc: "mutation($s: String!, $t: String!) { addSharedItem(shareUri: $s, input: {itemUri: $t, itemType: StorageLocation}) { shareItemUri } }",
            vars: |c| json!({"s": c.share, "t": c.folder}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "removeSharedItem",
            doc: "mutation($i: String!) { removeSharedItem(shareItemUri: $i) }",
            vars: |c| json!({"i": c.share_item}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "submitShareObject",
            doc: "mutation($s: String!) { submitShareObject(shareUri: $s) { status } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "approveShareObject",
            doc: "mutation($s: String!) { approveShareObject(shareUri: $s) { status } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "rejectShareObject",
            doc: "mutation($s: String!) { rejectShareObject(shareUri: $s, rejectPurpose: \"no\") { status } }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "revokeItemsShareObject",
            doc: "mutation($s: String!, $t: String!) { revokeItemsShareObject(input: {shareUri: $s, itemUris: [$t]}) { status } }",
            vars: |c| json!({"s": c.share, "t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "verifyItemsShareObject",
            doc: "mutation($s: String!, $t: String!) { verifyItemsShareObject(input: {shareUri: $s, itemUris: [$t]}) { status } }",
            vars: |c| json!({"s": c.share, "t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "reApplyItemsShareObject",
            doc: "mutation($s: String!, $t: String!) { reApplyItemsShareObject(input: {shareUri: $s, itemUris: [$t]}) { status } }",
            vars: |c| json!({"s": c.share, "t": c.table}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "deleteShareObject",
            doc: "mutation($s: String!) { deleteShareObject(shareUri: $s) }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateShareRequestReason",
            doc: "mutation($s: String!) { updateShareRequestReason(shareUri: $s, requestPurpose: \"why\") }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateShareRejectReason",
            doc: "mutation($s: String!) { updateShareRejectReason(shareUri: $s, rejectPurpose: \"why\") }",
            vars: |c| json!({"s": c.share}),
            outsider: Forbidden,
            member: Allowed,
            admin: Forbidden,
        },
        Case {
            op: "updateGroupTenantPermissions",
            doc: "mutation { updateGroupTenantPermissions(input: {groupUri: \"TeamZ\", permissions: [\"MANAGE_DATASETS\"]}) }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "listIamPrincipalMappings",
            doc: "{ listIamPrincipalMappings { mappingUri } }",
            vars: |_| json!({}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "createIamPrincipalMapping",
            doc: "mutation($p: String!) { createIamPrincipalMapping(input: {arnPattern: $p, username: \"ci\", groups: [\"TeamA\"]}) { mappingUri } }",
            vars: |c| json!({"p": format!("arn:aws:iam::{}:role/Matrix", c.account)}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "updateIamPrincipalMapping",
            doc: "mutation($m: String!, $p: String!) { updateIamPrincipalMapping(mappingUri: $m, input: {arnPattern: $p, username: \"ci\", groups: []}) { mappingUri } }",
            vars: |c| json!({"m": c.mapping, "p": format!("arn:aws:iam::{}:role/Matrix", c.account)}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
        Case {
            op: "deleteIamPrincipalMapping",
            doc: "mutation($m: String!) { deleteIamPrincipalMapping(mappingUri: $m) }",
            vars: |c| json!({"m": c.mapping}),
            outsider: Forbidden,
            member: Forbidden,
            admin: Allowed,
        },
    ]
}

/// An IAM principal mapping, made by an admin.
async fn mapping_of(app: &TestApp, account: &str) -> String {
    let admin = sluice_core::testkit::user("sys", &["DAAdministrators"]);
    let input = sluice_core::iam::IamPrincipalMappingInput {
        arn_pattern: format!("arn:aws:iam::{account}:role/Existing"),
        username: "ci".into(),
        groups: vec![],
        allow_session_name: false,
    };
    app.core.iam_principals().create(&admin, input).await.expect("mapping").mapping_uri
}

/// A fresh 12-digit account id, so links never collide.
fn next_account() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    format!("{:012}", 200_000_000_000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
}

/// A task on the organization that has failed, as retryTask needs.
async fn failed_task_on(app: &TestApp, org: &str) -> String {
    use sluice_core::tasks::NewTask;
    let new = NewTask {
        action: "test.noop".into(),
        target_uri: org.into(),
        target_type: "organization".into(),
        payload: json!({}),
    };
    sluice_core::testkit::outbox::failed(&app.core, new, "boom").await.task_uri
}

/// A table synced into the dataset, and its first column.
async fn table_of(app: &TestApp, dataset_uri: &str) -> (String, String) {
    use sluice_core::datasets::tables::{GlueColumn, GlueTable};
    let mut sync = app.core.system("test").start_table_sync(dataset_uri, 10).await.expect("sync");
    let table = GlueTable {
        name: "orders".into(),
        description: None,
        location: None,
        columns: vec![GlueColumn { name: "id".into(), type_: Some("bigint".into()), comment: None }],
        partition_keys: vec![],
        parameters: Default::default(),
        table_type: None,
    };
    sync.apply_page(vec![table]).await.expect("page");
    sync.finish().await.expect("finish");
    let page = sluice_core::page::PageRequest::new(Some(1), Some(1)).expect("page");
    let admin = sluice_core::testkit::user("sys", &["TeamA"]);
    let tables =
        app.core.datasets().list_tables(&admin, Some(dataset_uri), None, page).await.expect("tables");
    let table = tables.nodes[0].table_uri.clone();
    let columns = app.core.datasets().list_columns(&admin, &table, None, page).await.expect("columns");
    (table, columns.nodes[0].column_uri.clone())
}

/// A share of the table for TeamA's consumption principal, in the state `op` acts on.
async fn share_of(
    app: &TestApp,
    env: &str,
    dataset: &str,
    table: &str,
    principal: &str,
    op: &str,
) -> (String, String) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use sluice_entities::share_item as si;
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let request = sluice_core::shares::NewShare {
        environment_uri: env.into(),
        group_uri: "TeamA".into(),
        principal_id: principal.into(),
        principal_type: "ConsumptionRole".into(),
        request_purpose: None,
        permissions: vec![],
    };
    let shares = app.core.shares();
    let share =
        shares.create(&alice, dataset, Some((table, "Table")), request).await.expect("share").share_uri;
    if matches!(op, "approveShareObject" | "rejectShareObject" | "updateShareRejectReason") {
        shares.submit(&alice, &share).await.expect("submitted");
    }
    if matches!(op, "revokeItemsShareObject" | "verifyItemsShareObject" | "reApplyItemsShareObject") {
        si::Entity::update_many()
            .col_expr(si::Column::Status, Expr::value("Share_Succeeded"))
            .filter(si::Column::ShareUri.eq(&share))
            .exec(&app.db)
            .await
            .expect("shared");
    }
    let page = sluice_core::page::PageRequest::new(Some(1), Some(1)).expect("page");
    let items = shares.items(&alice, &share, &Default::default(), page).await.expect("items");
    (share, items.nodes[0].share_item_uri.clone())
}

/// A folder of the dataset, made by its admin team.
async fn folder_of(app: &TestApp, dataset_uri: &str) -> String {
    let alice = sluice_core::testkit::user("alice", &["TeamA"]);
    let new =
        sluice_core::datasets::NewFolder { label: "Raw".into(), prefix: "raw".into(), ..Default::default() };
    app.core.datasets().create_folder(&alice, dataset_uri, new).await.expect("folder").location_uri
}

fn schema_operations() -> BTreeSet<String> {
    let doc = async_graphql_parser::parse_schema(sluice_api::graphql::sdl()).expect("the schema parses");
    let mut ops = BTreeSet::new();
    for def in doc.definitions {
        if let TypeSystemDefinition::Type(ty) = def {
            let name = ty.node.name.node.as_str();
            if let ("Query" | "Mutation", TypeKind::Object(object)) = (name, &ty.node.kind) {
                ops.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
            }
        }
    }
    ops
}

#[test]
fn every_operation_in_the_schema_has_a_row() {
    let rows: BTreeSet<String> = cases().iter().map(|c| c.op.to_owned()).collect();
    let ops = schema_operations();
    let missing: Vec<_> = ops.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&ops).collect();
    assert!(missing.is_empty(), "operations with no authorization cases: {missing:?}");
    assert!(stale.is_empty(), "cases for operations the schema no longer has: {stale:?}");
    for case in cases() {
        assert!(case.doc.contains(case.op), "the {} case must call {}", case.op, case.op);
    }
}

fn check(persona: &str, case: &Case, expect: Option<Expect>, body: &Value) {
    let label = format!("{} as {persona}: {body}", case.op);
    match expect {
        None => assert_eq!(error_code(body), Some("UNAUTHENTICATED"), "{label}"),
        Some(Forbidden) => assert_eq!(error_code(body), Some("FORBIDDEN"), "{label}"),
        Some(Allowed) => {
            assert!(body.get("errors").is_none(), "{label}");
            assert!(!body["data"][case.op].is_null(), "{label}");
        }
        Some(Filtered(field)) => {
            assert!(body.get("errors").is_none(), "{label}");
            assert_eq!(body["data"][field]["count"], 0, "{label}");
            assert_eq!(body["data"][field]["nodes"], json!([]), "{label}");
        }
    }
}

async fn every_operation_enforces_its_authorization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("dave", &["DAAdministrators"]);
    let member = app.token("alice", &["TeamA"]);
    let outsider = app.token("carol", &["TeamC"]);
    let bob = app.token("bob", &["TeamB"]);
    // Register TeamC, then take its tenant permissions away, so it is an outsider to everything.
    app.ok(&outsider, "{ listOrganizations { count } }", json!({})).await;
    app.ok(
        &admin,
        "mutation { updateGroupTenantPermissions(input: {groupUri: \"TeamC\", permissions: []}) }",
        json!({}),
    )
    .await;
    app.ok(&bob, "{ listOrganizations { count } }", json!({})).await;

    for case in cases() {
        let personas: [(&str, Option<&str>, &str, Option<Expect>); 4] = [
            ("anonymous", None, "TeamA", None),
            ("outsider", Some(&outsider), "TeamC", Some(case.outsider)),
            ("member", Some(&member), "TeamA", Some(case.member)),
            ("admin", Some(&admin), "DAAdministrators", Some(case.admin)),
        ];
        for (persona, token, team, expect) in personas {
            // A fresh organization per call, so one case's mutation never decides another's outcome.
            let org = create_org(&app, &member, "Matrix", "TeamA").await;
            app.ok(
                &member,
                "mutation($org: String!) { inviteGroupToOrganization(input: {organizationUri: $org, groupUri: \"TeamB\"}) { organizationUri } }",
                json!({"org": org}),
            )
            .await;
            let task = failed_task_on(&app, &org).await;
            let env_account = next_account();
            let env = crate::environments::link(&app, &member, &org, &env_account).await;
            let env_uri = env["environmentUri"].as_str().expect("env").to_owned();
            let stack_uri = env["stack"]["stackUri"].as_str().expect("stack").to_owned();
            app.ok(
                &member,
                "mutation($env: String!) { inviteGroupOnEnvironment(input: {environmentUri: $env, groupUri: \"TeamB\"}) { environmentUri } }",
                json!({"env": env_uri}),
            )
            .await;
            let added = app
                .ok(
                    &member,
                    "mutation($env: String!, $arn: String!) { addConsumptionPrincipalToEnvironment(input: {consumptionPrincipalName: \"bi\", groupUri: \"TeamA\", IAMPrincipalArn: $arn, environmentUri: $env, dataallManaged: FULLY_MANAGED}) { consumptionPrincipalUri } }",
                    json!({"env": env_uri, "arn": format!("arn:aws:iam::{env_account}:role/bi")}),
                )
                .await;
            let principal = added["addConsumptionPrincipalToEnvironment"]["consumptionPrincipalUri"]
                .as_str()
                .expect("cp")
                .to_owned();
            // Only dataset cases get one: a dataset keeps its environment from being deleted.
            let dataset = if case.op.contains("Dataset")
                || case.op.contains("Share")
                || case.op == "syncTables"
            {
                let created = app
                    .ok(
                        &member,
                        "mutation($env: String!) { createDataset(input: {label: \"Orders\", environmentUri: $env, SamlAdminGroupName: \"TeamA\"}) { datasetUri } }",
                        json!({"env": env_uri}),
                    )
                    .await;
                created["createDataset"]["datasetUri"].as_str().expect("dataset").to_owned()
            } else {
                String::new()
            };
            let (table, column) =
                if dataset.is_empty() { Default::default() } else { table_of(&app, &dataset).await };
            let folder = if dataset.is_empty() { String::new() } else { folder_of(&app, &dataset).await };
            let (share, share_item) = if case.op.contains("Share") {
                share_of(&app, &env_uri, &dataset, &table, &principal, case.op).await
            } else {
                Default::default()
            };
            let account = next_account();
            let mapping = if case.op.contains("IamPrincipalMapping") {
                mapping_of(&app, &account).await
            } else {
                String::new()
            };
            let ctx = Ctx {
                org: &org,
                env: &env_uri,
                stack: &stack_uri,
                account: &account,
                env_account: &env_account,
                principal: &principal,
                task: &task,
                team,
                dataset: &dataset,
                table: &table,
                column: &column,
                folder: &folder,
                share: &share,
                share_item: &share_item,
                mapping: &mapping,
            };
            let vars = (case.vars)(&ctx);
            let body = app.gql(token, case.doc, vars).await;
            check(persona, &case, expect, &body);
        }
    }
}

on_both_backends!(every_operation_enforces_its_authorization);
