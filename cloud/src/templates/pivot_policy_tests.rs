//! The pivot role's policies, read back from the rendered template and walked statement by
//! statement: a statement added later without its scoping condition fails here whatever its Sid.
//! moto evaluates no policy, so this (and docs/PIVOT_ROLE.md) is where least privilege is shown.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::Value;

use crate::templates::{
    pivot_data::SHARED_DATABASE_SUFFIX,
    pivot_iam::{BOUNDARY_KEYED_ROLE_WRITES, UNBOUNDED_ROLE_WRITES, self_denied},
    pivot_scope::PIVOT_ROLE_TAG,
    pivot_stacks::{GRANT_OPERATIONS, STACK_RESOURCE_TYPES},
    policy_walk::{
        actions, condition, has_action, is_allow, pivot_statements, resource_part, resources, sid,
        sluice_templates,
    },
};

const BOUNDARY_ARN: &str = "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sluicePivotRole-boundary";
/// The shipped boundary and those the account owner names after it.
const BOUNDARIES: &str = "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sluicePivotRole-boundary*";
const OWN_ARN: &str = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/sluicePivotRole";
const SLUICE_ROLES: &str = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/sluice*";
const PIVOT_ROLE_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/PIVOT_ROLE.md");

fn allows() -> Vec<Value> {
    pivot_statements().into_iter().filter(is_allow).collect()
}

fn denies() -> Vec<Value> {
    pivot_statements().into_iter().filter(|s| !is_allow(s)).collect()
}

fn service(action: &str) -> &str {
    action.split(':').next().unwrap()
}

fn is_read(action: &str) -> bool {
    let name = action.split(':').nth(1).unwrap();
    ["Get", "List", "Describe", "BatchGet"].iter().any(|p| name.starts_with(p))
}

/// A resource that is not narrowed by the prefix before its first wildcard.
fn is_wildcard(resource: &str) -> bool {
    let part = resource_part(resource);
    part.find('*').is_some_and(|at| !part[..at].to_lowercase().contains("sluice"))
}

#[test]
fn every_statement_has_its_own_sid_and_names_its_actions() {
    let mut seen = BTreeSet::new();
    for statement in pivot_statements() {
        assert!(seen.insert(sid(&statement).to_owned()), "Sids are unique: {statement}");
        assert!(statement.get("Sid").is_some(), "{statement}");
        for action in actions(&statement) {
            assert!(!action.contains('*'), "no wildcard actions: {statement}");
        }
    }
}

#[test]
fn every_wildcard_left_is_explained_in_the_docs() {
    let docs = std::fs::read_to_string(PIVOT_ROLE_DOC).unwrap();
    for statement in allows() {
        if resources(&statement).iter().any(|r| is_wildcard(r)) {
            let name = format!("`{}`", sid(&statement));
            assert!(docs.contains(&name), "docs/PIVOT_ROLE.md must say why {name} keeps a wildcard");
        }
    }
}

#[test]
fn every_role_write_iam_can_tie_to_the_boundary_requires_it() {
    let mut checked = 0;
    for statement in allows() {
        if has_action(&statement, &BOUNDARY_KEYED_ROLE_WRITES) {
            checked += 1;
            assert_eq!(
                condition(&statement, "StringLike", "iam:PermissionsBoundary"),
                [BOUNDARIES],
                "{statement}"
            );
            assert_eq!(resources(&statement), [SLUICE_ROLES], "{statement}");
        }
    }
    assert!(checked >= 2, "CreateRole and the policy writes are allowed somewhere");
}

#[test]
fn every_other_iam_write_is_a_reviewed_one_on_sluice_roles() {
    for statement in allows() {
        for action in actions(&statement).iter().filter(|a| service(a) == "iam" && !is_read(a)) {
            if action == "iam:CreateServiceLinkedRole" {
                assert_eq!(
                    condition(&statement, "StringEquals", "iam:AWSServiceName"),
                    ["lakeformation.amazonaws.com"]
                );
                continue;
            }
            assert!(
                BOUNDARY_KEYED_ROLE_WRITES.contains(&action.as_str())
                    || UNBOUNDED_ROLE_WRITES.contains(&action.as_str()),
                "{action} is neither tied to the boundary nor reviewed: {statement}"
            );
            assert_eq!(resources(&statement), [SLUICE_ROLES], "{statement}");
        }
    }
}

#[test]
fn the_role_may_never_change_a_trust_policy_or_drop_a_boundary() {
    for statement in allows() {
        assert!(
            !has_action(&statement, &["iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary"]),
            "{statement}"
        );
    }
    let denies = denies();
    let keep = denies
        .iter()
        .find(|s| has_action(s, &["iam:DeleteRolePermissionsBoundary"]) && resources(s) == ["*"]);
    assert!(keep.is_some_and(|s| s.get("Condition").is_none()), "denied outright: {denies:?}");
    let only_this = denies
        .iter()
        .find(|s| !condition(s, "StringNotLike", "iam:PermissionsBoundary").is_empty())
        .expect("a deny of every other boundary");
    for action in ["iam:CreateRole", "iam:PutRolePermissionsBoundary"] {
        assert!(actions(only_this).contains(&action.to_owned()), "{action}");
    }
    assert_eq!(resources(only_this), ["*"]);
    assert_eq!(condition(only_this, "StringNotLike", "iam:PermissionsBoundary"), [BOUNDARIES]);
    let shipped = denies
        .iter()
        .find(|s| resources(s).contains(&BOUNDARY_ARN.to_owned()))
        .expect("the boundary is guarded");
    for action in ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"] {
        assert!(actions(shipped).contains(&action.to_owned()), "{action}: {shipped}");
    }
    // The account owner's boundaries are the owner's: the role can neither make one nor change it.
    let owners = denies
        .iter()
        .find(|s| resources(s).contains(&BOUNDARIES.to_owned()) && s.get("Condition").is_none())
        .expect("the owner's boundaries are guarded");
    for action in ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"] {
        assert!(actions(owners).contains(&action.to_owned()), "{action}: {owners}");
    }
}

#[test]
fn only_managed_policies_named_with_the_prefix_attach_and_never_awss() {
    let mut checked = 0;
    for statement in
        allows().iter().filter(|s| has_action(s, &["iam:AttachRolePolicy", "iam:DetachRolePolicy"]))
    {
        checked += 1;
        assert_eq!(
            condition(statement, "ArnLike", "iam:PolicyARN"),
            ["arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/sluice*"],
            "{statement}"
        );
    }
    assert!(checked > 0);
    let never_aws = denies()
        .into_iter()
        .find(|s| has_action(s, &["iam:AttachRolePolicy"]) && resources(s) == ["*"])
        .expect("a deny of AWS managed policies");
    assert_eq!(condition(&never_aws, "ArnLike", "iam:PolicyARN"), ["arn:*:iam::aws:policy/*"]);
}

#[test]
fn the_role_denies_itself_every_change_it_may_make_to_other_roles() {
    let denies = denies();
    let itself = denies.iter().find(|s| resources(s) == [OWN_ARN]).expect("a deny on its own ARN");
    let denied = actions(itself);
    for action in self_denied().iter().chain(&["sts:AssumeRole", "iam:UpdateAssumeRolePolicy"]) {
        assert!(denied.contains(&action.to_string()), "{action}");
    }
    // Whatever write a pattern lets through onto the pivot role's own ARN is denied there.
    let own = resource_part(OWN_ARN);
    for statement in allows() {
        let reaches_itself = resources(&statement).iter().any(|r| glob(&resource_part(r), &own));
        for action in actions(&statement) {
            if reaches_itself && ["iam", "sts"].contains(&service(&action)) && !is_read(&action) {
                assert!(denied.contains(&action), "{action} may reach the pivot role itself: {statement}");
            }
        }
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|skip| glob(rest, &text[head.len() + skip..]))
        }
    }
}

#[test]
fn glob_matches_like_iam() {
    assert!(glob("role/sluice*", "role/sluicePivotRole"));
    assert!(glob("role/*", "role/x"));
    assert!(glob("*", "anything"));
    assert!(glob("table/*_shared/*", "table/sales_shared/t"));
    assert!(!glob("role/sluice*", "role/other"));
    assert!(!glob("role/aws-service-role/*", "role/sluicePivotRole"));
}

#[test]
fn the_role_assumes_nothing() {
    for statement in allows() {
        assert!(actions(&statement).iter().all(|a| service(a) != "sts"), "{statement}");
    }
}

#[test]
fn every_kms_statement_on_keys_says_which_keys() {
    let alias = ["alias/sluice*".to_owned()];
    let owner_tag = format!("aws:ResourceTag/{PIVOT_ROLE_TAG}");
    for statement in allows().iter().filter(|s| actions(s).iter().any(|a| service(a) == "kms")) {
        for resource in resources(statement) {
            let part = resource_part(&resource);
            let by_alias = condition(statement, "ForAnyValue:StringLike", "kms:ResourceAliases") == alias;
            let by_owner = condition(statement, "StringEquals", &owner_tag) == ["sluicePivotRole"];
            let only_sluice_tags = condition(statement, "ForAllValues:StringLike", "aws:TagKeys")
                == ["sluice:*", "aws:*"]
                && condition(statement, "ForAnyValue:StringLike", "aws:TagKeys") == ["sluice:*"];
            match part.as_str() {
                "key/*" => assert!(
                    by_alias || by_owner || (only_sluice_tags && actions(statement) == ["kms:TagResource"]),
                    "{statement}"
                ),
                "*" => assert!(
                    actions(statement) == ["kms:ListAliases"]
                        || (actions(statement) == ["kms:CreateKey"] && only_sluice_tags),
                    "{statement}"
                ),
                other => assert!(other.starts_with("alias/sluice"), "{statement}"),
            }
            if by_owner {
                // An imported key is used and granted, never administered.
                for action in actions(statement) {
                    assert!(
                        is_read(&action)
                            || [
                                "kms:Encrypt",
                                "kms:Decrypt",
                                "kms:GenerateDataKey",
                                "kms:CreateGrant",
                                "kms:RevokeGrant"
                            ]
                            .contains(&action.as_str()),
                        "{action} on a key Sluice did not create: {statement}"
                    );
                }
            }
        }
        assert!(!has_action(statement, &["kms:ScheduleKeyDeletion", "kms:DisableKey"]), "{statement}");
    }
}

#[test]
fn only_a_keys_owner_may_open_it_to_sluice_and_nobody_deletes_keys() {
    let denies = denies();
    let tag = denies
        .iter()
        .find(|s| has_action(s, &["kms:TagResource"]) && has_action(s, &["kms:UntagResource"]))
        .expect("a deny of the pivot-role tag");
    assert_eq!(resources(tag), ["*"]);
    assert_eq!(condition(tag, "ForAnyValue:StringEquals", "aws:TagKeys"), [PIVOT_ROLE_TAG]);
    assert!(denies.iter().any(|s| actions(s) == ["kms:ScheduleKeyDeletion"] && resources(s) == ["*"]));
}

#[test]
fn grants_hand_out_only_what_folder_shares_need() {
    let mut checked = 0;
    for statement in allows().iter().filter(|s| has_action(s, &["kms:CreateGrant"])) {
        checked += 1;
        assert_eq!(
            condition(statement, "ForAllValues:StringEquals", "kms:GrantOperations"),
            GRANT_OPERATIONS
        );
    }
    assert_eq!(checked, 2, "Sluice's keys and keys opened to it");
    let write = ["Read".to_owned(), "Write".to_owned()];
    for operation in sluice_core::shares::folders::key_operations(&write) {
        assert!(GRANT_OPERATIONS.contains(&operation), "a share needs {operation}");
    }
}

#[test]
fn s3_reaches_only_buckets_named_with_the_prefix() {
    // Listing the account's own bucket names reaches no bucket: it is how an import proves the
    // bucket it names is the account's.
    let reaches_buckets =
        |a: &String| service(a) == "s3" && a != "s3:ListAllMyBuckets" && !a.contains("AccessPoint");
    for statement in allows().iter().filter(|s| actions(s).iter().any(reaches_buckets)) {
        for resource in resources(statement) {
            assert!(resource_part(&resource).starts_with("sluice"), "{statement}");
            assert!(resource.starts_with("arn:${AWS::Partition}:s3:::"), "{statement}");
        }
    }
}

#[test]
fn access_points_are_only_the_accounts_own_share_access_points() {
    let mut checked = 0;
    for statement in allows().iter().filter(|s| actions(s).iter().any(|a| a.contains("AccessPoint"))) {
        checked += 1;
        assert!(
            actions(statement).iter().all(|a| a.starts_with("s3:") && a.contains("AccessPoint")),
            "{statement}"
        );
        assert_eq!(
            resources(statement),
            ["arn:${AWS::Partition}:s3:*:${AWS::AccountId}:accesspoint/sluice-share-*"],
            "{statement}"
        );
    }
    assert_eq!(checked, 1);
}

#[test]
fn stacks_hold_only_sluices_resource_types_and_run_without_a_service_role() {
    for statement in allows().iter().filter(|s| actions(s).iter().any(|a| service(a) == "cloudformation")) {
        for resource in resources(statement) {
            assert_eq!(resource_part(&resource), "stack/sluice*/*", "{statement}");
        }
        if has_action(statement, &["cloudformation:CreateStack", "cloudformation:UpdateStack"]) {
            assert_eq!(condition(statement, "Null", "cloudformation:RoleArn"), ["true"]);
            assert_eq!(
                condition(statement, "ForAllValues:StringEquals", "cloudformation:ResourceTypes"),
                STACK_RESOURCE_TYPES
            );
        }
    }
    // Every type Sluice's own templates use is on the list.
    for template in sluice_templates() {
        for resource in template["Resources"].as_object().unwrap().values() {
            let type_ = resource["Type"].as_str().unwrap();
            assert!(STACK_RESOURCE_TYPES.contains(&type_), "{type_}");
        }
    }
}

#[test]
fn glue_writes_reach_only_sluice_and_shared_databases() {
    for statement in
        allows().iter().filter(|s| actions(s).iter().any(|a| service(a) == "glue" && !is_read(a)))
    {
        for resource in resources(statement) {
            let part = resource_part(&resource);
            let name = part.split_once('/').map_or("", |(_, name)| name);
            let database = name.split('/').next().unwrap();
            assert!(
                part == "catalog"
                    || database.starts_with("sluice")
                    || database == format!("*{SHARED_DATABASE_SUFFIX}"),
                "{part} in {statement}"
            );
        }
    }
}

#[test]
fn lake_formation_and_ram_are_the_only_services_left_on_everything() {
    for statement in allows() {
        if resources(&statement) == ["*"] {
            for action in actions(&statement) {
                assert!(
                    ["lakeformation", "ram"].contains(&service(&action))
                        || ["kms:CreateKey", "kms:ListAliases", "s3:ListAllMyBuckets"]
                            .contains(&action.as_str()),
                    "{action} on every resource: {statement}"
                );
            }
        }
    }
    let shares = allows().into_iter().find(|s| has_action(s, &["ram:CreateResourceShare"])).unwrap();
    assert_eq!(
        condition(&shares, "StringLikeIfExists", "ram:RequestedResourceType"),
        ["glue:Table", "glue:Database", "glue:Catalog"]
    );
    for statement in
        allows().iter().filter(|s| has_action(s, &["ram:DeleteResourceShare", "ram:AssociateResourceShare"]))
    {
        assert_eq!(condition(statement, "StringLike", "ram:ResourceShareName"), ["LakeFormation*"]);
    }
}

#[test]
fn roles_passed_go_to_lake_formation_or_glue_crawlers_only() {
    let passes: Vec<_> = allows().into_iter().filter(|s| has_action(s, &["iam:PassRole"])).collect();
    assert_eq!(passes.len(), 2, "{passes:?}");
    let mut services = Vec::new();
    for statement in &passes {
        let to = condition(statement, "StringEquals", "iam:PassedToService");
        assert!(
            to == ["lakeformation.amazonaws.com"] || to == ["glue.amazonaws.com"],
            "PassRole to {to:?}: {statement}"
        );
        assert_eq!(actions(statement), ["iam:PassRole"], "{statement}");
        services.extend(to);
    }
    services.sort();
    assert_eq!(services, ["glue.amazonaws.com", "lakeformation.amazonaws.com"]);
}

#[test]
fn crawlers_are_made_and_started_only_under_sluices_names() {
    let crawler_actions =
        ["glue:CreateCrawler", "glue:UpdateCrawler", "glue:GetCrawler", "glue:StartCrawler"];
    let statements: Vec<_> = allows().into_iter().filter(|s| has_action(s, &crawler_actions)).collect();
    assert_eq!(statements.len(), 1, "{statements:?}");
    let mut got = actions(&statements[0]);
    got.sort();
    let mut want = crawler_actions.map(str::to_owned).to_vec();
    want.sort();
    assert_eq!(got, want, "no delete, no schedule");
    let scoped = resources(&statements[0]);
    assert_eq!(scoped.len(), 1);
    assert!(scoped[0].contains(":crawler/sluice*"), "{scoped:?}");
    for statement in allows() {
        for action in actions(&statement) {
            assert!(
                !action.starts_with("glue:")
                    || !action.contains("Crawler")
                    || crawler_actions.contains(&action.as_str()),
                "{action}: {statement}"
            );
        }
    }
}
