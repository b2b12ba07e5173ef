use serde_json::json;

use super::*;

fn access(prefixes: &[&str], cross_account: bool) -> FolderAccess {
    FolderAccess {
        account: "111111111111".into(),
        bucket: "sales".into(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        principal: "arn:aws:iam::222222222222:role/team/sluice-teamb".into(),
        object_actions: object_actions(&["Read".into()]),
        key_alias: Some("alias/sales".into()),
        key_operations: key_operations(&["Read".into()]),
        grant_name: "sluice-share-abc12345".into(),
        role_policy: cross_account.then(|| RolePolicy {
            account: "222222222222".into(),
            role_name: "sluice-teamb".into(),
            policy_name: "sluice-share-abc12345".into(),
        }),
    }
}

#[test]
fn write_adds_put_and_delete_and_the_key_operations_they_need() {
    assert_eq!(object_actions(&["Read".into()]), ["s3:GetObject"]);
    assert_eq!(
        object_actions(&["Read".into(), "Write".into()]),
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    );
    assert_eq!(key_operations(&["Read".into()]), ["Decrypt", "DescribeKey"]);
    assert!(key_operations(&["Write".into()]).contains(&"GenerateDataKey"));
}

#[test]
fn role_names_drop_their_path() {
    assert_eq!(role_name("arn:aws:iam::1:role/team/sluice-teamb"), Some("sluice-teamb"));
    assert_eq!(role_name("arn:aws:iam::1:role/plain"), Some("plain"));
    assert_eq!(role_name("arn:aws:iam::1:user/u"), None);
}

#[test]
fn a_share_gets_one_object_and_one_list_statement_for_all_its_prefixes() {
    let statements = access(&["raw", "curated/eu"], false).bucket_statements("abc12345");
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0]["Sid"], "SluiceShareabc12345Objects");
    assert_eq!(
        statements[0]["Resource"],
        json!(["arn:aws:s3:::sales/raw/*", "arn:aws:s3:::sales/curated/eu/*"])
    );
    assert_eq!(statements[1]["Sid"], "SluiceShareabc12345List");
    assert_eq!(statements[1]["Resource"], "arn:aws:s3:::sales");
    assert_eq!(
        statements[1]["Condition"]["StringLike"]["s3:prefix"],
        json!(["raw/", "raw/*", "curated/eu/", "curated/eu/*"])
    );
}

#[test]
fn no_prefixes_means_no_statements_and_no_role_policy() {
    let empty = access(&[], true);
    assert!(empty.bucket_statements("abc12345").is_empty());
    assert!(empty.role_policy_document(Some("arn:aws:kms:eu-west-1:1:key/k")).is_none());
}

#[test]
fn the_role_policy_mirrors_the_bucket_statements_and_adds_the_key() {
    let doc =
        access(&["raw"], true).role_policy_document(Some("arn:aws:kms:eu-west-1:1:key/k")).expect("doc");
    let statements = doc["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[0]["Resource"], json!(["arn:aws:s3:::sales/raw/*"]));
    assert_eq!(statements[2]["Action"], json!(["kms:Decrypt", "kms:DescribeKey"]));
    let without_key = access(&["raw"], true).role_policy_document(None).expect("doc");
    assert_eq!(without_key["Statement"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_prefix_is_granted_only_when_both_statements_name_it_for_the_principal() {
    let granted = access(&["raw", "curated"], false);
    let statements = granted.bucket_statements("abc12345");
    assert!(granted.grants_prefix(&statements, "abc12345", "raw"));
    assert!(!granted.grants_prefix(&statements, "abc12345", "other"));
    assert!(!granted.grants_prefix(&statements, "zzz99999", "raw"), "another share's Sids");
    assert!(!granted.grants_prefix(&statements[..1], "abc12345", "raw"), "no list statement");

    let mut other_principal = statements.clone();
    other_principal[0]["Principal"]["AWS"] = json!("arn:aws:iam::3:role/x");
    assert!(!granted.grants_prefix(&other_principal, "abc12345", "raw"));

    // A single resource is written as a string by some tools.
    let mut single = access(&["raw"], false).bucket_statements("abc12345");
    single[0]["Resource"] = json!("arn:aws:s3:::sales/raw/*");
    assert!(granted.grants_prefix(&single, "abc12345", "raw"));
}
