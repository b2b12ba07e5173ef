//! The rendered templates pass cfn-lint (PyPI), which knows every resource type's schema and
//! many best-practice rules: a misspelt property or an invalid IAM action fails here, long
//! before a real deploy would.

use std::process::Command;

use sluice_cloud::{
    DatasetStackSpec, EnvironmentStackSpec, PivotRoleParams, TeamRole, cfn::Template, dataset_template,
    environment_template, pivot_role_template,
};

fn cfn_lint() -> String {
    std::env::var("SLUICE_TEST_CFN_LINT")
        .expect("set SLUICE_TEST_CFN_LINT to a cfn-lint executable (make test installs one in the venv)")
}

fn lint(templates: &[(&str, Template)]) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(cfn_lint());
    command.args(["--regions", "eu-west-1", "--"]);
    for (name, template) in templates {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, template.to_json()).unwrap();
        command.arg(path);
    }
    let output = command.output().unwrap_or_else(|e| panic!("running {}: {e}", cfn_lint()));
    assert!(
        output.status.success(),
        "cfn-lint found problems (exit {}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_pivot_role_environment_and_dataset_templates_pass_cfn_lint() {
    let pivot = pivot_role_template(&PivotRoleParams {
        trust_account_id: "123456789012".into(),
        external_id: "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9".into(),
        role_name: "sluicePivotRole".into(),
        resource_prefix: "sluice".into(),
        stack_tag_keys: sluice_core::tags::OpenTagKeys::Every,
    });
    let environment = environment_template(&EnvironmentStackSpec {
        environment_uri: "ab12cd34".into(),
        label: "Sales Analytics".into(),
        resource_prefix: "sluice".into(),
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        pivot_role_arn: "arn:aws:iam::111122223333:role/sluicePivotRole".into(),
        permissions_boundary_arn: None,
        teams: vec![
            TeamRole {
                group_uri: "DataTeam".into(),
                role_name: "sluice-DataTeam-ab12cd34".into(),
                imported_role_arn: None,
                permissions: vec!["RUN_ATHENA_QUERY".into(), "CREATE_DATASET".into()],
            },
            TeamRole {
                group_uri: "ops-team".into(),
                role_name: "sluice-ops-team-ab12cd34".into(),
                imported_role_arn: Some("arn:aws:iam::111122223333:role/OpsOwnRole".into()),
                permissions: vec![],
            },
        ],
    });
    let dataset_spec = DatasetStackSpec {
        dataset_uri: "ds12ab34".into(),
        label: "Sales Orders".into(),
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        pivot_role_arn: "arn:aws:iam::111122223333:role/sluicePivotRole".into(),
        permissions_boundary_arn: None,
        admin_role_name: "sluice-sales-orders-ds12ab34".into(),
        bucket_name: "sluice-sales-orders-ds12ab34".into(),
        kms_alias: Some("alias/sluice-sales-orders-ds12ab34".into()),
        glue_database_name: "sluice_sales_orders_ds12ab34".into(),
    };
    let dataset = dataset_template(&dataset_spec);
    // A bucket encrypted with SSE-S3: no key, no alias, no KMS statement.
    let sse_s3 = dataset_template(&DatasetStackSpec { kms_alias: None, ..dataset_spec });
    lint(&[
        ("pivot-role", pivot),
        ("environment", environment),
        ("dataset", dataset),
        ("dataset-sse-s3", sse_s3),
    ]);
}
