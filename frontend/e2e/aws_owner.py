#!/usr/bin/env python3
"""What an AWS account owner does outside Sluice, in moto, for the browser tests:

    aws_owner.py pivot-role ACCOUNT TEMPLATE_FILE     deploy the pivot-role template
    aws_owner.py glue-tables ACCOUNT DATABASE BUCKET NAME...   put tables in a Glue database
    aws_owner.py import-resources ACCOUNT BUCKET DATABASE ALIAS
        a bucket, a Glue database and a KMS key with that alias (no `alias/`), to import
    aws_owner.py open-tag-keys ACCOUNT PREFIX
        let stacks carry key-value tags whose key starts with PREFIX ("" for every key): the
        pivot role's `sluice:stack-tag-prefix` tag, as a redeploy of the pivot-role template with
        `StackTagKeys` PREFIX* would write it. Sluice reads that tag; moto does not enforce the
        template's IAM statements that go with it, so the tag alone stands in for the redeploy.

Environment: MOTO_URL, AWS_REGION (default eu-west-1).
"""

import os
import sys

import boto3


def client(account, service):
    moto = os.environ["MOTO_URL"]
    region = os.environ.get("AWS_REGION", "eu-west-1")
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    sts = boto3.client("sts", endpoint_url=moto, region_name=region, **keys)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/account-owner", RoleSessionName="e2e")["Credentials"]
    return boto3.client(
        service,
        endpoint_url=moto,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def main(argv):
    if argv[:1] == ["pivot-role"] and len(argv) == 3:
        with open(argv[2]) as f:
            template = f.read()
        client(argv[1], "cloudformation").create_stack(
            StackName="sluice-pivot-role", TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"]
        )
    elif argv[:1] == ["glue-tables"] and len(argv) >= 5:
        account, database, bucket, names = argv[1], argv[2], argv[3], argv[4:]
        glue = client(account, "glue")
        for name in names:
            glue.create_table(
                DatabaseName=database,
                TableInput={
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "StorageDescriptor": {
                        "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
                        "Location": f"s3://{bucket}/{name}/",
                    },
                    "Parameters": {"classification": "parquet"},
                },
            )
    elif argv[:1] == ["import-resources"] and len(argv) == 5:
        account, bucket, database, alias = argv[1:]
        region = os.environ.get("AWS_REGION", "eu-west-1")
        s3 = client(account, "s3")
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        kms = client(account, "kms")
        key = kms.create_key(Description=f"encrypts {bucket}")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key)
        # The owner opens the key to Sluice's pivot role (docs/PIVOT_ROLE.md).
        pivot = os.environ.get("SLUICE_PIVOT_ROLE_NAME", "sluice-pivot-role")
        kms.tag_resource(KeyId=key, Tags=[{"TagKey": "sluice:pivot-role", "TagValue": pivot}])
        client(account, "glue").create_database(DatabaseInput={"Name": database})
    elif argv[:1] == ["open-tag-keys"] and len(argv) == 3:
        pivot = os.environ.get("SLUICE_PIVOT_ROLE_NAME", "sluice-pivot-role")
        client(argv[1], "iam").tag_role(RoleName=pivot, Tags=[{"Key": "sluice:stack-tag-prefix", "Value": argv[2]}])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
