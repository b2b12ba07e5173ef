#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::*;

fn spec() -> EnvironmentStackSpec {
    EnvironmentStackSpec {
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
                permissions: vec!["CREATE_DATASET".into(), "RUN_ATHENA_QUERY".into()],
            },
            TeamRole {
                group_uri: "ops-team".into(),
                role_name: "unused".into(),
                imported_role_arn: Some("arn:aws:iam::111122223333:role/OpsOwnRole".into()),
                permissions: vec![],
            },
            TeamRole {
                group_uri: "Readers".into(),
                role_name: "sluice-Readers-ab12cd34".into(),
                imported_role_arn: None,
                permissions: vec![],
            },
        ],
    }
}

fn rendered() -> Value {
    serde_json::from_str(&environment_template(&spec()).to_json()).unwrap()
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
fn the_key_rotates_and_outlives_the_stack() {
    let template = rendered();
    let key = &template["Resources"][KEY_LOGICAL_ID];
    assert_eq!(key["Type"], "AWS::KMS::Key");
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    assert_eq!(key["DeletionPolicy"], "Retain");
    let admin = statement(&key["Properties"]["KeyPolicy"], "PivotRoleAdministers");
    assert_eq!(admin["Principal"], json!({"AWS": ["arn:aws:iam::111122223333:role/sluicePivotRole"]}));
    assert_eq!(
        template["Resources"][KEY_ALIAS_LOGICAL_ID]["Properties"]["AliasName"],
        "alias/sluice-Sales-Analytics-ab12cd34"
    );
}

#[test]
fn both_buckets_are_private_versioned_and_named_by_convention() {
    let template = rendered();
    for (id, name) in [
        (DATA_BUCKET_LOGICAL_ID, "sluice-sales-analytics-ab12cd34"),
        (LOGS_BUCKET_LOGICAL_ID, "sluice-sales-analytics-ab12cd34-logs"),
    ] {
        let bucket = &template["Resources"][id];
        assert_eq!(bucket["Type"], "AWS::S3::Bucket");
        let properties = &bucket["Properties"];
        assert_eq!(properties["BucketName"], name);
        assert_eq!(
            properties["PublicAccessBlockConfiguration"],
            json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
        );
        assert_eq!(properties["VersioningConfiguration"], json!({"Status": "Enabled"}));
        assert_eq!(bucket["DeletionPolicy"], "Retain");
    }
}

#[test]
fn the_data_bucket_is_kms_encrypted_and_logs_to_the_logs_bucket() {
    let template = rendered();
    let data = &template["Resources"][DATA_BUCKET_LOGICAL_ID]["Properties"];
    assert_eq!(
        data["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [KEY_LOGICAL_ID, "Arn"]}})
    );
    assert_eq!(
        data["LoggingConfiguration"],
        json!({"DestinationBucketName": {"Ref": LOGS_BUCKET_LOGICAL_ID}, "LogFilePrefix": "data-bucket/"})
    );
    let logs = &template["Resources"][LOGS_BUCKET_LOGICAL_ID]["Properties"];
    assert_eq!(
        logs["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
}

#[test]
fn both_buckets_refuse_requests_without_tls() {
    let template = rendered();
    for (policy, bucket) in
        [("DataBucketPolicy", DATA_BUCKET_LOGICAL_ID), ("AccessLogsBucketPolicy", LOGS_BUCKET_LOGICAL_ID)]
    {
        let policy = &template["Resources"][policy];
        assert_eq!(policy["Type"], "AWS::S3::BucketPolicy");
        assert_eq!(policy["Properties"]["Bucket"], json!({"Ref": bucket}));
        let deny = statement(&policy["Properties"]["PolicyDocument"], "TlsOnly");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Principal"], "*");
        assert_eq!(deny["Action"], json!(["s3:*"]));
        assert_eq!(deny["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
        assert_eq!(deny["Resource"].as_array().unwrap().len(), 2, "the bucket and its objects");
    }
}

#[test]
fn only_teams_without_their_own_role_get_one() {
    let template = rendered();
    let roles: Vec<&String> = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::IAM::Role")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(roles, ["TeamRoleDataTeam", "TeamRoleReaders"]);
    let role = &template["Resources"]["TeamRoleDataTeam"]["Properties"];
    assert_eq!(role["RoleName"], "sluice-DataTeam-ab12cd34");
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}]})
    );
}

#[test]
fn a_team_role_reaches_its_own_folder_and_permissions_add_grants() {
    let template = rendered();
    let policy = |id: &str| template["Resources"][id]["Properties"]["Policies"][0]["PolicyDocument"].clone();
    let data_team = policy("TeamRoleDataTeam");
    assert_eq!(
        statement(&data_team, "TeamFolderReadWrite")["Resource"],
        json!([{"Fn::Join": ["", [{"Fn::GetAtt": [DATA_BUCKET_LOGICAL_ID, "Arn"]}, "/teams/DataTeam/*"]]}])
    );
    assert_eq!(
        statement(&data_team, "ListTeamFolder")["Condition"],
        json!({"StringLike": {"s3:prefix": ["teams/DataTeam/", "teams/DataTeam/*"]}})
    );
    statement(&data_team, "AthenaQueries");
    let readers = policy("TeamRoleReaders");
    assert!(readers.to_string().contains("/teams/Readers/*"));
    assert!(!readers.to_string().contains("athena:"), "no RUN_ATHENA_QUERY, no Athena");
}

#[test]
fn every_name_is_an_output() {
    let outputs = rendered()["Outputs"].clone();
    assert_eq!(outputs[DATA_BUCKET_OUTPUT]["Value"], json!({"Ref": DATA_BUCKET_LOGICAL_ID}));
    assert_eq!(outputs[LOGS_BUCKET_OUTPUT]["Value"], json!({"Ref": LOGS_BUCKET_LOGICAL_ID}));
    assert_eq!(outputs[KEY_ARN_OUTPUT]["Value"], json!({"Fn::GetAtt": [KEY_LOGICAL_ID, "Arn"]}));
    assert_eq!(outputs[KEY_ALIAS_OUTPUT]["Value"], json!({"Ref": KEY_ALIAS_LOGICAL_ID}));
    assert_eq!(outputs["TeamRoleArnDataTeam"]["Value"], json!({"Fn::GetAtt": ["TeamRoleDataTeam", "Arn"]}));
    assert_eq!(
        outputs[team_role_output_key("ops-team")]["Value"],
        "arn:aws:iam::111122223333:role/OpsOwnRole"
    );
    for key in outputs.as_object().unwrap().keys() {
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
    }
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(environment_template(&spec()).to_json(), environment_template(&spec()).to_json());
}
