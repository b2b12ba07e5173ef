use serde_json::json;

use super::*;

const AP: &str = "arn:aws:s3:eu-west-1:111111111111:accesspoint/sluice-share-abc12345";

fn access(prefixes: &[&str], cross_account: bool) -> FolderAccess {
    FolderAccess {
        account: "111111111111".into(),
        region: "eu-west-1".into(),
        bucket: "sales".into(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        whole_bucket: false,
        access_point: access_point_name("abc12345"),
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
fn access_point_names_are_deterministic_and_within_s3_rules() {
    assert_eq!(access_point_name("abc12345"), "sluice-share-abc12345");
    assert_eq!(access_point_name("abc12345"), access_point_name("abc12345"));
    let odd = access_point_name("AB_c..D--e");
    assert_eq!(odd, "sluice-share-ab-c-d-e");
    let long = access_point_name(&"x".repeat(80));
    assert_eq!(long.len(), 50);
    assert_eq!(access_point_name("x-s3alias"), "sluice-share-x");
    for name in [odd, long, access_point_name("-trailing-"), access_point_name("")] {
        assert!((3..=50).contains(&name.len()), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{name}");
        assert!(!name.ends_with('-') && !name.contains("--") && !name.ends_with("-s3alias"), "{name}");
    }
}

#[test]
fn the_access_point_policy_gives_the_principal_each_prefix_through_the_access_point() {
    let shared = access(&["curated/eu", "raw"], false);
    let policy = shared.access_point_policy().expect("policy");
    let statements = policy["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[0]["Principal"]["AWS"], "arn:aws:iam::222222222222:role/team/sluice-teamb");
    assert_eq!(statements[0]["Action"], json!(["s3:GetObject"]));
    assert_eq!(
        statements[0]["Resource"],
        json!([format!("{AP}/object/curated/eu/*"), format!("{AP}/object/raw/*")])
    );
    assert_eq!(statements[1]["Action"], json!(["s3:ListBucket"]));
    assert_eq!(statements[1]["Resource"], AP);
    assert_eq!(
        statements[1]["Condition"]["StringLike"]["s3:prefix"],
        json!(["curated/eu/", "curated/eu/*", "raw/", "raw/*"])
    );
    assert!(!policy.to_string().contains("arn:aws:s3:::"), "nothing on the bucket itself: {policy}");
}

#[test]
fn a_whole_bucket_share_gives_every_object_and_the_unconditioned_listing() {
    let bucket = FolderAccess { whole_bucket: true, ..access(&[], false) };
    assert!(!bucket.is_empty());
    let policy = bucket.access_point_policy().expect("policy");
    assert_eq!(policy["Statement"][0]["Resource"], json!([format!("{AP}/object/*")]));
    assert!(policy["Statement"][1].get("Condition").is_none());
    assert!(bucket.access_point_grants(Some(&policy), None));
    assert!(bucket.access_point_grants(Some(&policy), Some("any/prefix")), "folders are inside it");
    // A prefix-only policy does not give the whole bucket.
    let folders = access(&["raw"], false).access_point_policy();
    assert!(!bucket.access_point_grants(folders.as_ref(), None));
}

#[test]
fn the_bucket_policy_delegates_to_the_bucket_accounts_access_points_only() {
    let statement = delegation_statement("sales", "111111111111");
    assert_eq!(statement["Sid"], DELEGATION_SID);
    assert_eq!(statement["Resource"], json!(["arn:aws:s3:::sales", "arn:aws:s3:::sales/*"]));
    assert_eq!(statement["Condition"]["StringEquals"]["s3:DataAccessPointAccount"], "111111111111");
    assert!(delegates(std::slice::from_ref(&statement), "sales", "111111111111"));
    assert!(!delegates(&[statement], "sales", "333333333333"), "another account's access points");
    assert!(!delegates(&[], "sales", "111111111111"));
}

#[test]
fn nothing_kept_means_no_policies() {
    let empty = access(&[], true);
    assert!(empty.is_empty());
    assert!(empty.access_point_policy().is_none());
    assert!(empty.legacy_bucket_statements("abc12345").is_empty());
    assert!(empty.role_policy_document(Some("arn:aws:kms:eu-west-1:1:key/k")).is_none());
}

#[test]
fn the_role_policy_names_the_access_point_and_the_bucket_and_adds_the_key() {
    let doc =
        access(&["raw"], true).role_policy_document(Some("arn:aws:kms:eu-west-1:1:key/k")).expect("doc");
    let statements = doc["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[0]["Resource"], json!([format!("{AP}/object/raw/*"), "arn:aws:s3:::sales/raw/*"]));
    assert_eq!(statements[1]["Resource"], json!([AP, "arn:aws:s3:::sales"]));
    assert_eq!(statements[2]["Action"], json!(["kms:Decrypt", "kms:DescribeKey"]));
    let without_key = access(&["raw"], true).role_policy_document(None).expect("doc");
    assert_eq!(without_key["Statement"].as_array().map(Vec::len), Some(2));
    assert!(access(&["raw"], true).role_policy_grants(Some(&doc), Some("raw")));
    assert!(!access(&["raw"], true).role_policy_grants(Some(&doc), Some("curated")));
}

#[test]
fn a_prefix_is_granted_only_when_both_access_point_statements_name_it_for_the_principal() {
    let granted = access(&["raw", "curated"], false);
    let policy = granted.access_point_policy().expect("policy");
    assert!(granted.access_point_grants(Some(&policy), Some("raw")));
    assert!(!granted.access_point_grants(Some(&policy), Some("other")));
    assert!(!granted.access_point_grants(None, Some("raw")), "no access point policy");

    let mut objects_only = policy.clone();
    objects_only["Statement"].as_array_mut().expect("statements").truncate(1);
    assert!(!granted.access_point_grants(Some(&objects_only), Some("raw")), "no list statement");

    let mut other_principal = policy.clone();
    other_principal["Statement"][0]["Principal"]["AWS"] = json!("arn:aws:iam::3:role/x");
    assert!(!granted.access_point_grants(Some(&other_principal), Some("raw")));

    // Another share's access point ARN does not count.
    let other = FolderAccess { access_point: access_point_name("zzz99999"), ..granted.clone() };
    assert!(!other.access_point_grants(Some(&policy), Some("raw")));
}

#[test]
fn statements_from_before_access_points_are_recognised_for_their_share_only() {
    let granted = access(&["raw", "curated/eu"], false);
    let statements = granted.legacy_bucket_statements("abc12345");
    let sids: Vec<&str> = statements.iter().filter_map(|s| s["Sid"].as_str()).collect();
    assert_eq!(sids, statement_sids("abc12345"));
    assert!(granted.legacy_grants(&statements, "abc12345", Some("raw")));
    assert!(!granted.legacy_grants(&statements, "abc12345", Some("other")));
    assert!(!granted.legacy_grants(&statements, "zzz99999", Some("raw")), "another share's Sids");
    assert!(!granted.legacy_grants(&statements[..1], "abc12345", Some("raw")), "no list statement");

    // A single resource is written as a string by some tools.
    let mut single = access(&["raw"], false).legacy_bucket_statements("abc12345");
    single[0]["Resource"] = json!("arn:aws:s3:::sales/raw/*");
    assert!(granted.legacy_grants(&single, "abc12345", Some("raw")));
}
