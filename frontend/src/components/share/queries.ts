// The share page's GraphQL documents, in one place so its parts share the generated types.
import { graphql } from "../../gql";

export const GetShare = graphql(`
  query GetShareObject($uri: String!) {
    getShareObject(shareUri: $uri) {
      shareUri
      status
      owner
      created
      updated
      group
      requestPurpose
      rejectPurpose
      userRoleForShareObject
      canViewLogs
      permissions
      expiryDate
      requestedExpiryDate
      submittedForExtension
      extensionReason
      lastExtensionDate
      nonExpirable
      shareExpirationPeriod
      dataset {
        datasetUri
        datasetName
        SamlAdminGroupName
        AwsAccountId
        region
        enableExpiration
        expirySetting
      }
      principal {
        SamlGroupName
        environmentName
        principalType
        principalName
      }
      environment {
        environmentUri
        AwsAccountId
        region
      }
      items(filter: { isShared: true, pageSize: 100 }) {
        count
        nodes {
          shareItemUri
          itemUri
          itemName
          itemType
          status
          healthStatus
          healthMessage
          lastVerificationTime
          attachedDataFilterUri
        }
      }
      plan {
        action
        refused
        items {
          item
          sharedDatabase
          grantsInSource {
            account
            principal
            database
            table
            dataFilter
            permissions
          }
          dataFilters {
            account
            name
            filterLabel
            database
            table
            rowExpression
            columns
          }
          grantsInTarget {
            account
            principal
            database
            table
            permissions
          }
          link {
            account
            database
            name
          }
          folder {
            account
            bucket
            prefixes
            principal
            objectActions
            keyAlias
          }
        }
      }
    }
  }
`);

export const ShareActivity = graphql(`
  query ShareActivity($uri: String!) {
    listActivity(filter: { targetUri: $uri, outcome: "success", pageSize: 50 }) {
      count
      nodes {
        activityUri
        created
        actor
        actorKind
        action
        summary
      }
    }
  }
`);

export const Logs = graphql(`
  query ShareLogs($uri: String!) {
    getShareLogs(shareUri: $uri) {
      timestamp
      message
    }
  }
`);

export const Submit = graphql(`
  mutation SubmitShare($uri: String!) {
    submitShareObject(shareUri: $uri) {
      shareUri
      status
    }
  }
`);
export const Approve = graphql(`
  mutation ApproveShare($uri: String!) {
    approveShareObject(shareUri: $uri) {
      shareUri
      status
    }
  }
`);
export const Reject = graphql(`
  mutation RejectShare($uri: String!, $why: String) {
    rejectShareObject(shareUri: $uri, rejectPurpose: $why) {
      shareUri
      status
    }
  }
`);
export const Revoke = graphql(`
  mutation RevokeShareItems($input: ShareItemSelectorInput) {
    revokeItemsShareObject(input: $input) {
      shareUri
      status
    }
  }
`);
export const Verify = graphql(`
  mutation VerifyShareItems($input: ShareItemSelectorInput) {
    verifyItemsShareObject(input: $input) {
      shareUri
    }
  }
`);
export const ReApply = graphql(`
  mutation ReApplyShareItems($input: ShareItemSelectorInput) {
    reApplyItemsShareObject(input: $input) {
      shareUri
    }
  }
`);
export const DeleteShare = graphql(`
  mutation DeleteShare($uri: String!) {
    deleteShareObject(shareUri: $uri)
  }
`);
export const AddItem = graphql(`
  mutation AddSharedItem($uri: String!, $input: AddSharedItemInput) {
    addSharedItem(shareUri: $uri, input: $input) {
      shareItemUri
    }
  }
`);
export const RemoveItem = graphql(`
  mutation RemoveSharedItem($uri: String!) {
    removeSharedItem(shareItemUri: $uri)
  }
`);
export const UpdatePurpose = graphql(`
  mutation UpdateShareRequestReason($uri: String!, $purpose: String) {
    updateShareRequestReason(shareUri: $uri, requestPurpose: $purpose)
  }
`);
export const SubmitExtension = graphql(`
  mutation SubmitShareExtension($uri: String!, $expiration: Int, $reason: String, $nonExpirable: Boolean) {
    submitShareExtension(shareUri: $uri, expiration: $expiration, extensionReason: $reason, nonExpirable: $nonExpirable) {
      shareUri
      status
    }
  }
`);
export const ApproveExtension = graphql(`
  mutation ApproveShareExtension($uri: String!) {
    approveShareExtension(shareUri: $uri) {
      shareUri
      status
    }
  }
`);
export const CancelExtension = graphql(`
  mutation CancelShareExtension($uri: String!) {
    cancelShareExtension(shareUri: $uri)
  }
`);
export const Consumption = graphql(`
  query ShareConsumption($uri: String!) {
    getS3ConsumptionData(shareUri: $uri) {
      sharedGlueDatabase
      s3bucketName
      s3Prefixes
      principalRoleArn
      s3AccessPointName
    }
  }
`);
export const SharedColumns = graphql(`
  query SharedTableColumns($tableUri: String!, $shareUri: String!) {
    listSharedDatasetTableColumns(tableUri: $tableUri, shareUri: $shareUri, filter: { pageSize: 50 }) {
      count
      nodes {
        columnUri
        name
        typeName
        columnType
      }
    }
  }
`);
// The dataset's tables, folders and bucket not in the share yet, as the share lists them.
export const AddableItems = graphql(`
  query AddableItems($uri: String!) {
    getShareObject(shareUri: $uri) {
      shareUri
      items(filter: { isShared: false, pageSize: 100 }) {
        nodes {
          itemUri
          itemType
          itemName
        }
      }
    }
  }
`);
export const ExpiryBounds = graphql(`
  query DatasetExpiryBounds($uri: String!) {
    getDataset(datasetUri: $uri) {
      datasetUri
      enableExpiration
      expirySetting
      expiryMinDuration
      expiryMaxDuration
    }
  }
`);
export const UpdatePeriod = graphql(`
  mutation UpdateShareExpirationPeriod($uri: String!, $expiration: Int, $nonExpirable: Boolean) {
    updateShareExpirationPeriod(shareUri: $uri, expiration: $expiration, nonExpirable: $nonExpirable)
  }
`);
