//! The dataset stack: what a dataset Sluice creates holds in its environment's account. A KMS
//! key of its own, the dataset bucket encrypted with it, and the dataset admin role. A spec
//! without a key alias (a bucket encrypted with SSE-S3, as imports may be) makes no key, no
//! alias and no KMS statement, and encrypts the bucket with SSE-S3.
//!
//! Every name comes from the dataset row, where they were fixed when the dataset was created:
//! renaming a dataset changes descriptions, never the bucket, key alias, role or database, so a
//! redeploy updates the stack in place rather than replacing what it made.
//!
//! The dataset's Glue database and the Lake Formation registration of its bucket are not in the
//! template: moto's CloudFormation silently drops `AWS::Glue::Database` and
//! `AWS::LakeFormation::*` while still reporting success, so the deploy task makes them through
//! the APIs next to the stack ([`GlueCatalog::ensure_database`],
//! [`register_location`]). The admin role's policy already names the database.
//!
//! [`GlueCatalog::ensure_database`]: crate::catalog::GlueCatalog::ensure_database
//! [`register_location`]: crate::lake::LakeFormation::register_location

use crate::cfn::{
    Alias, Bucket, BucketEncryption, BucketPolicy, Expr, InlinePolicy, Output, PolicyDocument, Principal,
    Resource, Role, Statement, Template,
};

use super::{
    boundary::S3_OBJECT_ACTIONS,
    keys::{managed_key, tls_only},
    pivot_scope::role_boundary,
};

pub const KEY_LOGICAL_ID: &str = "DatasetKey";
pub const KEY_ALIAS_LOGICAL_ID: &str = "DatasetKeyAlias";
pub const BUCKET_LOGICAL_ID: &str = "DatasetBucket";
pub const BUCKET_POLICY_LOGICAL_ID: &str = "DatasetBucketPolicy";
pub const ADMIN_ROLE_LOGICAL_ID: &str = "DatasetAdminRole";

/// Output keys.
pub const BUCKET_OUTPUT: &str = "BucketName";
pub const KEY_ARN_OUTPUT: &str = "KmsKeyArn";
pub const KEY_ALIAS_OUTPUT: &str = "KmsKeyAlias";
pub const ADMIN_ROLE_ARN_OUTPUT: &str = "AdminRoleArn";

/// What the dataset stack is made from. The names are the dataset row's, never derived again
/// here: see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetStackSpec {
    pub dataset_uri: String,
    /// Only written into descriptions.
    pub label: String,
    /// The account and region are only written into the description, as in the environment
    /// stack: the template refers to the deploying account through `AWS::AccountId`.
    pub account_id: String,
    pub region: String,
    /// Administers the dataset's key besides the account; the admin role carries the
    /// permissions boundary shipped with it.
    pub pivot_role_arn: String,
    /// The environment's `PermissionsBoundaryPolicyArn`, which the admin role carries instead of
    /// the pivot role's boundary when set.
    pub permissions_boundary_arn: Option<String>,
    /// The dataset admin role the stack creates.
    pub admin_role_name: String,
    /// The dataset bucket the stack creates.
    pub bucket_name: String,
    /// The alias of the dataset's key, with or without its `alias/` prefix; `None` for SSE-S3
    /// (no key at all).
    pub kms_alias: Option<String>,
    /// The Glue database the admin role may manage (the deploy task creates it).
    pub glue_database_name: String,
}

impl DatasetStackSpec {
    /// The key alias as CloudFormation takes it: `alias/<name>`; `None` for SSE-S3 (a blank
    /// alias is no alias: nothing names `alias/` alone).
    pub fn key_alias(&self) -> Option<String> {
        let alias = self.kms_alias.as_deref().map(str::trim).filter(|a| !a.is_empty() && *a != "alias/")?;
        Some(if alias.starts_with("alias/") { alias.to_owned() } else { format!("alias/{alias}") })
    }
}

pub fn dataset_template(spec: &DatasetStackSpec) -> Template {
    let key_alias = spec.key_alias();
    let mut template = Template::new(format!(
        "Sluice dataset {} ({}) in {}/{}: {}dataset bucket, dataset admin role.",
        spec.label,
        spec.dataset_uri,
        spec.account_id,
        spec.region,
        if key_alias.is_some() { "KMS key, " } else { "" }
    ));

    // Retained like the bucket it encrypts: deleting it would make retained data unreadable.
    // Its description leaves the label out, so a rename never modifies the key: moto's
    // CloudFormation cannot update an AWS::KMS::Key, and drops one whose properties change.
    if let Some(alias_name) = &key_alias {
        template
            .resource(
                KEY_LOGICAL_ID,
                Resource::from(managed_key(
                    format!("Sluice dataset {} (bucket {})", spec.dataset_uri, spec.bucket_name),
                    &spec.pivot_role_arn,
                    true,
                ))
                .retained(),
            )
            .resource(
                KEY_ALIAS_LOGICAL_ID,
                Alias { alias_name: alias_name.clone(), target_key_id: Expr::reference(KEY_LOGICAL_ID) },
            );
    }

    // Deleting the stack leaves the data; a bucket that still holds objects could not be
    // deleted anyway.
    let encryption = if key_alias.is_some() {
        BucketEncryption::kms(Expr::arn_of(KEY_LOGICAL_ID))
    } else {
        BucketEncryption::s3_managed()
    };
    let bucket = Bucket::private(spec.bucket_name.as_str(), encryption);
    template.resource(BUCKET_LOGICAL_ID, Resource::from(bucket).retained()).resource(
        BUCKET_POLICY_LOGICAL_ID,
        BucketPolicy {
            bucket: Expr::reference(BUCKET_LOGICAL_ID),
            policy_document: PolicyDocument::new([tls_only(BUCKET_LOGICAL_ID)]),
        },
    );

    template.resource(ADMIN_ROLE_LOGICAL_ID, admin_role(spec));

    template.output(BUCKET_OUTPUT, Output::new("Dataset bucket", Expr::reference(BUCKET_LOGICAL_ID))).output(
        ADMIN_ROLE_ARN_OUTPUT,
        Output::new("Dataset admin role", Expr::arn_of(ADMIN_ROLE_LOGICAL_ID)),
    );
    if spec.key_alias().is_some() {
        template.output(KEY_ARN_OUTPUT, Output::new("Dataset KMS key", Expr::arn_of(KEY_LOGICAL_ID))).output(
            KEY_ALIAS_OUTPUT,
            Output::new("Dataset KMS key alias", Expr::reference(KEY_ALIAS_LOGICAL_ID)),
        );
    }
    template
}

/// The dataset admin role. Principals of the account may assume it (as team roles); Lake
/// Formation assumes it to vend credentials for the registered bucket location, which is why it
/// also trusts `lakeformation.amazonaws.com`.
fn admin_role(spec: &DatasetStackSpec) -> Role {
    let trust = PolicyDocument::new([
        Statement::allow(["sts:AssumeRole"])
            .sid("AccountPrincipals")
            .principal(Principal::Aws(vec![Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")])),
        Statement::allow(["sts:AssumeRole"])
            .sid("LakeFormation")
            .principal(Principal::Service(vec!["lakeformation.amazonaws.com".into()])),
        // The dataset's crawler (`startGlueCrawler`) runs as this role.
        Statement::allow(["sts:AssumeRole"])
            .sid("GlueCrawler")
            .principal(Principal::Service(vec!["glue.amazonaws.com".into()])),
    ]);
    let mut role = Role::new(spec.admin_role_name.as_str(), trust)
        .described(&format!("Sluice dataset {} ({}) admin", spec.label, spec.dataset_uri))
        .bounded_by(role_boundary(&spec.pivot_role_arn, spec.permissions_boundary_arn.as_deref()));
    role.policies = vec![InlinePolicy {
        policy_name: "sluice-dataset-admin".into(),
        policy_document: PolicyDocument::new(admin_statements(spec)),
    }];
    role
}

fn admin_statements(spec: &DatasetStackSpec) -> Vec<Statement> {
    let bucket = Expr::arn_of(BUCKET_LOGICAL_ID);
    let objects = Expr::join("", [Expr::arn_of(BUCKET_LOGICAL_ID), "/*".into()]);
    let database = &spec.glue_database_name;
    let glue = |resource: &str| Expr::arn("glue", "${AWS::Region}", "${AWS::AccountId}", resource);
    let mut statements = vec![
        Statement::allow(["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"])
            .sid("DatasetBucket")
            .on([bucket]),
        Statement::allow(S3_OBJECT_ACTIONS).sid("DatasetObjectsReadWrite").on([objects]),
    ];
    // SSE-KMS objects need the key to be read and written; SSE-S3 ones need nothing more.
    if spec.key_alias().is_some() {
        statements.push(
            Statement::allow([
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:DescribeKey",
            ])
            .sid("DatasetKey")
            .on([Expr::arn_of(KEY_LOGICAL_ID)]),
        );
    }
    statements.extend([
        Statement::allow([
            "glue:GetDatabase",
            "glue:UpdateDatabase",
            "glue:GetTable",
            "glue:GetTables",
            "glue:CreateTable",
            "glue:UpdateTable",
            "glue:DeleteTable",
            "glue:BatchDeleteTable",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:BatchGetPartition",
            "glue:CreatePartition",
            "glue:BatchCreatePartition",
            "glue:UpdatePartition",
            "glue:DeletePartition",
            "glue:BatchDeletePartition",
        ])
        .sid("DatasetDatabase")
        .on([
            glue("catalog"),
            glue(&format!("database/{database}")),
            glue(&format!("table/{database}/*")),
        ]),
        // Lake Formation vends credentials for the tables it lets the role read; it has no
        // resource-level IAM permissions.
        Statement::allow(["lakeformation:GetDataAccess"]).sid("LakeFormationDataAccess").on(["*"]),
        // The dataset's crawler logs as this role.
        Statement::allow(super::boundary::CRAWLER_LOG_ACTIONS)
            .sid("CrawlerLogs")
            .on([super::boundary::crawler_logs()]),
    ]);
    statements
}

#[cfg(test)]
#[path = "dataset_tests.rs"]
mod tests;
