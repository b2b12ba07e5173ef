//! A team's IAM role in an environment, and what its environment permissions grant in AWS.
//!
//! Every team role can:
//! - read and write its own folder of the environment's data bucket
//!   ([`team_folder`](super::names::team_folder)), with the environment key;
//! - read the Glue catalog and ask Lake Formation for data access: which tables it may read
//!   is Lake Formation's decision (dataset ownership and shares grant there), not IAM's.
//!
//! Permissions then add AWS access where they have an AWS side, listed in
//! [`PERMISSION_GRANTS`]. The others (`CREATE_DATASET`, `INVITE_ENVIRONMENT_GROUP`, ...) are
//! Sluice-side only: Sluice itself acts on them through the pivot role.

use crate::cfn::{Expr, InlinePolicy, PolicyDocument, Principal, Role, Statement};

use super::{
    boundary::{ATHENA_QUERY_ACTIONS, GLUE_READ_ACTIONS, S3_OBJECT_ACTIONS},
    environment::TeamRole,
    names::team_folder,
};

/// The environment resources a team role's policy refers to.
pub(super) struct TeamContext<'a> {
    pub data_bucket_arn: Expr,
    pub key_arn: Expr,
    /// The permissions boundary shipped with the pivot role, which every role Sluice creates
    /// must carry (see [`boundary`](super::boundary)).
    pub boundary_arn: Expr,
    pub label: &'a str,
    pub environment_uri: &'a str,
}

/// The statements an environment permission adds to its team's role.
pub type Grant = fn() -> Vec<Statement>;

/// The environment permissions with an AWS side, and what each adds.
pub const PERMISSION_GRANTS: &[(&str, Grant)] = &[("RUN_ATHENA_QUERY", athena)];

pub(super) fn team_role(context: &TeamContext<'_>, team: &TeamRole) -> Role {
    let folder = team_folder(&team.group_uri);
    let trust = Statement::allow(["sts:AssumeRole"])
        .sid("AccountPrincipals")
        .principal(Principal::Aws(vec![Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")]));
    let mut statements = base_statements(context, &folder);
    for permission in &team.permissions {
        if let Some((_, grant)) = PERMISSION_GRANTS.iter().find(|(name, _)| name == permission) {
            statements.extend(grant());
        }
    }
    let mut role = Role::new(team.role_name.as_str(), PolicyDocument::new([trust]))
        .described(&format!(
            "Sluice team {} in environment {} ({})",
            team.group_uri, context.label, context.environment_uri
        ))
        .bounded_by(context.boundary_arn.clone());
    role.policies = vec![InlinePolicy {
        policy_name: "sluice-team".into(),
        policy_document: PolicyDocument::new(statements),
    }];
    role
}

fn base_statements(context: &TeamContext<'_>, folder: &str) -> Vec<Statement> {
    let objects = Expr::join("", [context.data_bucket_arn.clone(), format!("/{folder}*").into()]);
    vec![
        Statement::allow(["s3:ListBucket"])
            .sid("ListTeamFolder")
            .on([context.data_bucket_arn.clone()])
            .when_any("StringLike", "s3:prefix", [folder.to_owned(), format!("{folder}*")]),
        Statement::allow(["s3:GetBucketLocation"]).sid("LocateBucket").on([context.data_bucket_arn.clone()]),
        Statement::allow(S3_OBJECT_ACTIONS).sid("TeamFolderReadWrite").on([objects]),
        // SSE-KMS objects need the key to be read and written.
        Statement::allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"])
            .sid("EnvironmentKey")
            .on([context.key_arn.clone()]),
        Statement::allow(GLUE_READ_ACTIONS).sid("ReadCatalog").on([
            Expr::arn("glue", "${AWS::Region}", "${AWS::AccountId}", "catalog"),
            Expr::arn("glue", "${AWS::Region}", "${AWS::AccountId}", "database/*"),
            Expr::arn("glue", "${AWS::Region}", "${AWS::AccountId}", "table/*/*"),
        ]),
        // Lake Formation vends credentials for the tables it lets the role read; it has no
        // resource-level IAM permissions.
        Statement::allow(["lakeformation:GetDataAccess"]).sid("LakeFormationDataAccess").on(["*"]),
    ]
}

/// Queries in the account's `primary` workgroup, which exists in every account and region.
/// Results go to the team's folder (the caller names the output location per query), which
/// the base statements already cover.
fn athena() -> Vec<Statement> {
    vec![Statement::allow(ATHENA_QUERY_ACTIONS).sid("AthenaQueries").on([Expr::arn(
        "athena",
        "${AWS::Region}",
        "${AWS::AccountId}",
        "workgroup/primary",
    )])]
}
