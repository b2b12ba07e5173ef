//! The permissions boundary shipped in the pivot-role template: the most any role Sluice creates
//! (team roles, dataset admin roles) can ever do, whatever policies the pivot role writes on it.
//!
//! The pivot role may create and change roles only when they carry this boundary (see
//! [`pivot_iam`](super::pivot_iam)), and it chooses a new role's trust policy freely (IAM has no
//! condition on trust documents). So this policy, not the role policies Sluice writes, is what a
//! compromised pivot role could reach through a role of its own making: data-plane access to S3,
//! to the KMS keys Sluice may use, to the Glue catalog and through Lake Formation, and Athena
//! queries. It holds no IAM, STS, key administration, bucket configuration or any other service.
//!
//! S3 stays on every bucket: an imported dataset's bucket, and a bucket shared from another
//! account, may have any name. Objects under a KMS key Sluice may not use stay unreadable, since
//! keys are capped like the pivot role's own.

use crate::cfn::{Expr, ManagedPolicy, PolicyDocument, Statement};

use super::pivot_scope::PivotScope;

/// Reading and writing objects: team folders, dataset buckets and write shares.
pub const S3_OBJECT_ACTIONS: [&str; 6] = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];

/// Listing a bucket's objects and uploads, and finding its region.
pub const S3_LISTING_ACTIONS: [&str; 3] =
    ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"];

/// Using a key to read and write data, never administering it.
pub const KMS_DATA_ACTIONS: [&str; 6] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
];

/// Reading the Glue catalog: what every team role, the pivot role and the boundary share.
pub const GLUE_READ_ACTIONS: [&str; 7] = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
];

/// Running Athena queries and reading their results.
pub const ATHENA_QUERY_ACTIONS: [&str; 6] = [
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:ListQueryExecutions",
    "athena:GetWorkGroup",
];

/// What a Glue crawler writes to CloudWatch Logs as the role it runs as.
pub const CRAWLER_LOG_ACTIONS: [&str; 3] =
    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/// Glue's crawler log groups (`/aws-glue/crawlers`, and `-role/...` ones) of this account.
pub(super) fn crawler_logs() -> Expr {
    Expr::arn("logs", "*", "${AWS::AccountId}", "log-group:/aws-glue/crawlers*")
}

pub(super) fn boundary_policy(scope: &PivotScope) -> ManagedPolicy {
    ManagedPolicy {
        managed_policy_name: scope.boundary_name(),
        description: "Sluice: the most any role Sluice creates may do (its permissions boundary)".into(),
        policy_document: PolicyDocument::new(boundary_statements(scope)),
    }
}

fn boundary_statements(scope: &PivotScope) -> Vec<Statement> {
    let glue = |account: &str, resource: &str| Expr::arn("glue", "*", account, resource);
    vec![
        // Buckets of imported datasets and of other accounts have any name; bucket policies and
        // keys decide which of them a role really reaches.
        Statement::allow(S3_OBJECT_ACTIONS.iter().chain(&S3_LISTING_ACTIONS).copied())
            .sid("DataInBuckets")
            .on([Expr::arn("s3", "", "", "*"), Expr::arn("s3", "", "", "*/*")]),
        scope.on_sluice_keys(Statement::allow(KMS_DATA_ACTIONS).sid("SluiceKeys").on([scope.keys()])),
        scope.on_keys_opened_to_sluice(
            Statement::allow(KMS_DATA_ACTIONS).sid("KeysOpenedToSluice").on([scope.keys()]),
        ),
        // A folder shared from another account is encrypted with that account's key, which its
        // own key policy and grants guard. Keys of this account stay capped by the two above.
        Statement::allow(KMS_DATA_ACTIONS).sid("KeysOfOtherAccounts").except_on([Expr::arn(
            "kms",
            "*",
            "${AWS::AccountId}",
            "*",
        )]),
        // Resource links in this account point at tables in others.
        Statement::allow(GLUE_READ_ACTIONS).sid("ReadCatalogs").on([
            glue("*", "catalog"),
            glue("*", "database/*"),
            glue("*", "table/*/*"),
        ]),
        // A dataset admin role keeps its dataset's tables; Lake Formation decides which.
        Statement::allow([
            "glue:UpdateDatabase",
            "glue:CreateTable",
            "glue:UpdateTable",
            "glue:DeleteTable",
            "glue:BatchDeleteTable",
            "glue:CreatePartition",
            "glue:BatchCreatePartition",
            "glue:UpdatePartition",
            "glue:DeletePartition",
            "glue:BatchDeletePartition",
        ])
        .sid("WriteTables")
        .on([
            glue("${AWS::AccountId}", "catalog"),
            glue("${AWS::AccountId}", "database/*"),
            glue("${AWS::AccountId}", "table/*/*"),
        ]),
        // No resource-level permissions: Lake Formation's grants decide what it vends.
        Statement::allow(["lakeformation:GetDataAccess"]).sid("LakeFormationDataAccess").on(["*"]),
        // A dataset's crawler runs as its admin role and logs to Glue's crawler log groups.
        Statement::allow(CRAWLER_LOG_ACTIONS).sid("CrawlerLogs").on([crawler_logs()]),
        Statement::allow(ATHENA_QUERY_ACTIONS).sid("AthenaQueries").on([Expr::arn(
            "athena",
            "*",
            "${AWS::AccountId}",
            "workgroup/*",
        )]),
    ]
}

#[cfg(test)]
#[path = "boundary_tests.rs"]
mod tests;
