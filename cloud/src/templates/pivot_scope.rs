//! What the pivot role's policies, its permissions boundary and the stacks it deploys all refer
//! to: the pivot role's own ARN, the boundary's name and ARN, the prefixed names Sluice creates,
//! and the two ways a KMS key can be Sluice's to use.
//!
//! The boundary is named after the pivot role (`<pivot role name>-boundary`), not after the
//! resource prefix: the environment and dataset stacks must name it on every role they create,
//! and the pivot role's ARN is the one input both stacks already have.

use crate::cfn::{Expr, Statement};

use super::names::NamePrefixes;

/// The tag an account owner puts on a KMS key Sluice did not create (an imported dataset's key),
/// with the pivot role's name as its value, to let Sluice use the key. The pivot role may never
/// write or remove this tag itself, so it reaches exactly the keys their owners opened to it.
pub const PIVOT_ROLE_TAG: &str = "sluice:pivot-role";

/// The tag keys Sluice writes: the stack tags CloudFormation copies onto the resources it
/// creates (`sluice:environment-uri`, ...). None of them grants anything.
pub const SLUICE_TAG_KEYS: &str = "sluice:*";

/// AWS's reserved tag keys (`aws:cloudformation:stack-name`, ...), which CloudFormation may add
/// as it creates a resource and which nobody can write otherwise.
pub const AWS_TAG_KEYS: &str = "aws:*";

/// The Lake Formation service, which the pivot role may hand Sluice's roles to.
pub const LAKE_FORMATION_SERVICE: &str = "lakeformation.amazonaws.com";

/// The Glue service, which the pivot role may hand Sluice's roles to for a dataset's crawler
/// (which runs as the dataset's admin role), and no other use.
pub const GLUE_SERVICE: &str = "glue.amazonaws.com";

/// The name of the boundary shipped with the pivot role named `pivot_role_name`.
pub use sluice_core::environments::names::boundary_policy_name;

/// The name of the managed policy holding the pivot role's Glue, Lake Formation and RAM
/// permissions (inline policies are limited to 10,240 characters per role in all).
pub fn data_policy_name(pivot_role_name: &str) -> String {
    format!("{pivot_role_name}-data")
}

/// A role's name from its ARN (`arn:aws:iam::<account>:role[/path]/<name>`).
pub fn role_name_of(role_arn: &str) -> &str {
    role_arn.rsplit('/').next().unwrap_or(role_arn)
}

/// The boundary every role of a stack deployed through `pivot_role_arn` must carry, in the
/// deploying account.
pub fn boundary_arn_for(pivot_role_arn: &str) -> Expr {
    iam_arn(&format!("policy/{}", boundary_policy_name(role_name_of(pivot_role_arn))))
}

/// The boundary the roles of a stack deployed through `pivot_role_arn` carry: the environment's
/// own (`PermissionsBoundaryPolicyArn`, which core checked is named after the pivot role's
/// boundary) when it has one, the pivot role's otherwise.
pub fn role_boundary(pivot_role_arn: &str, environment_boundary: Option<&str>) -> Expr {
    match environment_boundary {
        Some(arn) => Expr::str(arn),
        None => boundary_arn_for(pivot_role_arn),
    }
}

/// `arn:<partition>:iam::<this account>:<resource>`.
fn iam_arn(resource: &str) -> Expr {
    Expr::arn("iam", "", "${AWS::AccountId}", resource)
}

/// A value that may hold `${Parameter}`s (the standalone template's) as an `Fn::Sub`, and a
/// plain string otherwise.
pub(super) fn sub_if_needed(value: &str) -> Expr {
    if value.contains("${") { Expr::sub(value) } else { Expr::str(value) }
}

/// The pivot role's name and the prefixes of what it creates, and the ARNs and conditions its
/// statements are made of. Names may be `${Parameter}`s.
#[derive(Debug, Clone)]
pub(super) struct PivotScope {
    pub role_name: String,
    pub prefixes: NamePrefixes,
    /// The tag keys the account owner opened to stacks besides Sluice's own, as an
    /// `aws:TagKeys` pattern (`StackTagKeys`); `None` when they opened none.
    pub open_tag_keys: Option<Expr>,
}

impl PivotScope {
    pub fn own_role(&self) -> Expr {
        iam_arn(&format!("role/{}", self.role_name))
    }

    pub fn boundary_name(&self) -> Expr {
        sub_if_needed(&boundary_policy_name(&self.role_name))
    }

    pub fn boundary(&self) -> Expr {
        iam_arn(&format!("policy/{}", boundary_policy_name(&self.role_name)))
    }

    pub fn data_policy_name(&self) -> Expr {
        sub_if_needed(&data_policy_name(&self.role_name))
    }

    pub fn data_policy(&self) -> Expr {
        iam_arn(&format!("policy/{}", data_policy_name(&self.role_name)))
    }

    /// Roles named with the prefix: the team and dataset roles Sluice creates. The pivot role's
    /// own name may match too, which is why it denies itself every change (see `guards`).
    pub fn sluice_roles(&self) -> Expr {
        iam_arn(&format!("role/{}*", self.prefixes.role))
    }

    /// Glue crawlers named with the prefix: datasets' crawlers, `<prefix>-<datasetUri>-crawler`
    /// (core's `crawler_name`), which keep the prefix as stack names do.
    pub fn sluice_crawlers(&self) -> Expr {
        Expr::arn("glue", "*", "${AWS::AccountId}", &format!("crawler/{}*", self.prefixes.stack))
    }

    /// Customer managed policies named with the prefix.
    pub fn sluice_policies(&self) -> Expr {
        iam_arn(&format!("policy/{}*", self.prefixes.role))
    }

    /// Every role of the account, for reads only.
    pub fn all_roles(&self) -> Expr {
        iam_arn("role/*")
    }

    /// Every KMS key of this account, in every region; statements on it must say which keys by
    /// a condition ([`Self::on_sluice_keys`], [`Self::on_keys_opened_to_sluice`]).
    pub fn keys(&self) -> Expr {
        Expr::arn("kms", "*", "${AWS::AccountId}", "key/*")
    }

    pub fn sluice_aliases(&self) -> Expr {
        Expr::arn("kms", "*", "${AWS::AccountId}", &format!("alias/{}*", self.prefixes.kms_alias))
    }

    /// Only on keys that carry an alias named with the prefix: the keys Sluice's stacks create.
    /// The pivot role cannot give such an alias to a key that has none: creating or moving an
    /// alias needs the permission on the target key, which this condition (or the key policy of
    /// a key Sluice created) must give first.
    pub fn on_sluice_keys(&self, statement: Statement) -> Statement {
        statement.when_any(
            "ForAnyValue:StringLike",
            "kms:ResourceAliases",
            [sub_if_needed(&format!("alias/{}*", self.prefixes.kms_alias))],
        )
    }

    /// Only on keys their owner tagged [`PIVOT_ROLE_TAG`] with this role's name.
    pub fn on_keys_opened_to_sluice(&self, statement: Statement) -> Statement {
        statement.when(
            "StringEquals",
            &format!("aws:ResourceTag/{PIVOT_ROLE_TAG}"),
            sub_if_needed(&self.role_name),
        )
    }

    /// Only when every tag key in the request is Sluice's, AWS's own or one the account owner
    /// opened to stack tags.
    pub fn with_stack_tags_only(&self, statement: Statement) -> Statement {
        let mut keys = vec![Expr::str(SLUICE_TAG_KEYS), Expr::str(AWS_TAG_KEYS)];
        keys.extend(self.open_tag_keys.clone());
        statement.when_any("ForAllValues:StringLike", "aws:TagKeys", keys)
    }

    /// Only when the request carries Sluice's tags, and no other keys than
    /// [`Self::with_stack_tags_only`] allows: what CloudFormation sends as it creates a key from
    /// a Sluice stack with its stack tags.
    pub fn with_sluice_tags(&self, statement: Statement) -> Statement {
        self.with_stack_tags_only(statement).when_any(
            "ForAnyValue:StringLike",
            "aws:TagKeys",
            [SLUICE_TAG_KEYS],
        )
    }

    /// The boundaries a role Sluice creates may carry: the one shipped with the pivot role, or
    /// a policy of this account named after it (`<boundary name>-…`), which only the account
    /// owner can make (the pivot role creates and changes no managed policy): an environment's
    /// `PermissionsBoundaryPolicyArn`.
    pub fn boundaries(&self) -> Expr {
        iam_arn(&format!("policy/{}*", boundary_policy_name(&self.role_name)))
    }

    /// Only when the role written to carries one of [`Self::boundaries`] (for the IAM actions
    /// that can tell).
    pub fn on_bounded_roles(&self, statement: Statement) -> Statement {
        statement.when("StringLike", "iam:PermissionsBoundary", self.boundaries())
    }
}
