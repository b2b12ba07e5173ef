//! Reading rendered templates' policies back, for the tests that walk every statement.
#![allow(clippy::unwrap_used)]

use serde_json::Value;

use super::{
    DatasetStackSpec, EnvironmentStackSpec, PivotRoleParams, TeamRole, dataset_template,
    environment_template, pivot_role::PIVOT_ROLE_LOGICAL_ID, pivot_role_template,
    team_roles::PERMISSION_GRANTS,
};

/// The pivot role of [`params`], as the environment and dataset stacks name it.
pub const PIVOT_ARN: &str = "arn:aws:iam::111122223333:role/sluicePivotRole";

pub fn params() -> PivotRoleParams {
    PivotRoleParams {
        trust_account_id: "111122223333".into(),
        external_id: "ext-0123456789".into(),
        role_name: "sluicePivotRole".into(),
        resource_prefix: "sluice".into(),
        stack_tag_keys: sluice_core::tags::OpenTagKeys::Nothing,
    }
}

pub fn rendered_pivot() -> Value {
    serde_json::from_str(&pivot_role_template(&params()).to_json()).unwrap()
}

/// Every statement of the pivot role's policies: its inline ones and the managed ones of the
/// template it lists.
pub fn pivot_statements() -> Vec<Value> {
    let template = rendered_pivot();
    let role = &template["Resources"][PIVOT_ROLE_LOGICAL_ID]["Properties"];
    let managed = role["ManagedPolicyArns"].as_array().unwrap().iter().map(|arn| {
        let logical_id = arn["Ref"].as_str().expect("a managed policy of the same template");
        &template["Resources"][logical_id]["Properties"]
    });
    role["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .chain(managed)
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
        .collect()
}

pub fn is_allow(statement: &Value) -> bool {
    statement["Effect"] == "Allow"
}

pub fn sid(statement: &Value) -> &str {
    statement["Sid"].as_str().unwrap_or("<no Sid>")
}

/// A string, or the template of an `Fn::Sub`.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other["Fn::Sub"].as_str().map_or_else(|| other.to_string(), str::to_owned),
    }
}

fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text).collect(),
        Value::Null => vec![],
        one => vec![text(one)],
    }
}

pub fn actions(statement: &Value) -> Vec<String> {
    texts(&statement["Action"])
}

pub fn resources(statement: &Value) -> Vec<String> {
    texts(&statement["Resource"])
}

/// The values of `Condition.<operator>.<key>`, empty when there is none.
pub fn condition(statement: &Value, operator: &str, key: &str) -> Vec<String> {
    texts(&statement["Condition"][operator][key])
}

pub fn has_action(statement: &Value, wanted: &[&str]) -> bool {
    actions(statement).iter().any(|a| wanted.contains(&a.as_str()))
}

/// The part of an ARN after its fifth colon (`role/sluice*`, `key/*`, `*`), once the pseudo
/// parameters, whose names hold colons, are resolved.
pub fn resource_part(arn: &str) -> String {
    let resolved = arn
        .replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", "111122223333")
        .replace("${AWS::Region}", "eu-west-1");
    resolved.splitn(6, ':').nth(5).unwrap_or(&resolved).to_owned()
}

/// The resources of a template's resources of `type_`, by logical id.
pub fn resources_of_type<'a>(template: &'a Value, type_: &str) -> Vec<(&'a String, &'a Value)> {
    template["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == type_).collect()
}

/// Every stack Sluice deploys, with every team permission that adds AWS access.
pub fn sluice_templates() -> Vec<Value> {
    sluice_templates_bounded_by(None)
}

/// [`sluice_templates`] of an environment whose `PermissionsBoundaryPolicyArn` is `boundary`.
pub fn sluice_templates_bounded_by(boundary: Option<&str>) -> Vec<Value> {
    let team = |group: &str, permissions: Vec<String>| TeamRole {
        group_uri: group.into(),
        role_name: format!("sluice-{group}-ab12"),
        imported_role_arn: None,
        permissions,
    };
    let environment = environment_template(&EnvironmentStackSpec {
        environment_uri: "ab12".into(),
        label: "Sales".into(),
        resource_prefix: "sluice".into(),
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        pivot_role_arn: PIVOT_ARN.into(),
        permissions_boundary_arn: boundary.map(Into::into),
        teams: vec![
            team("DataTeam", PERMISSION_GRANTS.iter().map(|(name, _)| (*name).to_owned()).collect()),
            team("Readers", vec![]),
        ],
    });
    let dataset = dataset_template(&DatasetStackSpec {
        dataset_uri: "ds12".into(),
        label: "Orders".into(),
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        pivot_role_arn: PIVOT_ARN.into(),
        permissions_boundary_arn: boundary.map(Into::into),
        admin_role_name: "sluice-orders-ds12".into(),
        bucket_name: "sluice-orders-ds12".into(),
        kms_alias: Some("alias/sluice-orders-ds12".into()),
        glue_database_name: "sluice_orders_ds12".into(),
    });
    [environment, dataset].iter().map(|t| serde_json::from_str(&t.to_json()).unwrap()).collect()
}
