//! What deploying and deleting Sluice's stacks takes besides roles: CloudFormation on Sluice's
//! stacks, their buckets, and KMS keys.
//!
//! CloudFormation runs the stacks with the pivot role's own credentials (no service role), so
//! every resource a stack holds is created with these permissions. A stack may hold only the
//! resource types Sluice's templates use ([`STACK_RESOURCE_TYPES`]) and may not be given a
//! service role, so a stack can never do more than the pivot role itself.
//!
//! KMS: a key is Sluice's to use when it carries an alias named with the prefix (what its stacks
//! create) or the [`PIVOT_ROLE_TAG`] its owner set (an
//! imported dataset's key). Keys Sluice creates also name the pivot role in their key policy
//! (see [`keys`](super::keys)), which is what lets it set them up before their alias exists.

use crate::cfn::{Expr, Statement};

use super::{
    keys::{PIVOT_KEY_ADMINISTRATION, PIVOT_KEY_USE},
    pivot_scope::{PIVOT_ROLE_TAG, PivotScope},
};

/// The resource types Sluice's environment and dataset templates use; a stack of any other
/// type is refused.
pub const STACK_RESOURCE_TYPES: [&str; 5] =
    ["AWS::IAM::Role", "AWS::KMS::Alias", "AWS::KMS::Key", "AWS::S3::Bucket", "AWS::S3::BucketPolicy"];

/// The operations a folder share's grant may hand out (see the share's `key_operations`).
pub const GRANT_OPERATIONS: [&str; 4] = ["Decrypt", "DescribeKey", "Encrypt", "GenerateDataKey"];

pub(super) fn stack_statements(scope: &PivotScope) -> Vec<Statement> {
    let stacks =
        Expr::arn("cloudformation", "*", "${AWS::AccountId}", &format!("stack/{}*/*", scope.prefixes.stack));
    let buckets = Expr::arn("s3", "", "", &format!("{}*", scope.prefixes.bucket));
    let objects = Expr::arn("s3", "", "", &format!("{}*/*", scope.prefixes.bucket));
    vec![
        Statement::allow([
            "cloudformation:CreateStack",
            "cloudformation:UpdateStack",
            "cloudformation:DeleteStack",
        ])
        .sid("SluiceStacks")
        .on([stacks.clone()])
        .when("Null", "cloudformation:RoleArn", "true")
        .when_any("ForAllValues:StringEquals", "cloudformation:ResourceTypes", STACK_RESOURCE_TYPES),
        Statement::allow([
            "cloudformation:DescribeStacks",
            "cloudformation:DescribeStackEvents",
            "cloudformation:DescribeStackResource",
            "cloudformation:DescribeStackResources",
            "cloudformation:ListStackResources",
            "cloudformation:GetTemplate",
            "cloudformation:TagResource",
        ])
        .sid("ReadSluiceStacks")
        .on([stacks]),
        Statement::allow([
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:GetEncryptionConfiguration",
            "s3:PutEncryptionConfiguration",
            "s3:GetBucketVersioning",
            "s3:PutBucketVersioning",
            "s3:GetBucketLogging",
            "s3:PutBucketLogging",
            "s3:GetBucketPublicAccessBlock",
            "s3:PutBucketPublicAccessBlock",
            "s3:GetBucketOwnershipControls",
            "s3:PutBucketOwnershipControls",
            "s3:GetBucketTagging",
            "s3:PutBucketTagging",
        ])
        .sid("SluiceBuckets")
        .on([buckets]),
        // Folders and dataset contents. Not DeleteObjectVersion: the buckets are versioned, so
        // whatever the role deletes stays recoverable.
        Statement::allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
            .sid("SluiceObjects")
            .on([objects]),
        // Folder and bucket shares: one access point per share, named `sluice-share-<share uri>`
        // (see the share's `access_point_name`), with its own policy.
        Statement::allow([
            "s3:CreateAccessPoint",
            "s3:GetAccessPoint",
            "s3:DeleteAccessPoint",
            "s3:GetAccessPointPolicy",
            "s3:PutAccessPointPolicy",
            "s3:DeleteAccessPointPolicy",
        ])
        .sid("SluiceShareAccessPoints")
        .on([Expr::arn("s3", "*", "${AWS::AccountId}", "accesspoint/sluice-share-*")]),
        // Lists the account's own buckets, which is how an import proves the bucket it names
        // belongs to this account; it has no resource to scope to.
        Statement::allow(["s3:ListAllMyBuckets"]).sid("ListOwnBuckets").on(["*"]),
    ]
}

pub(super) fn key_statements(scope: &PivotScope) -> Vec<Statement> {
    let keys = scope.keys();
    vec![
        // CreateKey has no resource to scope to; tagging a key as it is created needs TagResource
        // on every key. Both only with Sluice's tags, none of which grants anything.
        scope.with_sluice_tags(Statement::allow(["kms:CreateKey"]).sid("CreateKeysWithSluiceTags").on(["*"])),
        scope.with_sluice_tags(
            Statement::allow(["kms:TagResource"]).sid("TagKeysWithSluiceTags").on([keys.clone()]),
        ),
        // No resource-level permissions; finds the key an alias names.
        Statement::allow(["kms:ListAliases"]).sid("FindKeys").on(["*"]),
        scope.on_sluice_keys(
            Statement::allow(PIVOT_KEY_ADMINISTRATION.iter().chain(&PIVOT_KEY_USE).copied())
                .sid("SluiceKeys")
                .on([keys.clone()]),
        ),
        // Folder shares give the consumer's role the dataset key through named grants.
        grants(
            scope.on_sluice_keys(
                Statement::allow(["kms:CreateGrant"]).sid("GrantSluiceKeys").on([keys.clone()]),
            ),
        ),
        // An alias operation needs permission on the alias as well as on its key.
        Statement::allow(["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"])
            .sid("SluiceKeyAliases")
            .on([scope.sluice_aliases()]),
        // An imported dataset's key: used and granted, never administered.
        scope.on_keys_opened_to_sluice(
            Statement::allow([
                "kms:DescribeKey",
                "kms:ListResourceTags",
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:GenerateDataKey",
                "kms:ListGrants",
                "kms:RevokeGrant",
            ])
            .sid("KeysOpenedToSluice")
            .on([keys.clone()]),
        ),
        grants(scope.on_keys_opened_to_sluice(
            Statement::allow(["kms:CreateGrant"]).sid("GrantKeysOpenedToSluice").on([keys]),
        )),
        // Only the key's owner may open a key to Sluice or close it again.
        Statement::deny(["kms:TagResource", "kms:UntagResource"])
            .sid("NeverThePivotRoleTag")
            .on(["*"])
            .when_any("ForAnyValue:StringEquals", "aws:TagKeys", [PIVOT_ROLE_TAG]),
        // Sluice's stacks retain their keys and Sluice never deletes one; this also overrides
        // the key policies of keys made before it, which let the pivot role schedule deletion.
        Statement::deny(["kms:ScheduleKeyDeletion"]).sid("NeverDeleteKeys").on(["*"]),
    ]
}

/// A grant may hand out only what a folder share needs: never the right to make more grants.
fn grants(statement: Statement) -> Statement {
    statement.when_any("ForAllValues:StringEquals", "kms:GrantOperations", GRANT_OPERATIONS)
}
