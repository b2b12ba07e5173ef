//! The environment stack: what every environment (an account and region linked to Sluice)
//! holds. A KMS key, a default data bucket and its access-logs bucket, and one IAM role per
//! team that did not bring its own.
//!
//! Lake Formation settings (the pivot role as data-lake admin) are not in the template: moto's
//! CloudFormation silently drops `AWS::LakeFormation::*` while still reporting success, so the
//! deployer makes them through the API ([`StackDeployer::ensure_data_lake_admin`]).
//!
//! [`StackDeployer::ensure_data_lake_admin`]: crate::stacks::StackDeployer::ensure_data_lake_admin

use crate::cfn::{
    Alias, Bucket, BucketEncryption, BucketPolicy, Expr, Output, PolicyDocument, Principal, Resource,
    Statement, Template,
};

use super::{
    keys::{managed_key, tls_only},
    names::{ResourceName, team_key},
    pivot_scope::role_boundary,
    team_roles::{TeamContext, team_role},
};

pub const KEY_LOGICAL_ID: &str = "EnvironmentKey";
pub const KEY_ALIAS_LOGICAL_ID: &str = "EnvironmentKeyAlias";
pub const DATA_BUCKET_LOGICAL_ID: &str = "DataBucket";
pub const LOGS_BUCKET_LOGICAL_ID: &str = "AccessLogsBucket";

/// Output keys. Each team's role ARN is under [`team_role_output_key`].
pub const DATA_BUCKET_OUTPUT: &str = "DataBucketName";
pub const LOGS_BUCKET_OUTPUT: &str = "AccessLogsBucketName";
pub const KEY_ARN_OUTPUT: &str = "KmsKeyArn";
pub const KEY_ALIAS_OUTPUT: &str = "KmsKeyAlias";

/// Where the data bucket's access logs go in the logs bucket.
const ACCESS_LOG_PREFIX: &str = "data-bucket/";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentStackSpec {
    pub environment_uri: String,
    pub label: String,
    pub resource_prefix: String,
    /// The account and region are only written into the description: the template refers to
    /// the deploying account through `AWS::AccountId`, so a template deployed in the wrong
    /// account can never make roles there trust another account.
    pub account_id: String,
    pub region: String,
    /// Administers the environment's key besides the account (see [`key`]); the team roles
    /// carry the permissions boundary shipped with it.
    pub pivot_role_arn: String,
    /// The environment's `PermissionsBoundaryPolicyArn`: the boundary of every role the stack
    /// creates instead of the pivot role's (see [`role_boundary`]).
    pub permissions_boundary_arn: Option<String>,
    pub teams: Vec<TeamRole>,
}

/// A team (a group) invited to the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRole {
    pub group_uri: String,
    /// The role the stack creates; see [`names::ResourceName::role`](super::names::ResourceName::role).
    pub role_name: String,
    /// A role the team brought. The stack creates nothing for it: the pivot role may only
    /// change roles named with the resource prefix, and the team owns its role's policies.
    pub imported_role_arn: Option<String>,
    /// The team's environment permissions (e.g. `RUN_ATHENA_QUERY`); see
    /// [`team_roles`](super::team_roles) for what each grants in AWS.
    pub permissions: Vec<String>,
}

impl EnvironmentStackSpec {
    fn name(&self) -> ResourceName<'_> {
        ResourceName::new(&self.resource_prefix, &self.label, &self.environment_uri)
    }

    pub fn data_bucket_name(&self) -> String {
        self.name().bucket(None)
    }

    pub fn logs_bucket_name(&self) -> String {
        self.name().bucket(Some("logs"))
    }

    pub fn key_alias(&self) -> String {
        self.name().kms_alias()
    }
}

/// The output holding the role ARN of the team of `group_uri` (the created role's, or the
/// imported one): `TeamRoleArn` followed by [`team_key`], e.g. `TeamRoleArnDataTeam` for
/// "DataTeam", or `TeamRoleArndatateam` and a hash for "data-team".
pub fn team_role_output_key(group_uri: &str) -> String {
    format!("TeamRoleArn{}", team_key(group_uri))
}

/// The logical id of the team's role.
pub fn team_role_logical_id(group_uri: &str) -> String {
    format!("TeamRole{}", team_key(group_uri))
}

pub fn environment_template(spec: &EnvironmentStackSpec) -> Template {
    let mut template = Template::new(format!(
        "Sluice environment {} ({}) in {}/{}: KMS key, data and access-logs buckets, team roles.",
        spec.label, spec.environment_uri, spec.account_id, spec.region
    ));
    let data_bucket = spec.data_bucket_name();
    let logs_bucket = spec.logs_bucket_name();

    // Retained like the buckets it encrypts: deleting it would make retained data unreadable.
    template
        .resource(
            KEY_LOGICAL_ID,
            Resource::from(managed_key(
                format!("Sluice environment {} ({})", spec.label, spec.environment_uri),
                &spec.pivot_role_arn,
                false,
            ))
            .retained(),
        )
        .resource(
            KEY_ALIAS_LOGICAL_ID,
            Alias { alias_name: spec.key_alias(), target_key_id: Expr::reference(KEY_LOGICAL_ID) },
        );

    // Server access logs can only be delivered to a bucket encrypted with SSE-S3: S3 does not
    // support SSE-KMS default encryption on a logging destination. The logs hold request
    // metadata, not data.
    template
        .resource(
            LOGS_BUCKET_LOGICAL_ID,
            Resource::from(Bucket::private(logs_bucket.as_str(), BucketEncryption::s3_managed())).retained(),
        )
        .resource(
            "AccessLogsBucketPolicy",
            BucketPolicy {
                bucket: Expr::reference(LOGS_BUCKET_LOGICAL_ID),
                policy_document: PolicyDocument::new([
                    tls_only(LOGS_BUCKET_LOGICAL_ID),
                    // Bucket-policy delivery, since the bucket has ACLs disabled; only the
                    // data bucket of this account may write, and only under its prefix.
                    Statement::allow(["s3:PutObject"])
                        .sid("AccessLogDelivery")
                        .principal(Principal::Service(vec!["logging.s3.amazonaws.com".into()]))
                        .on([Expr::join(
                            "",
                            [Expr::arn_of(LOGS_BUCKET_LOGICAL_ID), format!("/{ACCESS_LOG_PREFIX}*").into()],
                        )])
                        .when("ArnLike", "aws:SourceArn", Expr::arn("s3", "", "", &data_bucket))
                        .when("StringEquals", "aws:SourceAccount", Expr::account_id()),
                ]),
            },
        );

    let data = Bucket::private(data_bucket.as_str(), BucketEncryption::kms(Expr::arn_of(KEY_LOGICAL_ID)))
        .logging_to(Expr::reference(LOGS_BUCKET_LOGICAL_ID), ACCESS_LOG_PREFIX);
    // Deleting the stack leaves the data; a bucket that still holds objects could not be
    // deleted anyway. After the logs bucket's policy, so logging is allowed once it is on.
    template
        .resource(
            DATA_BUCKET_LOGICAL_ID,
            Resource::from(data).retained().depends_on("AccessLogsBucketPolicy"),
        )
        .resource(
            "DataBucketPolicy",
            BucketPolicy {
                bucket: Expr::reference(DATA_BUCKET_LOGICAL_ID),
                policy_document: PolicyDocument::new([tls_only(DATA_BUCKET_LOGICAL_ID)]),
            },
        );

    let context = TeamContext {
        data_bucket_arn: Expr::arn_of(DATA_BUCKET_LOGICAL_ID),
        key_arn: Expr::arn_of(KEY_LOGICAL_ID),
        boundary_arn: role_boundary(&spec.pivot_role_arn, spec.permissions_boundary_arn.as_deref()),
        label: &spec.label,
        environment_uri: &spec.environment_uri,
    };
    for team in &spec.teams {
        let arn = match &team.imported_role_arn {
            Some(arn) => Expr::str(arn),
            None => {
                let logical_id = team_role_logical_id(&team.group_uri);
                template.resource(logical_id.as_str(), team_role(&context, team));
                Expr::arn_of(logical_id)
            }
        };
        template.output(
            team_role_output_key(&team.group_uri),
            Output::new(format!("Role of team {}", team.group_uri), arn),
        );
    }

    template
        .output(
            DATA_BUCKET_OUTPUT,
            Output::new("Default data bucket", Expr::reference(DATA_BUCKET_LOGICAL_ID)),
        )
        .output(
            LOGS_BUCKET_OUTPUT,
            Output::new("Access-logs bucket", Expr::reference(LOGS_BUCKET_LOGICAL_ID)),
        )
        .output(KEY_ARN_OUTPUT, Output::new("Environment KMS key", Expr::arn_of(KEY_LOGICAL_ID)))
        .output(
            KEY_ALIAS_OUTPUT,
            Output::new("Environment KMS key alias", Expr::reference(KEY_ALIAS_LOGICAL_ID)),
        );
    template
}

#[cfg(test)]
#[path = "environment_tests.rs"]
mod tests;
