//! What the pivot role may do to IAM roles, and what it may never do.
//!
//! Every role it creates, and every role whose policies it writes, carries the boundary shipped
//! with it ([`boundary`](super::boundary)), or one the account owner named after it for an
//! environment ([`PivotScope::boundaries`]); IAM checks this with the `iam:PermissionsBoundary`
//! condition key, which the Service Authorization Reference lists for exactly CreateRole,
//! Put/DeleteRolePolicy, Attach/DetachRolePolicy and Put/DeleteRolePermissionsBoundary. The
//! other role actions have no such key: those it keeps are named in [`UNBOUNDED_ROLE_WRITES`]
//! with the reason each cannot escalate.
//!
//! It may never change a trust policy (`iam:UpdateAssumeRolePolicy`): that action has no
//! boundary key, so allowing it would let the role take over any unbounded role whose name has
//! the prefix. Sluice's templates never change the trust of a role they made.

use crate::cfn::{Expr, Statement};

use super::pivot_scope::{LAKE_FORMATION_SERVICE, PivotScope};

/// The role writes IAM can condition on `iam:PermissionsBoundary`; the pivot role is allowed
/// each only on a role carrying (or, creating, getting) its boundary.
pub const BOUNDARY_KEYED_ROLE_WRITES: [&str; 7] = [
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
];

/// The role writes the pivot role keeps although IAM cannot tie them to the boundary, scoped to
/// roles named with the prefix:
/// - DeleteRole: IAM refuses to delete a role that still has policies, and the pivot role can
///   only remove policies from bounded roles;
/// - UpdateRole, UpdateRoleDescription: change a description (a team role's names the
///   environment's label) and the maximum session length, nothing a role may do;
/// - TagRole, UntagRole: only `sluice:*` tags, which no policy of Sluice's reads, and the keys
///   the account owner opened to stack tags (`StackTagKeys`), by the owner's own choice;
/// - PassRole: only to Lake Formation, which uses a dataset role to reach its bucket, and (in the
///   data policy) to Glue, whose dataset crawlers run as the dataset role.
pub const UNBOUNDED_ROLE_WRITES: [&str; 6] = [
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:PassRole",
];

/// What the pivot role denies itself on its own ARN: every role write it may make on roles
/// named with the prefix (its name may match), changing a trust, creating a role of its name
/// again, and assuming itself.
pub fn self_denied() -> Vec<&'static str> {
    let mut denied = vec!["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"];
    denied.extend(BOUNDARY_KEYED_ROLE_WRITES);
    denied.extend(UNBOUNDED_ROLE_WRITES);
    denied
}

/// Changing a managed policy's content or removing it.
const POLICY_CHANGES: [&str; 6] = [
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
];

pub(super) fn role_statements(scope: &PivotScope) -> Vec<Statement> {
    let roles = scope.sluice_roles();
    vec![
        // CloudFormation creates and deletes team and dataset roles with these, and folder
        // shares write a policy on the consumer's role. PutRolePermissionsBoundary puts the
        // boundary on roles made before it existed, when their stacks are next updated.
        scope.on_bounded_roles(
            Statement::allow([
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:PutRolePermissionsBoundary",
            ])
            .sid("BoundedRoles")
            .on([roles.clone()]),
        ),
        // Only customer managed policies named with the prefix, never AWS's (see the guard).
        scope
            .on_bounded_roles(
                Statement::allow(["iam:AttachRolePolicy", "iam:DetachRolePolicy"])
                    .sid("SluicePoliciesOnBoundedRoles")
                    .on([roles.clone()]),
            )
            .when("ArnLike", "iam:PolicyARN", scope.sluice_policies()),
        Statement::allow(["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription"])
            .sid("SluiceRoles")
            .on([roles.clone()]),
        scope.with_stack_tags_only(
            Statement::allow(["iam:TagRole", "iam:UntagRole"]).sid("TagSluiceRoles").on([roles.clone()]),
        ),
        Statement::allow([
            "iam:GetRolePolicy",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:ListRoleTags",
        ])
        .sid("ReadSluiceRoles")
        .on([roles.clone()]),
        // Imports and consumption roles name roles of any name, which must exist; linking reads
        // the pivot role itself back. GetRole reads a role's metadata and trust, never a secret.
        Statement::allow(["iam:GetRole"]).sid("ReadRoles").on([scope.all_roles()]),
        Statement::allow(["iam:PassRole"]).sid("PassSluiceRolesToLakeFormation").on([roles]).when(
            "StringEquals",
            "iam:PassedToService",
            LAKE_FORMATION_SERVICE,
        ),
        // Registering a bucket with Lake Formation's service-linked role creates that role once.
        Statement::allow(["iam:CreateServiceLinkedRole"])
            .sid("LakeFormationServiceRole")
            .on([Expr::arn(
                "iam",
                "",
                "${AWS::AccountId}",
                "role/aws-service-role/lakeformation.amazonaws.com/*",
            )])
            .when("StringEquals", "iam:AWSServiceName", LAKE_FORMATION_SERVICE),
    ]
}

/// Explicit denies: they hold whatever else the account attaches to the pivot role.
pub(super) fn guard_statements(scope: &PivotScope) -> Vec<Statement> {
    vec![
        Statement::deny(self_denied()).sid("NeverItself").on([scope.own_role()]),
        Statement::deny(["iam:DeleteRolePermissionsBoundary"]).sid("KeepEveryBoundary").on(["*"]),
        Statement::deny(["iam:CreateRole", "iam:PutRolePermissionsBoundary"])
            .sid("OnlyThisBoundary")
            .on(["*"])
            .when("StringNotLike", "iam:PermissionsBoundary", scope.boundaries()),
        Statement::deny(POLICY_CHANGES)
            .sid("KeepItsPoliciesAsShipped")
            .on([scope.boundary(), scope.data_policy()]),
        // The boundaries the account owner names after the shipped one (an environment's
        // `PermissionsBoundaryPolicyArn`) are theirs alone: a role that could make or change one
        // could bound its roles by anything.
        Statement::deny([&["iam:CreatePolicy"][..], &POLICY_CHANGES].concat())
            .sid("NoBoundariesOfItsOwn")
            .on([scope.boundaries()]),
        Statement::deny(["iam:AttachRolePolicy"]).sid("NoAwsManagedPolicies").on(["*"]).when(
            "ArnLike",
            "iam:PolicyARN",
            "arn:*:iam::aws:policy/*",
        ),
    ]
}
