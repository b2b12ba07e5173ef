#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use sluice_core::{environments::link::STACK_TAG_PREFIX_TAG, tags::NO_KEYS_PATTERN};

use super::*;
use crate::templates::policy_walk::{params, rendered_pivot as rendered};

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
fn the_boundary_ships_with_the_role_named_after_it() {
    let template = rendered();
    let boundary = &template["Resources"][BOUNDARY_LOGICAL_ID];
    assert_eq!(boundary["Type"], "AWS::IAM::ManagedPolicy");
    assert_eq!(boundary["Properties"]["ManagedPolicyName"], "sluicePivotRole-boundary");
    assert_eq!(template["Outputs"][BOUNDARY_ARN_OUTPUT]["Value"], json!({"Ref": BOUNDARY_LOGICAL_ID}));
    // Attached to nothing: it caps roles as their boundary, never grants as their policy.
    for key in ["Roles", "Users", "Groups"] {
        assert!(boundary["Properties"].get(key).is_none(), "{key}: {boundary}");
    }
    assert_eq!(
        template["Resources"][PIVOT_ROLE_LOGICAL_ID]["Properties"]["ManagedPolicyArns"],
        json!([{"Ref": DATA_POLICY_LOGICAL_ID}]),
        "the pivot role's own managed policy only"
    );
    assert_eq!(
        template["Resources"][DATA_POLICY_LOGICAL_ID]["Properties"]["ManagedPolicyName"],
        "sluicePivotRole-data"
    );
}

#[test]
fn a_mixed_case_prefix_scopes_buckets_in_lowercase() {
    let template = pivot_role_template(&PivotRoleParams { resource_prefix: "Sluice".into(), ..params() });
    let json = template.to_json();
    assert!(json.contains(":s3:::sluice*"), "{json}");
    assert!(json.contains(":role/Sluice*"), "{json}");
    assert!(json.contains(":database/sluice*"), "{json}");
}

#[test]
fn the_policies_fit_iams_size_limits() {
    // IAM allows 10,240 characters of inline policy per role and 6,144 per managed policy,
    // whitespace not counted. Counted before CloudFormation resolves `${AWS::Partition}` and
    // `${AWS::AccountId}`, which only shortens them.
    let template = rendered();
    let size = |document: &Value| serde_json::to_string(document).unwrap().len();
    let inline: usize = template["Resources"][PIVOT_ROLE_LOGICAL_ID]["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| size(&p["PolicyDocument"]))
        .sum();
    assert!(inline < 10_240, "inline: {inline} characters");
    for id in [DATA_POLICY_LOGICAL_ID, BOUNDARY_LOGICAL_ID] {
        let managed = size(&template["Resources"][id]["Properties"]["PolicyDocument"]);
        assert!(managed < 6_144, "{id}: {managed} characters");
    }
}

/// Every string of the template that holds `${`, outside an `Fn::Sub` (where CloudFormation
/// would not substitute it).
fn unsubstituted(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains("${") => found.push(s.clone()),
        Value::Object(map) => {
            for (key, v) in map {
                if key != "Fn::Sub" {
                    unsubstituted(v, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| unsubstituted(v, found)),
        _ => {}
    }
}

#[test]
fn the_standalone_templates_parameters_are_substituted_wherever_they_appear() {
    let standalone: Value = serde_json::from_str(&standalone_pivot_role_template().to_json()).unwrap();
    let mut found = vec![];
    unsubstituted(&standalone["Resources"], &mut found);
    unsubstituted(&standalone["Outputs"], &mut found);
    assert!(found.is_empty(), "outside Fn::Sub: {found:?}");
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
                // A `Fn::Sub` left without variables is the plain string.
                if !sub.contains("${") {
                    *value = json!(sub.clone());
                    return;
                }
            }
            map.values_mut().for_each(|v| substitute(v, values));
            // `Fn::Select` of part 0 of an `Fn::Split` of a string, as CloudFormation resolves it.
            if let Some(Value::Array(args)) = map.get("Fn::Select")
                && args.first() == Some(&json!(0))
                && let Some(Value::Array(split)) = args.get(1).and_then(|s| s.get("Fn::Split"))
                && let [Value::String(separator), Value::String(text)] = split.as_slice()
            {
                *value = json!(text.split(separator.as_str()).next().unwrap_or_default());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, values)),
        _ => {}
    }
}

#[test]
fn the_standalone_template_with_values_grants_what_the_rendered_one_does() {
    let mut standalone: Value = serde_json::from_str(&standalone_pivot_role_template().to_json()).unwrap();
    // An opened prefix: with none, the rendered template leaves the pattern out where the
    // standalone one repeats `sluice:*`.
    let p = PivotRoleParams { stack_tag_keys: OpenTagKeys::Prefix("cost-".into()), ..params() };
    substitute(
        &mut standalone["Resources"],
        &[
            ("TrustAccountId", &p.trust_account_id),
            ("ExternalId", &p.external_id),
            ("PivotRoleName", &p.role_name),
            ("ResourcePrefix", &p.resource_prefix),
            ("StackTagKeys", "cost-*"),
        ],
    );
    let mut standalone_resources = standalone["Resources"].clone();
    let mut rendered_resources =
        serde_json::from_str::<Value>(&pivot_role_template(&p).to_json()).unwrap()["Resources"].clone();
    for resources in [&mut standalone_resources, &mut rendered_resources] {
        resources[PIVOT_ROLE_LOGICAL_ID]["Properties"].as_object_mut().unwrap().remove("Description");
    }
    assert_eq!(standalone_resources, rendered_resources);

    let parameters = standalone["Parameters"].as_object().unwrap();
    let names: Vec<&str> = parameters.keys().map(String::as_str).collect();
    let mut expected = STANDALONE_PARAMETERS.to_vec();
    expected.sort_unstable();
    let mut names_sorted = names.clone();
    names_sorted.sort_unstable();
    assert_eq!(names_sorted, expected);
}

/// The role's tag that tells Sluice which stack-tag keys are open, and the `aws:TagKeys`
/// patterns of every statement that tags: Sluice's, AWS's and only what the owner opened.
fn tag_keys_of(params: &PivotRoleParams) -> (Value, Vec<Vec<String>>) {
    let template: Value = serde_json::from_str(&pivot_role_template(params).to_json()).unwrap();
    let role = &template["Resources"][PIVOT_ROLE_LOGICAL_ID]["Properties"];
    let tag = role["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Key"] == STACK_TAG_PREFIX_TAG)
        .map(|t| t["Value"].clone())
        .expect("the role says what it opens");
    let mut patterns = vec![];
    for policy in role["Policies"].as_array().unwrap() {
        for statement in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
            if statement["Effect"] == "Allow"
                && let Some(keys) =
                    statement["Condition"]["ForAllValues:StringLike"]["aws:TagKeys"].as_array()
            {
                patterns.push(keys.iter().map(|k| k.as_str().unwrap().to_owned()).collect());
            }
        }
    }
    (tag, patterns)
}

#[test]
fn only_the_tag_keys_the_owner_opened_can_be_written() {
    let expect = |open: OpenTagKeys, tag: &str, extra: &[&str]| {
        let (role_tag, patterns) = tag_keys_of(&PivotRoleParams { stack_tag_keys: open.clone(), ..params() });
        assert_eq!(role_tag, json!(tag), "{open:?}");
        // TagSluiceRoles, CreateKeysWithSluiceTags and TagKeysWithSluiceTags.
        assert_eq!(patterns.len(), 3, "{patterns:?}");
        let mut wanted = vec!["sluice:*".to_owned(), "aws:*".to_owned()];
        wanted.extend(extra.iter().map(|e| (*e).to_owned()));
        for keys in patterns {
            assert_eq!(keys, wanted, "{open:?}");
        }
        assert_eq!(OpenTagKeys::from_role_tag(Some(tag)), open, "Sluice reads back what was written");
    };
    expect(OpenTagKeys::Nothing, "sluice:", &[]);
    expect(OpenTagKeys::Prefix("cost-".into()), "cost-", &["cost-*"]);
    expect(OpenTagKeys::Every, "", &["*"]);
}

#[test]
fn the_standalone_template_opens_nothing_unless_told() {
    let standalone: Value = serde_json::from_str(&standalone_pivot_role_template().to_json()).unwrap();
    let parameter = &standalone["Parameters"]["StackTagKeys"];
    assert_eq!(parameter["Default"], NO_KEYS_PATTERN);
    let pattern = regex_lite::Regex::new(parameter["AllowedPattern"].as_str().unwrap()).unwrap();
    for good in ["sluice:*", "*", "cost-*", "Team Name/*"] {
        assert!(pattern.is_match(good), "{good}");
    }
    for bad in ["", "cost", "a*b*", "a?*", "a,b*"] {
        assert!(!pattern.is_match(bad), "{bad}");
    }
}
