#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::*;

fn params() -> PivotRoleParams {
    PivotRoleParams {
        trust_account_id: "111122223333".into(),
        external_id: "ext-0123456789".into(),
        role_name: "sluicePivotRole".into(),
        resource_prefix: "sluice".into(),
    }
}

fn rendered() -> Value {
    serde_json::from_str(&pivot_role_template(&params()).to_json()).unwrap()
}

fn statements(role: &Value) -> Vec<&Value> {
    role["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
        .collect()
}

fn resources_text(statement: &Value) -> Vec<String> {
    statement["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().map_or_else(|| r["Fn::Sub"].to_string(), str::to_owned))
        .collect()
}

#[test]
fn the_role_is_trusted_by_the_sluice_account_only_with_the_external_id() {
    let template = rendered();
    let role = &template["Resources"][PIVOT_ROLE_LOGICAL_ID];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    assert_eq!(role["Properties"]["RoleName"], "sluicePivotRole");
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"],
        json!([{
            "Sid": "SluiceWithExternalId",
            "Effect": "Allow",
            "Principal": {"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::111122223333:root"}]},
            "Action": ["sts:AssumeRole"],
            "Condition": {"StringEquals": {"sts:ExternalId": "ext-0123456789"}}
        }])
    );
}

#[test]
fn the_arn_is_an_output() {
    assert_eq!(
        rendered()["Outputs"][PIVOT_ROLE_ARN_OUTPUT]["Value"],
        json!({"Fn::GetAtt": [PIVOT_ROLE_LOGICAL_ID, "Arn"]})
    );
}

#[test]
fn iam_s3_and_cloudformation_reach_only_prefixed_names() {
    let template = rendered();
    let role = &template["Resources"][PIVOT_ROLE_LOGICAL_ID];
    for statement in statements(role) {
        let actions: Vec<&str> =
            statement["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        assert!(actions.iter().all(|a| !a.ends_with(":*")), "no service-wide wildcard: {actions:?}");
        let scoped = actions.iter().any(|a| {
            ["iam:", "s3:", "cloudformation:"].iter().any(|s| a.starts_with(s))
                && ![
                    "s3:ListAllMyBuckets",
                    "cloudformation:ValidateTemplate",
                    "cloudformation:GetTemplateSummary",
                ]
                .contains(a)
        });
        if !scoped {
            continue;
        }
        for resource in resources_text(statement) {
            let own_role = resource.ends_with(":role/sluicePivotRole\"");
            let service_role = resource.contains("aws-service-role/lakeformation.amazonaws.com/");
            assert!(
                resource.contains(":role/sluice*")
                    || resource.contains(":policy/sluice*")
                    || resource.contains(":::sluice*")
                    || resource.contains(":stack/sluice*/*")
                    || own_role
                    || service_role,
                "{resource} in {statement}"
            );
        }
    }
}

#[test]
fn a_mixed_case_prefix_scopes_buckets_in_lowercase() {
    let template = pivot_role_template(&PivotRoleParams { resource_prefix: "Sluice".into(), ..params() });
    let json = template.to_json();
    assert!(json.contains(":s3:::sluice*"), "{json}");
    assert!(json.contains(":role/Sluice*"), "{json}");
}

#[test]
fn the_inline_policies_fit_iams_size_limit() {
    // IAM allows 10,240 characters of inline policy per role, whitespace not counted.
    let template = rendered();
    let size: usize = template["Resources"][PIVOT_ROLE_LOGICAL_ID]["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| serde_json::to_string(&p["PolicyDocument"]).unwrap().len())
        .sum();
    assert!(size < 10_240, "{size} characters");
}

/// `deploy/pivot-role.json`, the standalone template in the repository.
const STANDALONE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/pivot-role.json");

#[test]
fn deploy_pivot_role_json_is_the_standalone_template() {
    let rendered = standalone_pivot_role_template().to_json() + "\n";
    if std::env::var_os("SLUICE_BLESS").is_some() {
        std::fs::write(STANDALONE_FILE, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(STANDALONE_FILE).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "deploy/pivot-role.json is out of date: run `SLUICE_BLESS=1 cargo test -p sluice-cloud --lib \
         deploy_pivot_role_json` and commit it"
    );
}

/// Replaces the standalone template's parameters by values: `${Name}` inside `Fn::Sub` strings
/// and `{"Ref": Name}` objects.
fn substitute(value: &mut Value, values: &[(&str, &str)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Ref")
                && let Some((_, v)) = values.iter().find(|(n, _)| n == name)
            {
                *value = json!(v);
                return;
            }
            if let Some(Value::String(sub)) = map.get_mut("Fn::Sub") {
                for (name, v) in values {
                    *sub = sub.replace(&format!("${{{name}}}"), v);
                }
            }
            map.values_mut().for_each(|v| substitute(v, values));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, values)),
        _ => {}
    }
}

#[test]
fn the_standalone_template_with_values_grants_what_the_rendered_one_does() {
    let mut standalone: Value = serde_json::from_str(&standalone_pivot_role_template().to_json()).unwrap();
    let p = params();
    substitute(
        &mut standalone["Resources"],
        &[
            ("TrustAccountId", &p.trust_account_id),
            ("ExternalId", &p.external_id),
            ("PivotRoleName", &p.role_name),
            ("ResourcePrefix", &p.resource_prefix),
        ],
    );
    let mut standalone_role = standalone["Resources"][PIVOT_ROLE_LOGICAL_ID].clone();
    let mut rendered_role = rendered()["Resources"][PIVOT_ROLE_LOGICAL_ID].clone();
    for role in [&mut standalone_role, &mut rendered_role] {
        role["Properties"].as_object_mut().unwrap().remove("Description");
    }
    // The role name is a plain string in one and a substituted `Fn::Sub` in the other.
    assert_eq!(standalone_role["Properties"]["RoleName"], json!({"Fn::Sub": "sluicePivotRole"}));
    standalone_role["Properties"]["RoleName"] = json!("sluicePivotRole");
    assert_eq!(standalone_role, rendered_role);

    let parameters = standalone["Parameters"].as_object().unwrap();
    let names: Vec<&str> = parameters.keys().map(String::as_str).collect();
    let mut expected = STANDALONE_PARAMETERS.to_vec();
    expected.sort_unstable();
    let mut names_sorted = names.clone();
    names_sorted.sort_unstable();
    assert_eq!(names_sorted, expected);
}
