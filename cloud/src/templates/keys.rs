//! What the environment and dataset templates share: their KMS keys and TLS-only buckets.

use crate::cfn::{Expr, Key, PolicyDocument, Principal, Statement};

/// What the pivot role does to set up and keep a key Sluice created; never scheduling its
/// deletion.
pub(super) const PIVOT_KEY_ADMINISTRATION: [&str; 12] = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:EnableKeyRotation",
    "kms:GetKeyRotationStatus",
    // An environment key's description names the environment's label.
    "kms:UpdateKeyDescription",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:UpdateAlias",
    "kms:DeleteAlias",
];

/// What the pivot role does with a dataset's key: its folders, checks and folder shares' grants
/// (making a grant is conditioned apart).
pub(super) const PIVOT_KEY_USE: [&str; 5] =
    ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ListGrants", "kms:RevokeGrant"];

/// A symmetric key, rotated yearly. The account statement delegates use of the key to IAM
/// policies, as AWS's default key policy does. The pivot role is named as administrator so the
/// key stays manageable by Sluice even if the account's IAM policies change, and because its IAM
/// policy reaches Sluice's keys by their alias (see
/// [`pivot_stacks`](super::pivot_stacks)): until the stack has made the alias, only this policy
/// lets it finish setting the key up, alias included. `pivot_uses_key` also lets the pivot role
/// encrypt, decrypt and grant (a dataset's folders, checks and folder shares).
///
/// It may not schedule the key's deletion: the stacks retain their keys, and deleting one would
/// make the data it encrypts unreadable.
pub(super) fn managed_key(description: String, pivot_role_arn: &str, pivot_uses_key: bool) -> Key {
    let account_root = Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
    let mut pivot_actions = PIVOT_KEY_ADMINISTRATION.to_vec();
    pivot_actions.push("kms:CancelKeyDeletion");
    if pivot_uses_key {
        pivot_actions.extend(PIVOT_KEY_USE);
        pivot_actions.push("kms:CreateGrant");
    }
    Key {
        description: crate::cfn::text::key_description(&description),
        enable_key_rotation: true,
        key_policy: PolicyDocument::new([
            Statement::allow(["kms:*"])
                .sid("AccountUsesIam")
                .principal(Principal::Aws(vec![account_root]))
                .on(["*"]),
            Statement::allow(pivot_actions)
                .sid("PivotRoleAdministers")
                .principal(Principal::Aws(vec![Expr::str(pivot_role_arn)]))
                .on(["*"]),
        ]),
        tags: Vec::new(),
    }
}

/// Refuses every request to the bucket and its objects made without TLS.
pub(super) fn tls_only(bucket_logical_id: &str) -> Statement {
    let bucket = Expr::arn_of(bucket_logical_id);
    let objects = Expr::join("", [Expr::arn_of(bucket_logical_id), "/*".into()]);
    Statement::deny(["s3:*"]).sid("TlsOnly").principal(Principal::Anyone).on([bucket, objects]).when(
        "Bool",
        "aws:SecureTransport",
        "false",
    )
}
