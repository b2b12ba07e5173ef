"""The GraphQL documents data.all's clients send, with their operation names and variable shapes.

The documents and variables are those of data.all's integration tests
(tests_new/integration_tests/**/queries.py) and web client (frontend/src/**/services), from
github.com/data-dot-all/dataall (Apache-2.0): the wire shape is the interface Sluice promises to
keep, so it is sent as data.all sends it, selections and all, whatever this suite reads back.
"""


def _send(client, operation, document, variables, field):
    response = client.query(query={"operationName": operation, "variables": variables, "query": document})
    return response.data[field]


# Organizations ---------------------------------------------------------------------------------


def create_organization(client, name, group, tags=()):
    return _send(
        client,
        "CreateOrg",
        """mutation CreateOrg($input: NewOrganizationInput) {
              createOrganization(input: $input) {
                organizationUri
                label
                created
                owner
                SamlGroupName
              }
            }""",
        {
            "input": {
                "label": name,
                "SamlGroupName": group,
                "description": "Created for integration testing",
                "tags": list(tags),
            }
        },
        "createOrganization",
    )


def get_organization(client, organizationUri):
    return _send(
        client,
        "GetOrg",
        """query GetOrg($organizationUri:String!){
            getOrganization(organizationUri:$organizationUri){
                organizationUri
                label
                name
                owner
                SamlGroupName
                userRoleInOrganization
                stats{
                    environments
                    groups
                }
            }
        }""",
        {"organizationUri": organizationUri},
        "getOrganization",
    )


def update_organization(client, organizationUri):
    return _send(
        client,
        "UpdateOrg",
        """ mutation UpdateOrg($organizationUri:String!,$input:ModifyOrganizationInput!){
                 updateOrganization(organizationUri:$organizationUri,input:$input){
                    label
                    owner
                    SamlGroupName
                }
            }""",
        {"organizationUri": organizationUri, "input": {"label": "newlabel"}},
        "updateOrganization",
    )


def archive_organization(client, organizationUri):
    return _send(
        client,
        "archiveOrganization",
        """mutation archiveOrganization($organizationUri:String!){
                    archiveOrganization(organizationUri:$organizationUri)
                }""",
        {"organizationUri": organizationUri},
        "archiveOrganization",
    )


def invite_team_to_organization(client, organizationUri, group, permissions=None):
    return _send(
        client,
        "inviteGroupToOrganization",
        """mutation inviteGroupToOrganization($input:InviteGroupToOrganizationInput!){
            inviteGroupToOrganization(input:$input){
                organizationUri
            }
        }""",
        {"input": {"organizationUri": organizationUri, "groupUri": group, "permissions": permissions or []}},
        "inviteGroupToOrganization",
    )


def list_organizations(client, term=""):
    return _send(
        client,
        "ListOrg",
        """
                query ListOrg($filter:OrganizationFilter){
                    listOrganizations(filter:$filter){
                        count
                        nodes{
                            organizationUri
                            SamlGroupName
                        }
                    }
                }""",
        {"filter": {"page": 1, "pageSize": 10, "term": term}},
        "listOrganizations",
    )


# Tenant permissions ----------------------------------------------------------------------------


def update_group_tenant_permissions(client, group_uri, permissions=()):
    return _send(
        client,
        "updateGroupTenantPermissions",
        """
                mutation updateGroupTenantPermissions(
                  $input: UpdateGroupTenantPermissionsInput!
                ) {
                  updateGroupTenantPermissions(input: $input)
                }""",
        {"input": {"groupUri": group_uri, "permissions": list(permissions)}},
        "updateGroupTenantPermissions",
    )


def list_tenant_permissions(client):
    return _send(
        client,
        "listTenantPermissions",
        """
                query listTenantPermissions {
                  listTenantPermissions {
                    name
                    description
                  }
                }""",
        {},
        "listTenantPermissions",
    )


def list_tenant_groups(client, term=""):
    return _send(
        client,
        "listTenantGroups",
        """
            query listTenantGroups($filter: GroupFilter) {
              listTenantGroups(filter: $filter) {
                count
                page
                pages
                hasNext
                hasPrevious
                nodes {
                  groupUri
                  tenantPermissions {
                    name
                    description
                  }
                }
              }
            }""",
        {"filter": {"term": term}},
        "listTenantGroups",
    )


# Environments ----------------------------------------------------------------------------------

ENV_TYPE = """
environmentUri
created
userRoleInEnvironment
description
name
label
AwsAccountId
region
owner
tags
SamlGroupName
EnvironmentDefaultBucketName
EnvironmentLogsBucketName
EnvironmentDefaultIAMRoleArn
EnvironmentDefaultIAMRoleName
EnvironmentDefaultIAMRoleImported
resourcePrefix
PermissionsBoundaryPolicyArn
subscriptionsEnabled
subscriptionsProducersTopicImported
subscriptionsConsumersTopicImported
subscriptionsConsumersTopicName
subscriptionsProducersTopicName
organization {
  organizationUri
  label
  name
}
stack {
  stack
  status
  stackUri
  targetUri
  accountid
  region
  stackid
  updated
  link
  outputs
  resources
}
networks {
  VpcId
  privateSubnetIds
  publicSubnetIds
}
parameters {
  key
  value
}
"""


def get_trust_account(client, organizationUri):
    return _send(
        client,
        "GetTrustAccount",
        """
    query GetTrustAccount($organizationUri: String!) {
      getTrustAccount(organizationUri: $organizationUri)
    }""",
        {"organizationUri": organizationUri},
        "getTrustAccount",
    )


def get_pivot_role_name(client, organizationUri):
    return _send(
        client,
        "getPivotRoleName",
        """
    query getPivotRoleName($organizationUri: String!) {
      getPivotRoleName(organizationUri: $organizationUri)
    }""",
        {"organizationUri": organizationUri},
        "getPivotRoleName",
    )


def get_pivot_role_external_id(client, organizationUri):
    return _send(
        client,
        "getPivotRoleExternalId",
        """
    query getPivotRoleExternalId($organizationUri: String!) {
      getPivotRoleExternalId(organizationUri: $organizationUri)
    }""",
        {"organizationUri": organizationUri},
        "getPivotRoleExternalId",
    )


def create_environment(
    client, name, group, organizationUri, awsAccountId, region, tags, PermissionsBoundaryPolicyArn=None, type="Data"
):
    """data.all's integration tests send `type: 'IntegrationTesting'`, which makes data.all's
    environment stack add an administrator role for those tests' own AWS checks. Sluice makes
    no such role and refuses the type (docs/COMPATIBILITY.md), so this sends `Data`, the type
    data.all's web client gets by leaving it out."""
    return _send(
        client,
        "CreateEnvironment",
        f"""
                    mutation CreateEnvironment($input: NewEnvironmentInput!) {{
                      createEnvironment(input: $input) {{
                        {ENV_TYPE}
                      }}
                    }}""",
        {
            "input": {
                "label": name,
                "SamlGroupName": group,
                "organizationUri": organizationUri,
                "AwsAccountId": awsAccountId,
                "region": region,
                "description": "Created for integration testing",
                "tags": tags,
                "type": type,
                "parameters": [],
                "PermissionsBoundaryPolicyArn": PermissionsBoundaryPolicyArn,
            }
        },
        "createEnvironment",
    )


def get_environment(client, environmentUri):
    return _send(
        client,
        "GetEnvironment",
        f"""
                    query GetEnvironment($environmentUri: String!) {{
                      getEnvironment(environmentUri: $environmentUri) {{
                        {ENV_TYPE}
                      }}
                    }}""",
        {"environmentUri": environmentUri},
        "getEnvironment",
    )


def update_environment(client, environmentUri, input: dict):
    return _send(
        client,
        "UpdateEnvironment",
        f"""
                    mutation UpdateEnvironment(
                      $environmentUri: String!
                      $input: ModifyEnvironmentInput!
                    ) {{
                      updateEnvironment(environmentUri: $environmentUri, input: $input) {{
                        {ENV_TYPE}
                      }}
                    }}""",
        {"environmentUri": environmentUri, "input": input},
        "updateEnvironment",
    )


def list_environments(client, term=""):
    return _send(
        client,
        "ListEnvironments",
        f"""
                    query ListEnvironments($filter: EnvironmentFilter) {{
                      listEnvironments(filter: $filter) {{
                        count
                        page
                        pages
                        hasNext
                        hasPrevious
                        nodes {{
                            {ENV_TYPE}
                        }}
                      }}
                    }}""",
        {"filter": {"term": term}},
        "listEnvironments",
    )


def invite_group_on_env(client, env_uri, group_uri, perms, iam_role_arn=None):
    return _send(
        client,
        "inviteGroupOnEnvironment",
        """
                    mutation inviteGroupOnEnvironment($input: InviteGroupOnEnvironmentInput!) {
                      inviteGroupOnEnvironment(input: $input) {
                        environmentUri
                      }
                    }""",
        {
            "input": {
                "environmentUri": env_uri,
                "groupUri": group_uri,
                "permissions": perms,
                "environmentIAMRoleArn": iam_role_arn,
            }
        },
        "inviteGroupOnEnvironment",
    )


def list_environment_group_invitation_permissions(client):
    """The web client's list of what an inviter may give (EnvironmentTeamInviteForm)."""
    return _send(
        client,
        "listEnvironmentGroupInvitationPermissions",
        """
    query listEnvironmentGroupInvitationPermissions {
      listEnvironmentGroupInvitationPermissions {
        permissionUri
        name
        description
      }
    }""",
        {},
        "listEnvironmentGroupInvitationPermissions",
    )


def list_all_environment_groups(client, environmentUri, filter=None):
    """The web client's Teams tab of an environment (listAllEnvironmentGroups.js)."""
    return _send(
        client,
        "listAllEnvironmentGroups",
        """
    query listAllEnvironmentGroups(
      $filter: GroupFilter
      $environmentUri: String!
    ) {
      listAllEnvironmentGroups(
        environmentUri: $environmentUri
        filter: $filter
      ) {
        count
        page
        pages
        hasNext
        hasPrevious
        nodes {
          groupUri
          invitedBy
          created
          description
          environmentIAMRoleArn
          environmentIAMRoleName
          environmentAthenaWorkGroup
          environmentPermissions(environmentUri: $environmentUri) {
            name
            permissionUri
          }
        }
      }
    }""",
        {"environmentUri": environmentUri, "filter": filter or {}},
        "listAllEnvironmentGroups",
    )


def add_consumption_role(
    client, env_uri, group_uri, consumption_principal_name, iam_principal_arn, is_managed="FULLY_MANAGED"
):
    return _send(
        client,
        "addConsumptionPrincipalToEnvironment",
        """
                    mutation addConsumptionPrincipalToEnvironment(
                      $input: AddConsumptionPrincipalToEnvironmentInput!
                    ) {
                      addConsumptionPrincipalToEnvironment(input: $input) {
                        consumptionPrincipalUri
                        consumptionPrincipalName
                        environmentUri
                        groupUri
                        IAMPrincipalArn
                      }
                    }""",
        {
            "input": {
                "environmentUri": env_uri,
                "groupUri": group_uri,
                "consumptionPrincipalName": consumption_principal_name,
                "IAMPrincipalArn": iam_principal_arn,
                "dataallManaged": is_managed,
            }
        },
        "addConsumptionPrincipalToEnvironment",
    )


# Stacks ----------------------------------------------------------------------------------------


def update_stack(client, target_uri, target_type):
    return _send(
        client,
        "updateStack",
        """
                    mutation updateStack($targetUri: String!, $targetType: String!) {
                      updateStack(targetUri: $targetUri, targetType: $targetType) {
                        stackUri
                        targetUri
                        name
                      }
                    }""",
        {"targetUri": target_uri, "targetType": target_type},
        "updateStack",
    )


def get_stack(client, env_uri, stack_uri, target_uri, target_type):
    return _send(
        client,
        "getStack",
        """
                    query getStack(
                      $environmentUri: String!
                      $stackUri: String!
                      $targetUri: String!
                      $targetType: String!
                    ) {
                      getStack(
                        environmentUri: $environmentUri
                        stackUri: $stackUri
                        targetUri: $targetUri
                        targetType: $targetType
                      ) {
                        status
                        stackUri
                        targetUri
                        accountid
                        region
                        stackid
                        updated
                        link
                        outputs
                        resources
                        error
                        events
                        name
                      }
                    }""",
        {"environmentUri": env_uri, "stackUri": stack_uri, "targetUri": target_uri, "targetType": target_type},
        "getStack",
    )


# Datasets --------------------------------------------------------------------------------------

S3_DATASET_TYPE = """
datasetUri
label
name
description
tags
owner
created
updated
admins
SamlAdminGroupName
imported
restricted {
  AwsAccountId
  region
  KmsAlias
  S3BucketName
  GlueDatabaseName
  GlueCrawlerName
  IAMDatasetAdminRoleArn
}
environment {
  environmentUri
  label
  region
}
owners
stewards
userRoleForDataset
userRoleInEnvironment
statistics {
  tables
  locations
  upvotes
}
terms {
  count
  nodes {
    __typename
    ... on Term {
      nodeUri
      path
      label
    }
  }
}
topics
confidentiality
language
stack {
  stack
  status
  stackUri
  targetUri
  accountid
  region
  stackid
  link
  outputs
  resources
}
autoApprovalEnabled
"""


def create_dataset(
    client, name, owner, group, organizationUri, environmentUri, tags, autoApprovalEnabled=False, confidentiality=None
):
    return _send(
        client,
        "CreateDataset",
        f"""
                    mutation CreateDataset($input: NewDatasetInput!) {{
                      createDataset(input: $input) {{
                        {S3_DATASET_TYPE}
                      }}
                    }}""",
        {
            "input": {
                "owner": owner,
                "label": name,
                "description": "Created for integration testing",
                "tags": tags,
                "topics": ["Sites"],
                "environmentUri": environmentUri,
                "SamlAdminGroupName": group,
                "organizationUri": organizationUri,
                "confidentiality": confidentiality or "Unclassified",
                "autoApprovalEnabled": autoApprovalEnabled,
            }
        },
        "createDataset",
    )


def import_dataset(
    client,
    name,
    owner,
    group,
    organizationUri,
    environmentUri,
    tags,
    bucketName,
    KmsKeyAlias="",
    glueDatabaseName="",
    autoApprovalEnabled=False,
    confidentiality=None,
):
    return _send(
        client,
        "ImportDataset",
        f"""
                    mutation ImportDataset($input: ImportDatasetInput) {{
                      importDataset(input: $input) {{
                        {S3_DATASET_TYPE}
                      }}
                    }}""",
        {
            "input": {
                "owner": owner,
                "label": name,
                "description": "Created for integration testing",
                "tags": tags,
                "environmentUri": environmentUri,
                "SamlAdminGroupName": group,
                "organizationUri": organizationUri,
                "confidentiality": confidentiality or "Unclassified",
                "autoApprovalEnabled": autoApprovalEnabled,
                "bucketName": bucketName,
                "KmsKeyAlias": KmsKeyAlias,
                "glueDatabaseName": glueDatabaseName,
            }
        },
        "importDataset",
    )


def get_dataset(client, datasetUri):
    return _send(
        client,
        "GetDataset",
        f"""
                    query GetDataset($datasetUri: String!) {{
                      getDataset(datasetUri: $datasetUri) {{
                        {S3_DATASET_TYPE}
                      }}
                    }}""",
        {"datasetUri": datasetUri},
        "getDataset",
    )


def update_dataset(client, datasetUri, input: dict):
    return _send(
        client,
        "UpdateDataset",
        f"""
                    mutation UpdateDataset($datasetUri: String, $input: ModifyDatasetInput) {{
                      updateDataset(datasetUri: $datasetUri, input: $input) {{
                        {S3_DATASET_TYPE}
                      }}
                    }}""",
        {"datasetUri": datasetUri, "input": input},
        "updateDataset",
    )


def delete_dataset(client, datasetUri, deleteFromAws=True):
    return _send(
        client,
        "deleteDataset",
        """
                mutation deleteDataset($datasetUri: String!, $deleteFromAWS: Boolean) {
                  deleteDataset(datasetUri: $datasetUri, deleteFromAWS: $deleteFromAWS)
                }""",
        {"datasetUri": datasetUri, "deleteFromAWS": deleteFromAws},
        "deleteDataset",
    )


def generate_dataset_access_token(client, datasetUri):
    return _send(
        client,
        "GenerateDatasetAccessToken",
        """
                    mutation GenerateDatasetAccessToken($datasetUri: String!) {
                      generateDatasetAccessToken(datasetUri: $datasetUri)
                    }""",
        {"datasetUri": datasetUri},
        "generateDatasetAccessToken",
    )


def sync_tables(client, datasetUri):
    return _send(
        client,
        "SyncTables",
        """
                    mutation SyncTables($datasetUri: String!) {
                      syncTables(datasetUri: $datasetUri)
                    }""",
        {"datasetUri": datasetUri},
        "syncTables",
    )


def list_dataset_tables(client, datasetUri):
    return _send(
        client,
        "GetDataset",
        f"""
                        query GetDataset($datasetUri: String!) {{
                          getDataset(datasetUri: $datasetUri) {{
                            {S3_DATASET_TYPE}
                            tables {{
                              count
                              nodes {{
                                tableUri
                                label
                                restricted {{
                                    GlueTableName
                                }}
                              }}
                            }}
                          }}
                        }}""",
        {"datasetUri": datasetUri, "filter": {}},
        "getDataset",
    )


def create_folder(client, datasetUri, input):
    return _send(
        client,
        "CreateDatasetStorageLocation",
        """
                    mutation CreateDatasetStorageLocation($datasetUri: String!, $input: NewDatasetStorageLocationInput) {
                      createDatasetStorageLocation(datasetUri: $datasetUri, input: $input) {
                        locationUri
                        S3Prefix
                        label
                      }
                    }""",
        {"datasetUri": datasetUri, "input": input},
        "createDatasetStorageLocation",
    )


# Shares ----------------------------------------------------------------------------------------

PRINCIPAL = """
          principalName
          principalType
          principalId
          principalRoleName
          SamlGroupName
          environmentName
"""

SHARE_DATASET = """
datasetUri
datasetName
SamlAdminGroupName
environmentName
AwsAccountId
region
exists
description
"""

SHARE_ITEM = """
shareUri,
shareItemUri,
itemUri,
status,
action,
itemType,
itemName,
description,
healthStatus,
healthMessage,
lastVerificationTime,
"""

SHARED_ITEM_SEARCH_RESULT = f"""
count,
pageSize,
nextPage,
pages,
page,
previousPage,
hasNext,
hasPrevious,
nodes {{
    {SHARE_ITEM}
}}
"""

SHARE_OBJECT = f"""
shareUri,
status,
owner,
created,
deleted,
updated,
datasetUri,
requestPurpose,
rejectPurpose,
dataset {{
    {SHARE_DATASET}
}},
alreadyExisted,
existingSharedItems,
principal {{
    {PRINCIPAL}
}},
items(filter: $filter){{
    {SHARED_ITEM_SEARCH_RESULT}
}},
canViewLogs,
userRoleForShareObject,
"""


def create_share_object(
    client,
    dataset_or_item_params: dict,
    environmentUri,
    groupUri,
    principalId,
    principalType,
    permissions,
    requestPurpose=None,
    attachMissingPolicies=None,
    principalName=None,
):
    return _send(
        client,
        "createShareObject",
        """
                    mutation createShareObject(        $datasetUri: String!
        $itemType: String
        $itemUri: String
        $input: NewShareObjectInput!) {
                      createShareObject(
          datasetUri: $datasetUri
          itemType: $itemType
          itemUri: $itemUri
          input: $input
        ) {
                        shareUri,
                        status,
                      }
                    }""",
        {
            "datasetUri": dataset_or_item_params.get("datasetUri"),
            "itemType": dataset_or_item_params.get("itemType"),
            "itemUri": dataset_or_item_params.get("itemUri"),
            "input": {
                "environmentUri": environmentUri,
                "groupUri": groupUri,
                "principalId": principalId,
                "principalName": principalName,
                "principalType": principalType,
                "requestPurpose": requestPurpose,
                "attachMissingPolicies": attachMissingPolicies,
                "permissions": permissions,
            },
        },
        "createShareObject",
    )


def get_share_object(client, shareUri, filter=None):
    return _send(
        client,
        "getShareObject",
        f"""
                    query getShareObject($shareUri: String!, $filter: ShareableObjectFilter) {{
                      getShareObject(shareUri: $shareUri) {{
                        {SHARE_OBJECT}
                      }}
                    }}""",
        {"shareUri": shareUri, "filter": filter or {}},
        "getShareObject",
    )


def add_share_item(client, shareUri, itemUri, itemType):
    return _send(
        client,
        "addSharedItem",
        """
                    mutation addSharedItem($shareUri: String!, $input: AddSharedItemInput!) {
                        addSharedItem(shareUri: $shareUri, input: $input) {
                             shareItemUri
                        }
                    }""",
        {"shareUri": shareUri, "input": {"itemUri": itemUri, "itemType": itemType}},
        "addSharedItem",
    ).shareItemUri


def submit_share_object(client, shareUri):
    return _send(
        client,
        "submitShareObject",
        """
                    mutation submitShareObject($shareUri: String!) {
                      submitShareObject(shareUri: $shareUri) {
                         shareUri,
                         status,
                      }
                    }""",
        {"shareUri": shareUri},
        "submitShareObject",
    )


def approve_share_object(client, shareUri):
    return _send(
        client,
        "approveShareObject",
        """
                    mutation approveShareObject($shareUri: String!) {
                      approveShareObject(shareUri: $shareUri) {
                         shareUri,
                         status,
                      }
                    }""",
        {"shareUri": shareUri},
        "approveShareObject",
    )
