//! The pivot-role template an account owner deploys so Sluice can manage environments there.
//!
//! The role trusts the Sluice account only with the tenant's ExternalId (the confused-deputy
//! guard: another tenant of the same Sluice cannot point it at this account). Its policies
//! reach only what Sluice creates, i.e. names starting with the resource prefix (see
//! [`names`](super::names)), except where an AWS API has no resource-level permissions.
//! CloudFormation runs the environment stacks with the pivot role's own credentials (no service
//! role), so the role also needs everything those stacks create.
//!
//! Values are written into the template rather than taken as parameters: the template is
//! rendered per organization, and a parameter edited in the console (the ExternalId, the
//! prefix) would only make linking or deploying fail later.

use crate::cfn::{
    Expr, InlinePolicy, Output, Parameter, PolicyDocument, Principal, Resource, Role, Statement, Template,
};

use super::names::NamePrefixes;

/// The pivot role's logical id, and the output that holds its ARN.
pub const PIVOT_ROLE_LOGICAL_ID: &str = "PivotRole";
pub const PIVOT_ROLE_ARN_OUTPUT: &str = "PivotRoleArn";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotRoleParams {
    /// The AWS account Sluice runs in: its principals may assume the role.
    pub trust_account_id: String,
    /// The tenant's ExternalId, which every AssumeRole must present.
    pub external_id: String,
    pub role_name: String,
    /// The environments' resource prefix; the role only manages resources named with it.
    pub resource_prefix: String,
}

pub fn pivot_role_template(params: &PivotRoleParams) -> Template {
    render(Values {
        trust_account_id: params.trust_account_id.clone(),
        external_id: Expr::str(&params.external_id),
        role_name: params.role_name.clone(),
        prefixes: NamePrefixes::new(&params.resource_prefix),
        role_description: format!(
            "Lets Sluice (account {}) manage environments whose resources are named {}*",
            params.trust_account_id, params.resource_prefix
        ),
        template_description: format!(
            "Sluice pivot role {}: trusted by account {} with the tenant's ExternalId; manages resources named {}*.",
            params.role_name, params.trust_account_id, params.resource_prefix
        ),
    })
}

/// The parameters of [`standalone_pivot_role_template`].
pub const STANDALONE_PARAMETERS: [&str; 4] =
    ["TrustAccountId", "ExternalId", "PivotRoleName", "ResourcePrefix"];

/// The same role as [`pivot_role_template`], with the four values as CloudFormation parameters:
/// the file `deploy/pivot-role.json`, for onboarding accounts without the API (StackSets, an
/// account factory). The prefix is limited to lowercase letters and digits, which every kind of
/// name keeps as is, so one `${ResourcePrefix}` stands for the bucket, role, stack and alias
/// prefixes alike.
pub fn standalone_pivot_role_template() -> Template {
    let prefix = "${ResourcePrefix}".to_owned();
    let mut template = render(Values {
        trust_account_id: "${TrustAccountId}".into(),
        external_id: Expr::reference("ExternalId"),
        role_name: "${PivotRoleName}".into(),
        prefixes: NamePrefixes {
            bucket: prefix.clone(),
            role: prefix.clone(),
            stack: prefix.clone(),
            kms_alias: prefix,
        },
        role_description:
            "Lets Sluice manage environments whose resources are named with its resource prefix".into(),
        template_description:
            "Sluice pivot role: trusted by the Sluice account with the organization's ExternalId; \
                               manages resources named with the resource prefix."
                .into(),
    });
    template
        .parameter(
            "TrustAccountId",
            Parameter::string("The AWS account Sluice runs in (the getTrustAccount query)")
                .pattern("^[0-9]{12}$", "twelve digits"),
        )
        .parameter(
            "ExternalId",
            Parameter::string("The organization's ExternalId (the getPivotRoleExternalId query)")
                .pattern("^[\\w+=,.@:/-]+$", "letters, digits and +=,.@:/-_")
                .length(2, 1224),
        )
        .parameter(
            "PivotRoleName",
            Parameter::string("The pivot role's name (Sluice's SLUICE_PIVOT_ROLE_NAME)")
                .default("sluice-pivot-role")
                .pattern("^[\\w+=,.@-]{1,64}$", "an IAM role name"),
        )
        .parameter(
            "ResourcePrefix",
            Parameter::string(
                "The environments' resource prefix: the role manages only resources named with it",
            )
            .default("sluice")
            .pattern("^[a-z][a-z0-9]{0,19}$", "lowercase letters and digits, starting with a letter"),
        );
    template
}

/// What differs between the per-organization and the standalone templates. `trust_account_id`
/// and `role_name` are written inside `Fn::Sub` strings, so they may be `${Parameter}`s.
struct Values {
    trust_account_id: String,
    external_id: Expr,
    role_name: String,
    prefixes: NamePrefixes,
    role_description: String,
    template_description: String,
}

fn render(values: Values) -> Template {
    let trust = Statement::allow(["sts:AssumeRole"])
        .sid("SluiceWithExternalId")
        .principal(Principal::Aws(vec![Expr::sub(format!(
            "arn:${{AWS::Partition}}:iam::{}:root",
            values.trust_account_id
        ))]))
        .when("StringEquals", "sts:ExternalId", values.external_id);
    let role_name = if values.role_name.contains("${") {
        Expr::sub(values.role_name.as_str())
    } else {
        Expr::str(values.role_name.as_str())
    };
    let mut role = Role::new(role_name, PolicyDocument::new([trust])).described(&values.role_description);
    role.policies = vec![
        InlinePolicy {
            policy_name: "sluice-stacks".into(),
            policy_document: PolicyDocument::new(stack_statements(&values.prefixes, &values.role_name)),
        },
        InlinePolicy {
            policy_name: "sluice-data".into(),
            policy_document: PolicyDocument::new(data_statements(&values.prefixes)),
        },
    ];

    let mut template = Template::new(values.template_description);
    template.resource(PIVOT_ROLE_LOGICAL_ID, Resource::from(role)).output(
        PIVOT_ROLE_ARN_OUTPUT,
        Output::new("The pivot role's ARN, for linking the account", Expr::arn_of(PIVOT_ROLE_LOGICAL_ID)),
    );
    template
}

/// `arn:<partition>:<service>:<region>:<this account>:<resource>`.
fn arn(service: &str, region: &str, resource: &str) -> Expr {
    Expr::arn(service, region, "${AWS::AccountId}", resource)
}

/// What deploying and deleting environment stacks takes: CloudFormation on Sluice's stacks and
/// the resources those stacks hold (buckets, keys, roles).
fn stack_statements(prefixes: &NamePrefixes, role_name: &str) -> Vec<Statement> {
    let stacks = arn("cloudformation", "*", &format!("stack/{}*/*", prefixes.stack));
    let buckets = Expr::arn("s3", "", "", &format!("{}*", prefixes.bucket));
    let objects = Expr::arn("s3", "", "", &format!("{}*/*", prefixes.bucket));
    let roles = arn("iam", "", &format!("role/{}*", prefixes.role));
    vec![
        Statement::allow([
            "cloudformation:CreateStack",
            "cloudformation:UpdateStack",
            "cloudformation:DeleteStack",
            "cloudformation:DescribeStacks",
            "cloudformation:DescribeStackEvents",
            "cloudformation:DescribeStackResource",
            "cloudformation:DescribeStackResources",
            "cloudformation:ListStackResources",
            "cloudformation:GetTemplate",
            "cloudformation:CreateChangeSet",
            "cloudformation:DescribeChangeSet",
            "cloudformation:ExecuteChangeSet",
            "cloudformation:DeleteChangeSet",
            "cloudformation:TagResource",
        ])
        .sid("SluiceStacks")
        .on([stacks]),
        // No resource-level permissions exist for these.
        Statement::allow(["cloudformation:ValidateTemplate", "cloudformation:GetTemplateSummary"])
            .sid("TemplateChecks")
            .on(["*"]),
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
        // Folders and dataset contents in Sluice's buckets.
        Statement::allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
            .sid("SluiceObjects")
            .on([objects]),
        Statement::allow(["s3:ListAllMyBuckets"]).sid("ListBuckets").on(["*"]),
        // CreateKey has no resource to scope to, and tagging a key as it is created (stack tags
        // are copied to it) is authorized on "*" too. Keys then get their own key policies,
        // which are the second gate on every key below.
        Statement::allow(["kms:CreateKey", "kms:TagResource", "kms:ListKeys", "kms:ListAliases"])
            .sid("CreateKeys")
            .on(["*"]),
        Statement::allow([
            "kms:DescribeKey",
            "kms:GetKeyPolicy",
            "kms:PutKeyPolicy",
            "kms:EnableKeyRotation",
            "kms:GetKeyRotationStatus",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ListResourceTags",
            "kms:CreateAlias",
            "kms:UpdateAlias",
            "kms:DeleteAlias",
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:GenerateDataKey",
            // Folder shares give the principal's role the dataset key through named grants.
            "kms:CreateGrant",
            "kms:ListGrants",
            "kms:RevokeGrant",
        ])
        .sid("AccountKeys")
        .on([arn("kms", "*", "key/*")]),
        // An alias operation needs permission on the alias as well as on its key.
        Statement::allow(["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"])
            .sid("SluiceKeyAliases")
            .on([arn("kms", "*", &format!("alias/{}*", prefixes.kms_alias))]),
        Statement::allow([
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:GetRole",
            "iam:UpdateRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:ListRoleTags",
            "iam:PutRolePolicy",
            "iam:GetRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:ListRolePolicies",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:PassRole",
        ])
        .sid("SluiceRoles")
        .on([roles]),
        Statement::allow([
            "iam:CreatePolicy",
            "iam:DeletePolicy",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:ListPolicyVersions",
        ])
        .sid("SluicePolicies")
        .on([arn("iam", "", &format!("policy/{}*", prefixes.role))]),
        // Linking reads the pivot role back through its own session, which proves it exists
        // (STS alone does not, in every emulator). Its name need not carry the prefix.
        Statement::allow(["iam:GetRole"]).sid("ReadSelf").on([arn("iam", "", &format!("role/{role_name}"))]),
    ]
}

/// What datasets and shares take: the Glue catalog, Lake Formation, and RAM for cross-account
/// grants, which Lake Formation makes through RAM with the caller's permissions.
fn data_statements(prefixes: &NamePrefixes) -> Vec<Statement> {
    vec![
        // The whole account's catalog: imported datasets bring databases Sluice did not name,
        // and Lake Formation, not IAM, decides who sees the tables.
        Statement::allow([
            "glue:GetDatabase",
            "glue:GetDatabases",
            "glue:CreateDatabase",
            "glue:UpdateDatabase",
            "glue:DeleteDatabase",
            "glue:GetTable",
            "glue:GetTables",
            "glue:CreateTable",
            "glue:UpdateTable",
            "glue:DeleteTable",
            "glue:BatchDeleteTable",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:BatchGetPartition",
            "glue:GetResourcePolicy",
            "glue:PutResourcePolicy",
        ])
        .sid("GlueCatalog")
        .on([
            arn("glue", "*", "catalog"),
            arn("glue", "*", "database/*"),
            arn("glue", "*", "table/*/*"),
        ]),
        // Lake Formation has no resource-level permissions.
        Statement::allow([
            "lakeformation:GetDataLakeSettings",
            "lakeformation:PutDataLakeSettings",
            "lakeformation:GrantPermissions",
            "lakeformation:RevokePermissions",
            "lakeformation:BatchGrantPermissions",
            "lakeformation:BatchRevokePermissions",
            "lakeformation:ListPermissions",
            "lakeformation:RegisterResource",
            "lakeformation:DeregisterResource",
            "lakeformation:DescribeResource",
            "lakeformation:ListResources",
            "lakeformation:GetDataAccess",
        ])
        .sid("LakeFormation")
        .on(["*"]),
        // Registering a bucket with Lake Formation's service-linked role creates that role once.
        Statement::allow(["iam:CreateServiceLinkedRole"])
            .sid("LakeFormationServiceRole")
            .on([arn("iam", "", "role/aws-service-role/lakeformation.amazonaws.com/*")])
            .when("StringEquals", "iam:AWSServiceName", "lakeformation.amazonaws.com"),
        // Cross-account grants become RAM shares, made and accepted with the caller's rights;
        // their ARNs are only known afterwards.
        Statement::allow([
            "ram:CreateResourceShare",
            "ram:UpdateResourceShare",
            "ram:DeleteResourceShare",
            "ram:AssociateResourceShare",
            "ram:DisassociateResourceShare",
            "ram:GetResourceShares",
            "ram:GetResourceShareAssociations",
            "ram:GetResourceShareInvitations",
            "ram:AcceptResourceShareInvitation",
            "ram:ListResources",
        ])
        .sid("LakeFormationShares")
        .on(["*"]),
        // Acting as a team's role (the team roles trust this account) lets Sluice check access
        // from the consumer's side, e.g. that a share reached the team.
        Statement::allow(["sts:AssumeRole"]).sid("ActAsTeamRoles").on([arn(
            "iam",
            "",
            &format!("role/{}*", prefixes.role),
        )]),
    ]
}

#[cfg(test)]
#[path = "pivot_role_tests.rs"]
mod tests;
