#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::*;

fn spec() -> DatasetStackSpec {
    DatasetStackSpec {
        dataset_uri: "ds12ab34".into(),
        label: "Sales Orders".into(),
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        pivot_role_arn: "arn:aws:iam::111122223333:role/sluicePivotRole".into(),
        permissions_boundary_arn: None,
        // As the dataset row stores them.
        admin_role_name: "sluice-sales-orders-ds12ab34".into(),
        bucket_name: "sluice-sales-orders-ds12ab34".into(),
        kms_alias: Some("alias/sluice-sales-orders-ds12ab34".into()),
        glue_database_name: "sluice_sales_orders_ds12ab34".into(),
    }
}

fn rendered() -> Value {
    serde_json::from_str(&dataset_template(&spec()).to_json()).unwrap()
}

fn statement<'a>(document: &'a Value, sid: &str) -> &'a Value {
    document["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {document}"))
}

#[test]
fn the_stack_holds_a_key_its_alias_the_bucket_its_policy_and_the_admin_role() {
    let template = rendered();
    let mut resources: Vec<(&str, &str)> = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, r)| (id.as_str(), r["Type"].as_str().unwrap()))
        .collect();
    resources.sort_unstable();
    assert_eq!(
        resources,
        [
            (ADMIN_ROLE_LOGICAL_ID, "AWS::IAM::Role"),
            (BUCKET_LOGICAL_ID, "AWS::S3::Bucket"),
            (BUCKET_POLICY_LOGICAL_ID, "AWS::S3::BucketPolicy"),
            (KEY_LOGICAL_ID, "AWS::KMS::Key"),
            (KEY_ALIAS_LOGICAL_ID, "AWS::KMS::Alias"),
        ]
    );
    let outputs: Vec<&String> = template["Outputs"].as_object().unwrap().keys().collect();
    assert_eq!(outputs, [ADMIN_ROLE_ARN_OUTPUT, BUCKET_OUTPUT, KEY_ALIAS_OUTPUT, KEY_ARN_OUTPUT]);
    assert_eq!(template["Outputs"][BUCKET_OUTPUT]["Value"], json!({"Ref": BUCKET_LOGICAL_ID}));
    assert_eq!(
        template["Outputs"][ADMIN_ROLE_ARN_OUTPUT]["Value"],
        json!({"Fn::GetAtt": [ADMIN_ROLE_LOGICAL_ID, "Arn"]})
    );
}

#[test]
fn the_key_rotates_outlives_the_stack_and_is_aliased_as_stored() {
    let template = rendered();
    let key = &template["Resources"][KEY_LOGICAL_ID];
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    assert_eq!(key["DeletionPolicy"], "Retain");
    let admin = statement(&key["Properties"]["KeyPolicy"], "PivotRoleAdministers");
    assert_eq!(admin["Principal"], json!({"AWS": ["arn:aws:iam::111122223333:role/sluicePivotRole"]}));
    assert_eq!(
        template["Resources"][KEY_ALIAS_LOGICAL_ID]["Properties"],
        json!({"AliasName": "alias/sluice-sales-orders-ds12ab34", "TargetKeyId": {"Ref": KEY_LOGICAL_ID}})
    );
    let bare = DatasetStackSpec { kms_alias: Some("sluice-sales-orders-ds12ab34".into()), ..spec() };
    assert_eq!(
        bare.key_alias().as_deref(),
        Some("alias/sluice-sales-orders-ds12ab34"),
        "alias/ is added when missing"
    );
}

#[test]
fn the_bucket_is_private_versioned_kms_encrypted_retained_and_tls_only() {
    let template = rendered();
    let bucket = &template["Resources"][BUCKET_LOGICAL_ID];
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
    let properties = &bucket["Properties"];
    assert_eq!(properties["BucketName"], "sluice-sales-orders-ds12ab34");
    assert_eq!(
        properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [KEY_LOGICAL_ID, "Arn"]}})
    );
    assert_eq!(
        properties["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(properties["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        properties["OwnershipControls"],
        json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    );
    let policy = &template["Resources"][BUCKET_POLICY_LOGICAL_ID]["Properties"];
    assert_eq!(policy["Bucket"], json!({"Ref": BUCKET_LOGICAL_ID}));
    let deny = statement(&policy["PolicyDocument"], "TlsOnly");
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
}

#[test]
fn the_admin_role_is_trusted_by_the_account_and_reaches_the_bucket_key_and_database() {
    let template = rendered();
    let role = &template["Resources"][ADMIN_ROLE_LOGICAL_ID]["Properties"];
    assert_eq!(role["RoleName"], "sluice-sales-orders-ds12ab34");
    let trust = &role["AssumeRolePolicyDocument"];
    assert_eq!(
        statement(trust, "AccountPrincipals")["Principal"],
        json!({"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}]})
    );
    assert_eq!(
        statement(trust, "LakeFormation")["Principal"],
        json!({"Service": ["lakeformation.amazonaws.com"]})
    );

    let policy = &role["Policies"][0]["PolicyDocument"];
    assert_eq!(
        statement(policy, "DatasetBucket")["Resource"],
        json!([{"Fn::GetAtt": [BUCKET_LOGICAL_ID, "Arn"]}])
    );
    assert_eq!(
        statement(policy, "DatasetObjectsReadWrite")["Resource"],
        json!([{"Fn::Join": ["", [{"Fn::GetAtt": [BUCKET_LOGICAL_ID, "Arn"]}, "/*"]]}])
    );
    assert_eq!(statement(policy, "DatasetKey")["Resource"], json!([{"Fn::GetAtt": [KEY_LOGICAL_ID, "Arn"]}]));
    assert_eq!(
        statement(policy, "DatasetDatabase")["Resource"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"},
            {"Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/sluice_sales_orders_ds12ab34"},
            {"Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/sluice_sales_orders_ds12ab34/*"},
        ])
    );
    assert_eq!(
        statement(policy, "LakeFormationDataAccess")["Action"],
        json!(["lakeformation:GetDataAccess"])
    );
}

#[test]
fn a_renamed_dataset_keeps_every_name_so_nothing_is_replaced() {
    let renamed = DatasetStackSpec { label: "Orders (renamed)".into(), ..spec() };
    let before = rendered();
    let after: Value = serde_json::from_str(&dataset_template(&renamed).to_json()).unwrap();
    let names = |t: &Value| {
        (
            t["Resources"][BUCKET_LOGICAL_ID]["Properties"]["BucketName"].clone(),
            t["Resources"][KEY_ALIAS_LOGICAL_ID]["Properties"]["AliasName"].clone(),
            t["Resources"][ADMIN_ROLE_LOGICAL_ID]["Properties"]["RoleName"].clone(),
            statement(
                &t["Resources"][ADMIN_ROLE_LOGICAL_ID]["Properties"]["Policies"][0]["PolicyDocument"],
                "DatasetDatabase",
            )["Resource"]
                .clone(),
        )
    };
    assert_eq!(names(&before), names(&after));
    assert_eq!(
        before["Resources"][KEY_LOGICAL_ID], after["Resources"][KEY_LOGICAL_ID],
        "the key is not modified at all"
    );
    assert_ne!(before["Description"], after["Description"], "only descriptions follow the label");
}

#[test]
fn the_template_renders_the_same_every_time() {
    assert_eq!(dataset_template(&spec()).to_json(), dataset_template(&spec()).to_json());
    assert!(dataset_template(&spec()).to_compact_json().len() < crate::stacks::MAX_TEMPLATE_BODY);
}

#[test]
fn an_sse_s3_spec_makes_no_key_and_its_admin_role_has_no_kms_statement() {
    for alias in [None, Some(String::new()), Some("alias/".to_owned())] {
        let sse_s3 = DatasetStackSpec { kms_alias: alias.clone(), ..spec() };
        assert_eq!(sse_s3.key_alias(), None, "{alias:?} names no key");
        let template: Value = serde_json::from_str(&dataset_template(&sse_s3).to_json()).unwrap();
        let resources = template["Resources"].as_object().unwrap();
        assert!(!resources.contains_key(KEY_LOGICAL_ID) && !resources.contains_key(KEY_ALIAS_LOGICAL_ID));
        assert!(
            resources.values().all(|r| !r["Type"].as_str().unwrap().starts_with("AWS::KMS::")),
            "no KMS resource at all"
        );
        let outputs: Vec<&String> = template["Outputs"].as_object().unwrap().keys().collect();
        assert_eq!(outputs, [ADMIN_ROLE_ARN_OUTPUT, BUCKET_OUTPUT]);
        assert_eq!(
            resources[BUCKET_LOGICAL_ID]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                [0]["ServerSideEncryptionByDefault"],
            json!({"SSEAlgorithm": "AES256"})
        );
        let policy = &resources[ADMIN_ROLE_LOGICAL_ID]["Properties"]["Policies"][0]["PolicyDocument"];
        let statements = policy["Statement"].as_array().unwrap();
        let sids: Vec<&str> = statements.iter().map(|s| s["Sid"].as_str().unwrap()).collect();
        assert_eq!(
            sids,
            [
                "DatasetBucket",
                "DatasetObjectsReadWrite",
                "DatasetDatabase",
                "LakeFormationDataAccess",
                "CrawlerLogs"
            ]
        );
        let text = template.to_string();
        assert!(!text.contains("kms:") && !text.contains("alias/"), "nothing names KMS: {text}");
    }
}
