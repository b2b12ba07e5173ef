#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::Value;

use super::*;
use crate::templates::{
    pivot_role::BOUNDARY_LOGICAL_ID,
    pivot_scope::boundary_arn_for,
    policy_walk::{
        PIVOT_ARN as PIVOT, actions, condition, is_allow, pivot_statements, rendered_pivot, resource_part,
        resources, resources_of_type, sluice_templates, sluice_templates_bounded_by, text,
    },
};

const BOUNDARY_ARN: &str = "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sluicePivotRole-boundary";

fn boundary() -> Vec<Value> {
    rendered_pivot()["Resources"][BOUNDARY_LOGICAL_ID]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

fn boundary_actions() -> BTreeSet<String> {
    boundary().iter().flat_map(actions).collect()
}

#[test]
fn every_role_sluice_creates_carries_the_boundary_the_pivot_role_requires() {
    let mut roles = 0;
    for template in sluice_templates() {
        for (id, role) in resources_of_type(&template, "AWS::IAM::Role") {
            roles += 1;
            assert_eq!(text(&role["Properties"]["PermissionsBoundary"]), BOUNDARY_ARN, "{id}");
        }
    }
    assert_eq!(roles, 3, "two team roles and a dataset admin role");
}

#[test]
fn an_environments_own_boundary_replaces_the_shipped_one_on_every_role_and_the_pivot_role_allows_it() {
    let own = "arn:aws:iam::111122223333:policy/sluicePivotRole-boundary-acme";
    let mut roles = 0;
    for template in sluice_templates_bounded_by(Some(own)) {
        for (id, role) in resources_of_type(&template, "AWS::IAM::Role") {
            roles += 1;
            assert_eq!(role["Properties"]["PermissionsBoundary"], own, "{id}");
        }
    }
    assert_eq!(roles, 3, "two team roles and a dataset admin role");
    // What the pivot role's CreateRole allows, with the deploying account's values.
    let pattern = pivot_statements()
        .into_iter()
        .filter(is_allow)
        .find(|s| actions(s).contains(&"iam:CreateRole".to_owned()))
        .map(|s| condition(&s, "StringLike", "iam:PermissionsBoundary"))
        .expect("CreateRole is allowed")[0]
        .replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", "111122223333");
    let prefix = pattern.strip_suffix('*').expect("a prefix pattern");
    assert!(own.starts_with(prefix), "{own} is outside {pattern}");
    assert!(!"arn:aws:iam::111122223333:policy/AdministratorAccess".starts_with(prefix));
}

#[test]
fn the_boundary_is_found_from_the_pivot_roles_arn_with_or_without_a_path() {
    let expected = serde_json::json!({"Fn::Sub": BOUNDARY_ARN});
    assert_eq!(serde_json::to_value(boundary_arn_for(PIVOT)).unwrap(), expected);
    let with_path = "arn:aws:iam::111122223333:role/ops/sluicePivotRole";
    assert_eq!(serde_json::to_value(boundary_arn_for(with_path)).unwrap(), expected);
}

#[test]
fn the_boundary_lets_sluices_roles_do_all_their_policies_grant() {
    let capped = boundary_actions();
    for template in sluice_templates() {
        for (id, role) in resources_of_type(&template, "AWS::IAM::Role") {
            for policy in role["Properties"]["Policies"].as_array().unwrap() {
                for statement in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
                    for action in actions(statement) {
                        assert!(capped.contains(&action), "{action} of {id} is outside the boundary");
                    }
                }
            }
        }
    }
    // The policy a folder share writes on the consumer's role, across accounts.
    let write = ["Read".to_owned(), "Write".to_owned()];
    let share = sluice_core::shares::folders::object_actions(&write)
        .into_iter()
        .map(str::to_owned)
        .chain(sluice_core::shares::folders::key_operations(&write).into_iter().map(|o| format!("kms:{o}")));
    for action in share.chain(["s3:ListBucket".to_owned()]) {
        assert!(capped.contains(&action), "a folder share's {action} is outside the boundary");
    }
}

#[test]
fn the_boundary_holds_only_data_access() {
    for statement in boundary() {
        assert!(is_allow(&statement), "{statement}");
        for action in actions(&statement) {
            let allowed = S3_OBJECT_ACTIONS.contains(&action.as_str())
                || S3_LISTING_ACTIONS.contains(&action.as_str())
                || KMS_DATA_ACTIONS.contains(&action.as_str())
                || ["glue:", "athena:"].iter().any(|s| action.starts_with(s))
                || action == "lakeformation:GetDataAccess"
                // A dataset's crawler logs as its admin role, to Glue's crawler log groups only.
                || (super::CRAWLER_LOG_ACTIONS.contains(&action.as_str())
                    && resources(&statement).iter().all(|r| r.ends_with(":log-group:/aws-glue/crawlers*")));
            assert!(allowed, "{action} is not data access");
            assert!(!action.contains('*'), "{action}");
        }
    }
}

#[test]
fn the_boundary_reaches_this_accounts_keys_only_as_the_pivot_role_does() {
    for statement in boundary().iter().filter(|s| actions(s).iter().any(|a| a.starts_with("kms:"))) {
        let this_account = resources(statement);
        if this_account.is_empty() {
            // Other accounts' keys: every key but this account's.
            assert_eq!(
                text(&statement["NotResource"][0]),
                "arn:${AWS::Partition}:kms:*:${AWS::AccountId}:*",
                "{statement}"
            );
            continue;
        }
        assert_eq!(this_account.iter().map(|r| resource_part(r)).collect::<Vec<_>>(), ["key/*"]);
        let by_alias =
            condition(statement, "ForAnyValue:StringLike", "kms:ResourceAliases") == ["alias/sluice*"];
        let by_owner =
            condition(statement, "StringEquals", "aws:ResourceTag/sluice:pivot-role") == ["sluicePivotRole"];
        assert!(by_alias || by_owner, "{statement}");
    }
}

#[test]
fn the_boundary_writes_tables_only_in_this_account() {
    for statement in boundary() {
        let writes = actions(&statement)
            .iter()
            .any(|a| a.starts_with("glue:") && !a.starts_with("glue:Get") && !a.starts_with("glue:BatchGet"));
        if writes {
            for resource in resources(&statement) {
                assert!(resource.contains(":${AWS::AccountId}:"), "{statement}");
            }
        }
    }
}
