//! The pivot-role template an account owner deploys so Sluice can manage environments there:
//! the pivot role, and the permissions boundary that every role Sluice creates carries
//! ([`boundary`](super::boundary)).
//!
//! The role trusts the Sluice account only with the tenant's ExternalId (the confused-deputy
//! guard: another tenant of the same Sluice cannot point it at this account). CloudFormation
//! runs Sluice's stacks with the pivot role's own credentials (no service role), so the role
//! also needs everything those stacks create. What it may do is split by concern:
//! [`pivot_stacks`](super::pivot_stacks) (stacks, buckets, keys), [`pivot_iam`](super::pivot_iam)
//! (roles, and the denies that hold whatever else the account attaches to it) and
//! [`pivot_data`](super::pivot_data) (Glue, Lake Formation, RAM). Names start with the resource
//! prefix (see [`names`](super::names)) wherever AWS can scope by name; docs/PIVOT_ROLE.md gives
//! the reason for every wildcard left.
//!
//! Values are written into the template rather than taken as parameters: the template is
//! rendered per organization, and a parameter edited in the console (the ExternalId, the
//! prefix) would only make linking or deploying fail later.

use sluice_core::{environments::link::STACK_TAG_PREFIX_TAG, tags::OpenTagKeys};

use crate::cfn::{
    Expr, InlinePolicy, ManagedPolicy, Output, Parameter, PolicyDocument, Principal, Resource, Role,
    Statement, Tag, Template,
};

use super::{
    boundary::boundary_policy,
    names::NamePrefixes,
    pivot_data::data_statements,
    pivot_iam::{guard_statements, role_statements},
    pivot_scope::{PivotScope, sub_if_needed},
    pivot_stacks::{key_statements, stack_statements},
};

/// The pivot role's logical id, and the output that holds its ARN.
pub const PIVOT_ROLE_LOGICAL_ID: &str = "PivotRole";
pub const PIVOT_ROLE_ARN_OUTPUT: &str = "PivotRoleArn";
/// The pivot role's managed policy (Glue, Lake Formation, RAM).
pub const DATA_POLICY_LOGICAL_ID: &str = "PivotRoleDataPolicy";
/// The permissions boundary's logical id, and the output that holds its ARN.
pub const BOUNDARY_LOGICAL_ID: &str = "RoleBoundary";
pub const BOUNDARY_ARN_OUTPUT: &str = "RoleBoundaryArn";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotRoleParams {
    /// The AWS account Sluice runs in: its principals may assume the role.
    pub trust_account_id: String,
    /// The tenant's ExternalId, which every AssumeRole must present.
    pub external_id: String,
    pub role_name: String,
    /// The environments' resource prefix: the role creates and changes only resources named
    /// with it, where AWS can scope by name.
    pub resource_prefix: String,
    /// The key-value tag keys the account owner lets Sluice's stacks carry besides Sluice's own.
    pub stack_tag_keys: OpenTagKeys,
}

pub fn pivot_role_template(params: &PivotRoleParams) -> Template {
    render(Values {
        trust_account_id: params.trust_account_id.clone(),
        external_id: Expr::str(&params.external_id),
        role_name: params.role_name.clone(),
        prefixes: NamePrefixes::new(&params.resource_prefix),
        open_tag_keys: (params.stack_tag_keys != OpenTagKeys::Nothing)
            .then(|| Expr::str(params.stack_tag_keys.pattern())),
        stack_tag_prefix: Expr::str(params.stack_tag_keys.role_tag_value()),
        role_description: format!(
            "Lets Sluice (account {}) manage environments whose resources are named {}*",
            params.trust_account_id, params.resource_prefix
        ),
        template_description: format!(
            "Sluice pivot role {}: trusted by account {} with the tenant's ExternalId; creates resources named {}*, roles only under its permissions boundary.",
            params.role_name, params.trust_account_id, params.resource_prefix
        ),
    })
}

/// The parameters of [`standalone_pivot_role_template`].
pub const STANDALONE_PARAMETERS: [&str; 5] =
    ["TrustAccountId", "ExternalId", "PivotRoleName", "ResourcePrefix", "StackTagKeys"];

/// The same role as [`pivot_role_template`], with the five values as CloudFormation parameters:
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
            kms_alias: prefix.clone(),
            glue_database: prefix,
        },
        // The default, `sluice:*`, repeats a key the statements allow anyway: it opens nothing.
        open_tag_keys: Some(Expr::reference("StackTagKeys")),
        stack_tag_prefix: Expr::before_first("*", Expr::reference("StackTagKeys")),
        role_description:
            "Lets Sluice manage environments whose resources are named with its resource prefix".into(),
        template_description:
            "Sluice pivot role: trusted by the Sluice account with the organization's ExternalId; \
             creates resources named with the resource prefix, roles only under its permissions boundary."
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
                "The environments' resource prefix: the role creates and changes only resources named with it",
            )
            .default("sluice")
            .pattern("^[a-z][a-z0-9]{0,19}$", "lowercase letters and digits, starting with a letter"),
        )
        .parameter(
            "StackTagKeys",
            Parameter::string(
                "The key-value tag keys Sluice's stacks may put on the roles and keys they create: \
                 sluice:* for none but Sluice's own, a prefix followed by * (acme-*), or * for every key. \
                 Open only keys no policy of this account reads (ABAC)",
            )
            .default(sluice_core::tags::NO_KEYS_PATTERN)
            .pattern(
                "^[A-Za-z0-9 _.:/=+@-]{0,100}[*]$",
                "a prefix of letters, digits, spaces and _.:/=+@- followed by one *",
            ),
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
    open_tag_keys: Option<Expr>,
    stack_tag_prefix: Expr,
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
    let scope = PivotScope {
        role_name: values.role_name.clone(),
        prefixes: values.prefixes,
        open_tag_keys: values.open_tag_keys,
    };
    let mut role = Role::new(sub_if_needed(&values.role_name), PolicyDocument::new([trust]))
        .described(&values.role_description);
    // How Sluice learns which keys are open; the role may never change its own tags.
    role.tags = vec![Tag::new(STACK_TAG_PREFIX_TAG, values.stack_tag_prefix)];
    let policy = |name: &str, statements: Vec<Statement>| InlinePolicy {
        policy_name: name.into(),
        policy_document: PolicyDocument::new(statements),
    };
    role.policies = vec![
        policy("sluice-stacks", stack_statements(&scope)),
        policy("sluice-keys", key_statements(&scope)),
        policy("sluice-roles", [role_statements(&scope), guard_statements(&scope)].concat()),
    ];
    // IAM allows a role 10,240 characters of inline policy in all; the rest is a managed policy
    // of the same stack, attached to this role only.
    role.managed_policy_arns = vec![Expr::reference(DATA_POLICY_LOGICAL_ID)];
    let data = ManagedPolicy {
        managed_policy_name: scope.data_policy_name(),
        description: "Sluice pivot role: the Glue catalog, Lake Formation and RAM".into(),
        policy_document: PolicyDocument::new(data_statements(&scope)),
    };

    let mut template = Template::new(values.template_description);
    template
        .resource(PIVOT_ROLE_LOGICAL_ID, Resource::from(role))
        .resource(DATA_POLICY_LOGICAL_ID, data)
        .resource(BOUNDARY_LOGICAL_ID, boundary_policy(&scope))
        .output(
            PIVOT_ROLE_ARN_OUTPUT,
            Output::new("The pivot role's ARN, for linking the account", Expr::arn_of(PIVOT_ROLE_LOGICAL_ID)),
        )
        .output(
            BOUNDARY_ARN_OUTPUT,
            Output::new(
                "The permissions boundary of every role Sluice creates",
                Expr::reference(BOUNDARY_LOGICAL_ID),
            ),
        );
    template
}

#[cfg(test)]
#[path = "pivot_role_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "pivot_policy_tests.rs"]
mod policy_tests;
